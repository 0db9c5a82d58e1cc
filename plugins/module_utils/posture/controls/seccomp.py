# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer seccomp: every engine confines containers with a deny-by-default
profile, and that profile refuses the 32-bit ABIs (i386, x32).

Deny by default means the profile's default action never runs an unlisted
syscall: ERRNO, KILL, KILL_THREAD, KILL_PROCESS, TRAP; ALLOW, LOG and TRACE
fail (seccomp.py says why, and tests/engines/test_seccomp_consumers.py shows
each under runc and crun)."""

from __future__ import annotations

from ..model import Remediation, failed, judged
from ..registry import control
from . import engine_profiles

ENGINE_NAMES = {"docker": "Docker", "podman": "Podman", "crio": "CRI-O"}
CIS_ENABLED = {"docker": "2.17"}


def _enabled_check(engine):
    def check(ctx):
        profile = engine_profiles.BY_ENGINE[engine](ctx)
        if profile.stale:
            return failed(profile.setting_line, profile.stale)
        if profile.facts is None:
            return failed(profile.setting_line, "seccomp is disabled for every container")
        facts = profile.facts
        return judged(not facts.allows_everything, [
            profile.setting_line,
            "%s: defaultAction %s: %s%s" % (facts.origin, facts.default_action, facts.default_action_meaning(),
                                            " (not a deny-by-default confinement)" if facts.allows_everything
                                            else ""),
        ])
    check.__name__ = "check_%s_seccomp_enabled" % engine
    return check


def _no_32bit_check(engine):
    def check(ctx):
        profile = engine_profiles.BY_ENGINE[engine](ctx)
        if profile.stale:
            return failed(profile.setting_line, profile.stale)
        if profile.facts is None:
            return failed(profile.setting_line, "unconfined: every ABI is allowed")
        return judged(not profile.facts.compat_allowed,
                      [profile.setting_line, profile.facts.abi_evidence()])
    check.__name__ = "check_%s_seccomp_no_32bit" % engine
    return check


for _engine, _name in ENGINE_NAMES.items():
    control(
        id="%s-seccomp-enabled" % _engine, layer="seccomp", engine=_engine,
        cis=CIS_ENABLED.get(_engine),
        title="%s applies a deny-by-default seccomp profile" % _name,
        rationale="Without seccomp a container can call all ~400 syscalls; a bug in any of "
                  "them can break confinement.",
        remediation=Remediation("seccomp", {"stockade_seccomp_%s" % _engine: True},
                                "point %s at the hardened profile" % _name),
    )(_enabled_check(_engine))
    control(
        id="%s-seccomp-no-32bit" % _engine, layer="seccomp", engine=_engine,
        title="%s's seccomp profile refuses the 32-bit ABIs (i386, x32)" % _name,
        rationale="The engines' defaults allow i386 and x32 syscalls, a second, rarely "
                  "audited syscall table that has carried many kernel exploits; no modern "
                  "container image needs it.",
        remediation=Remediation("seccomp", {"stockade_seccomp_%s" % _engine: True},
                                "install the profile without compat ABIs and point %s at it" % _name),
    )(_no_32bit_check(_engine))
