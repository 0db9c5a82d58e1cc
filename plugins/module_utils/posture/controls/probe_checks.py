# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper, not a layer: the factory of the inside-view controls. One
throwaway probe container per engine, started as a user's container is,
reports what the kernel really applies to it (probe/); each layer is judged
from there as well as from the configuration, so a setting that is
configured but not in force (a daemon not restarted, a profile not loaded, a
policy module missing) shows up.

A layer module writes a judge over the probe's report and the engine name,
returning (ok, evidence), and a table of keyword rows:

    declare_probe_controls("seccomp", (
        ProbeControl(suffix="probe-seccomp", judge=_inside_seccomp,
                     title="A new container runs under seccomp (Seccomp: 2)"),
    ))

Each row becomes `<engine>-<suffix>` for Docker and Podman, whose check is
probe_check(engine, judge); `required_on` names the engines whose default
policy requires it (both unless said)."""

from __future__ import annotations

from collections import namedtuple

from ..abi.programs import STATUS_KILLED_BY_SIGSEGV, STATUS_KILLED_BY_SIGSYS
from ..model import ERROR, NOT_APPLICABLE, Outcome, Remediation, judged
from ..registry import control

ENGINES = ("docker", "podman")
WHY = ("Configuration can say one thing while the kernel applies another (a daemon not restarted, "
       "a profile that failed to load): this is measured inside a real container.")
FIX = Remediation(None, {}, "run harden.yml for this layer, then restart the engine")

# One row of a layer's table: `<engine>-<suffix>` for Docker and Podman, required
# by the default policy on the engines of `required_on`.
ProbeControl = namedtuple("ProbeControl", ("suffix", "title", "judge", "required_on"), defaults=(ENGINES,))


class ProbeBroken(Exception):
    """The probe's own control measurement failed: no verdict is possible."""


def probe_check(engine, judge):
    """The check that `judge(report, engine)` finds the probe container's report good."""
    def check(ctx):
        view = ctx.probe_view(engine)
        if view.reason:
            return Outcome(ERROR if view.error else NOT_APPLICABLE, [view.reason])
        try:
            ok, evidence = judge(view.report, engine)
        except (ProbeBroken, ValueError) as exc:  # ValueError: an unreadable report field
            return Outcome(ERROR, ["probe on %s: %s" % (engine, exc)])
        return judged(ok, evidence + ["probe image %s" % view.image])
    return check


def declare_probe_controls(layer, rows):
    """Declare every ProbeControl of `rows` in `layer`."""
    for row in rows:
        for engine in ENGINES:
            control(id="%s-%s" % (engine, row.suffix), layer=layer, engine=engine,
                    title="%s (%s)" % (row.title, engine.capitalize()), rationale=WHY, remediation=FIX,
                    check=probe_check(engine, row.judge), required=engine in row.required_on,
                    evidence="probe")


KILLED = "killed"
# int 0x80 on a kernel without IA32 emulation (ia32_emulation=0): there is no
# gate for it, the CPU faults before any system call, seccomp never sees it.
NO_ENTRY = "killed by SIGSEGV (the kernel has no 32-bit entry)"


def syscall_status(report, name):
    """'killed', NO_ENTRY, 'ran', 'refused (exit N)' or 'unknown' for one of the
    probe container's syscall programs."""
    try:
        status, pid = int(report[name + "_status"]), int(report[name + "_pid"])
    except (KeyError, ValueError):
        return "unknown"
    if status == STATUS_KILLED_BY_SIGSYS:
        return KILLED
    if name == "int80" and status == STATUS_KILLED_BY_SIGSEGV:
        return NO_ENTRY
    return "ran" if status == pid % 256 else "refused (exit %d)" % status
