# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper, not a layer: the factory of per-container controls (CIS Docker
Benchmark section 5), judged on every running container of Docker and Podman.

A layer module writes a predicate over one running container (live.Container),
the audit context and the engine name, returning why the container breaks
the control or None, and a table of keyword rows:

    declare_container_controls("seccomp", (
        ContainerControl(suffix="containers-seccomp", cis="5.22", predicate=_seccomp_off,
                         title=..., rationale=..., fix="recreate the container ..."),
    ))

Each row becomes one live control per engine, `<engine>-<suffix>`, whose check
is per_container_check(engine, predicate, applies); offline they are
not_applicable, never pass, and so is an engine with no running container."""

from __future__ import annotations

from collections import namedtuple

from ..model import Remediation, judged, not_applicable
from ..registry import control

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


def path_under(path, directory):
    """Whether `path` is `directory` or inside it."""
    return path == directory or path.startswith(directory.rstrip("/") + "/")
