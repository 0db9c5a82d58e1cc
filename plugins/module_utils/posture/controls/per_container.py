# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How per-container controls (CIS Docker Benchmark section 5) are declared.

One declaration serves Docker and Podman: the decorated predicate takes a
running container (live.Container), the audit context and the engine name,
and returns why the container breaks the control, or None. Each becomes one
live control per engine, `<engine>-<suffix>`; offline they are
not_applicable, never pass, and so is an engine with no running container.
"""

from __future__ import annotations

from ..model import Remediation, judged, not_applicable
from ..registry import control

ENGINES = ("docker", "podman")


def _make_check(engine, predicate, applies):
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
    check.__name__ = "check_%s_%s" % (engine, predicate.__name__.strip("_"))
    return check


def per_container(suffix, layer, title, rationale, fix, cis=None, required=True,
                  engines=ENGINES, applies=None):
    """Declare the decorated predicate as `<engine>-<suffix>` for each engine.

    `cis` is the CIS Docker Benchmark 1.6.0 id (Docker's control carries it);
    `applies(ctx, engine)` may return a reason for not_applicable (a host
    where the control's mechanism does not exist)."""
    def register(predicate):
        for engine in engines:
            control(
                id="%s-%s" % (engine, suffix), layer=layer, engine=engine,
                title="%s (%s)" % (title, engine.capitalize()), rationale=rationale,
                cis=cis if engine == "docker" else None, required=required, live=True,
                remediation=Remediation(None, {}, fix),
            )(_make_check(engine, predicate, applies))
        return predicate
    return register
