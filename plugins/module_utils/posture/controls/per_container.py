# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper, not a layer: the factories of per-container controls (CIS Docker
Benchmark section 5), judged on every running container of Docker and Podman,
and of the kernel-fact controls judged on every other container the kernel
shows (rootless engines, `ctr`, CRI, a gVisor sandbox: kernel_containers).

A layer module writes a predicate over one running container (live.Container),
the audit context and the engine name, returning why the container breaks
the control or None, and a table of keyword rows:

    declare_container_controls("seccomp", (
        ContainerControl(suffix="containers-seccomp", cis="5.22", predicate=_seccomp_off,
                         title=..., rationale=..., fix="recreate the container ..."),
    ))

Each row becomes one live control per engine, `<engine>-<suffix>`, whose check
is per_container_check(engine, predicate, applies); offline they are
not_applicable, never pass, and so is an engine with no running container.

A KernelContainerControl row becomes `host-<suffix>` (evidence kernel): its
predicate takes a live.KernelView and the context and judges each container
that no running engine reported; an engine's own containers are left to its
`<engine>-containers-*` controls, so nothing is judged twice. Where /proc may
hide processes (hidepid for a non-root audit) no pass is given."""

from __future__ import annotations

from collections import namedtuple

from ..model import ERROR, Outcome, Remediation, judged, not_applicable
from ..registry import control
from ..engines import live

ENGINES = ("docker", "podman")

# One row of a layer's table: `<engine>-<suffix>` for each of `engines`; `cis` is
# the CIS Docker Benchmark 1.6.0 id (Docker's control carries it); `applies(ctx,
# engine)` may give a reason for not_applicable.
ContainerControl = namedtuple("ContainerControl", (
    "suffix", "title", "rationale", "fix", "predicate", "cis", "required", "engines", "applies"),
    defaults=(None, True, ENGINES, None))


def per_container_check(engine, predicate, applies=None):
    """The check that `predicate` finds nothing in any running container of `engine`;
    `applies(ctx, engine)` may give a reason for not_applicable (a host where the
    control's mechanism does not exist)."""
    def check(ctx):
        view = ctx.live(engine)
        if not view.available:
            return not_applicable(view.reason)
        if applies is not None:
            reason = applies(ctx, engine)
            if reason:
                return not_applicable(reason)
        if not view.containers:
            return not_applicable("no running %s containers to inspect" % engine)
        findings = []
        for container in view.containers:
            problem = predicate(container, ctx, engine)
            if problem:
                findings.append("%s: %s" % (container.label(), problem))
        evidence = findings or ["%d running container(s) inspected, all compliant: %s" % (
            len(view.containers), ", ".join(c.label() for c in view.containers))]
        return judged(not findings, evidence)
    return check


def declare_container_controls(layer, rows):
    """Declare every ContainerControl of `rows` in `layer`."""
    for row in rows:
        for engine in row.engines:
            control(id="%s-%s" % (engine, row.suffix), layer=layer, engine=engine,
                    title="%s (%s)" % (row.title, engine.capitalize()), rationale=row.rationale,
                    remediation=Remediation(None, {}, row.fix),
                    check=per_container_check(engine, row.predicate, row.applies),
                    cis=row.cis if engine == "docker" else None, required=row.required, evidence="live")


# One row of a layer's table of kernel-fact controls: `host-<suffix>`;
# `predicate(kernel_view, ctx)` gives why a container breaks it, or None.
KernelContainerControl = namedtuple("KernelContainerControl", (
    "suffix", "title", "rationale", "fix", "predicate", "required", "applies"), defaults=(True, None))


def kernel_container_check(predicate, applies=None):
    """The check that `predicate` finds nothing in any container no engine reported."""
    def check(ctx):
        scan = ctx.kernel_containers()
        if scan is None:
            return not_applicable(ctx.live("host").reason)
        if applies is not None:
            reason = applies(ctx, "host")
            if reason:
                return not_applicable(reason)
        unreported, asked = ctx.unreported_containers()
        left = "engines asked: %s" % (", ".join(asked) or "none running")
        if not unreported:
            if scan.incomplete:
                return Outcome(ERROR, ["the kernel view is incomplete: %s" % scan.incomplete])
            return not_applicable("no container beyond those the running engines reported (%s)" % left)
        findings = []
        for container in unreported:
            problem = predicate(live.kernel_view_of(scan, container), ctx)
            if problem:
                findings.append("%s: %s" % (container.label(), problem))
        if findings:
            return judged(False, findings + ["the running engines' own containers are judged by their "
                                             "<engine>-containers-* controls (%s)" % left])
        if scan.incomplete:
            return Outcome(ERROR, ["%d container(s) compliant, but the kernel view is incomplete: %s" % (
                len(unreported), scan.incomplete)])
        return judged(True, ["%d container(s) no running engine reported, all compliant: %s (%s)" % (
            len(unreported), ", ".join(c.label() for c in unreported), left)])
    return check


def declare_kernel_container_controls(layer, rows):
    """Declare every KernelContainerControl of `rows` in `layer` as host-<suffix>."""
    for row in rows:
        control(id="host-%s" % row.suffix, layer=layer, engine="host", title=row.title, rationale=row.rationale,
                remediation=Remediation(None, {}, row.fix), check=kernel_container_check(row.predicate, row.applies),
                required=row.required, evidence="live")


def processes_where(kernel, test):
    """'pid N (comm)' of each live process of the container for which `test(status)`
    holds; the init alone (its status) when the processes are not known."""
    processes = [p for p in kernel.processes if not p.zombie] if kernel.processes else None
    if processes is None:
        return ["its init process"] if kernel.status and test(kernel.status) else []
    return ["pid %d (%s)" % (p.pid, p.name) for p in processes if test(p.status)]


def path_under(path, directory):
    """Whether `path` is `directory` or inside it."""
    return path == directory or path.startswith(directory.rstrip("/") + "/")
