# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer seccomp: every engine confines containers with a deny-by-default
profile, and that profile refuses the 32-bit ABIs (i386, x32); every running
container keeps it, and a probe container shows it in force.

Deny by default means the profile's default action never runs an unlisted
syscall: ERRNO, KILL, KILL_THREAD, KILL_PROCESS, TRAP; ALLOW, LOG and TRACE
fail (readers/seccomp.py says why, and tests/engines/test_seccomp_consumers.py
shows each under runc and crun). Which profile each engine applies is
engine_profiles.py."""

from __future__ import annotations

from ..engines import rootless
from ..model import Remediation, failed, judged
from ..registry import control
from . import engine_profiles
from .per_user import NO_DOCKER_ROOTLESS, Verdict, fix_in, per_user_check, podman_privileged
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
    processes_where,
)
from .probe_checks import KILLED, NO_ENTRY, ProbeBroken, ProbeControl, declare_probe_controls, syscall_status

LAYER = "seccomp"
ENGINE_NAMES = {"docker": "Docker", "podman": "Podman", "crio": "CRI-O"}
CIS_ENABLED = {"docker": "2.17"}


# The engines' configuration ------------------------------------------------------------

def deny_by_default_check(engine):
    """The check that `engine` applies a profile whose default action runs nothing unlisted."""
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
    return check


def compat_refused_check(engine):
    """The check that `engine`'s profile refuses the i386 and x32 ABIs."""
    def check(ctx):
        profile = engine_profiles.BY_ENGINE[engine](ctx)
        if profile.stale:
            return failed(profile.setting_line, profile.stale)
        if profile.facts is None:
            return failed(profile.setting_line, "unconfined: every ABI is allowed")
        return judged(not profile.facts.compat_allowed,
                      [profile.setting_line, profile.facts.abi_evidence()])
    return check


for _engine, _name in ENGINE_NAMES.items():
    control(
        id="%s-seccomp-enabled" % _engine, layer=LAYER, engine=_engine,
        title="%s applies a deny-by-default seccomp profile" % _name,
        rationale="Without seccomp a container can call all ~400 syscalls; a bug in any of "
                  "them can break confinement.",
        remediation=Remediation("seccomp", {"stockade_seccomp_%s" % _engine: True},
                                "point %s at the hardened profile" % _name),
        check=deny_by_default_check(_engine), cis=CIS_ENABLED.get(_engine),
    )
    control(
        id="%s-seccomp-no-32bit" % _engine, layer=LAYER, engine=_engine,
        title="%s's seccomp profile refuses the 32-bit ABIs (i386, x32)" % _name,
        rationale="The engines' defaults allow i386 and x32 syscalls, a second, rarely "
                  "audited syscall table that has carried many kernel exploits; no modern "
                  "container image needs it.",
        remediation=Remediation("seccomp", {"stockade_seccomp_%s" % _engine: True},
                                "install the profile without compat ABIs and point %s at it" % _name),
        check=compat_refused_check(_engine),
    )


# Rootless users' engines ---------------------------------------------------------------

def _rootless_podman_profile(ctx, user):
    """(EngineProfile, fix) of the user's Podman; a privileged default is seccomp off."""
    config = ctx.rootless_podman(user)
    privileged, line = podman_privileged(config)
    if privileged:
        return engine_profiles.EngineProfile(None, line), fix_in(config.get("containers.privileged"),
                                                                 "remove [containers] privileged")
    profile = engine_profiles.podman(ctx, config, before_read=rootless.confine_to_home(ctx.host, user))
    return profile, fix_in(config.get("containers.seccomp_profile"), "remove [containers] seccomp_profile")


def _rootless_docker_profiles(ctx, user):
    """[(EngineProfile, fix)] of the user's dockerd-rootless, one per dockerd version whose reading
    applies (None when the user has not set it up)."""
    documents = ctx.rootless_docker(user)
    if documents is None:
        return None
    found = []
    for version, document in sorted(documents.items()):
        value = document.values.get("seccomp-profile")
        line = '"seccomp-profile" = %s (%s, as dockerd %s reads it)' % (
            "(unset)" if value is None else '"%s"' % value, document.path if value is not None else "engine default",
            version)
        if value not in (None, "", "builtin", "default", engine_profiles.UNCONFINED):
            rootless.confine_to_home(ctx.host, user)(value)
        profile = engine_profiles._docker_profile(ctx, value, line, version)  # pylint: disable=protected-access
        found.append((profile, '"seccomp-profile" in %s' % document.path if value is not None else None))
    return found


def _rootless_profiles(ctx, user, engine):
    if engine == "podman":
        return [_rootless_podman_profile(ctx, user)]
    return _rootless_docker_profiles(ctx, user)


def rootless_seccomp_check(engine, judge):
    """The check that judge(EngineProfile) -> (ok, [evidence]) holds for every rootless user's `engine`."""
    def check_user(ctx, user):
        profiles = _rootless_profiles(ctx, user, engine)
        if profiles is None:
            return None
        evidence, ok, fix = [], True, None
        for profile, where in profiles:
            good, lines = judge(profile)
            evidence.extend(lines)
            if not good:
                ok, fix = False, where
        return Verdict(ok, evidence, fix)
    return per_user_check(check_user, unused=NO_DOCKER_ROOTLESS)


def _deny_by_default(profile):
    if profile.facts is None:
        return False, [profile.setting_line, "seccomp is disabled for every container this user starts"]
    facts = profile.facts
    return not facts.allows_everything, [profile.setting_line, "%s: defaultAction %s: %s" % (
        facts.origin, facts.default_action, facts.default_action_meaning())]


def _compat_refused(profile):
    if profile.facts is None:
        return False, [profile.setting_line, "unconfined: every ABI is allowed"]
    return not profile.facts.compat_allowed, [profile.setting_line, profile.facts.abi_evidence()]


ROOTLESS_FIX = {"podman": "the user's containers.conf (~/.config/containers/containers.conf or its containers.conf.d) "
                          "named in the evidence",
                "docker": "the user's ~/.config/docker/daemon.json named in the evidence"}

for _engine in ("podman", "docker"):
    control(
        id="%s-rootless-seccomp-enabled" % _engine, layer=LAYER, engine=_engine,
        title="Every rootless user's %s applies a deny-by-default seccomp profile" % ENGINE_NAMES[_engine],
        rationale="A rootless user's own configuration can turn seccomp off for every container that user "
                  "starts, whatever the system files say; the kernel's syscalls are the same attack surface.",
        remediation=Remediation(None, {}, "remove the seccomp setting (unconfined, privileged, or a profile that "
                                          "allows everything) from " + ROOTLESS_FIX[_engine]),
        check=rootless_seccomp_check(_engine, _deny_by_default))
    control(
        id="%s-rootless-seccomp-no-32bit" % _engine, layer=LAYER, engine=_engine,
        title="Every rootless user's %s seccomp profile refuses the 32-bit ABIs (i386, x32)" % ENGINE_NAMES[_engine],
        rationale="A rootless user's profile that keeps i386 or x32 reopens the rarely audited syscall tables "
                  "the system profile closes.",
        remediation=Remediation(None, {}, "point the setting at the hardened profile, or remove it, in "
                                          + ROOTLESS_FIX[_engine]),
        check=rootless_seccomp_check(_engine, _compat_refused))


# Running containers --------------------------------------------------------------------

def _seccomp_off_in_kernel(kernel):
    """Why the container's processes run without seccomp, or None. A gVisor
    sandbox's processes carry runsc's own filter; the workload's syscalls go to
    gVisor's kernel, not the host's (the OCI profile is not applied inside)."""
    if kernel.status.get("Seccomp") == "0":
        return "its init process runs with Seccomp: 0"
    off = processes_where(kernel, lambda status: status.get("Seccomp") == "0")
    if off:
        return "%s run%s with Seccomp: 0" % (", ".join(off), "s" if len(off) == 1 else "")
    return None


def _seccomp_off(container, ctx, engine):
    problem = _seccomp_off_in_kernel(container.kernel)
    if problem or container.sandbox:
        return problem
    if container.opt("seccomp") == "unconfined" or container.privileged:
        return "started with seccomp=unconfined or --privileged"
    return None


def _kernel_seccomp_off(kernel, ctx):
    if not kernel.status:
        return "its init process's status could not be read"
    return _seccomp_off_in_kernel(kernel)


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-seccomp", cis="5.22", predicate=_seccomp_off,
                     title="Running containers are confined by seccomp",
                     rationale="A container without seccomp can call every syscall, including the rarely used "
                               "ones where kernel bugs hide.",
                     fix="recreate the container without seccomp=unconfined"),
))
declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-seccomp", predicate=_kernel_seccomp_off,
                           title="Containers no running engine reported are confined by seccomp",
                           rationale="A rootless user's, containerd's or another engine's container is as able to "
                                     "reach the host kernel's syscalls as Docker's; the kernel shows every process's "
                                     "Seccomp mode.",
                           fix="recreate the container without seccomp=unconfined (ctr run: --seccomp)"),
))


# The probe container -------------------------------------------------------------------

def _inside_seccomp(report, engine):
    return report.get("seccomp") == "2", ["inside: Seccomp: %s" % report.get("seccomp")]


def _inside_no_32bit(report, engine):
    results = {name: syscall_status(report, name) for name in ("int80", "x32", "native")}
    evidence = ["inside: i386 int 0x80 getpid %s, x32 getpid %s, native getpid %s" % (
        results["int80"], results["x32"], results["native"])]
    if results["native"] != "ran":
        raise ProbeBroken("the native control probe did not run (%s)" % results["native"])
    if results["int80"] == NO_ENTRY:
        evidence.append("the kernel refuses i386 syscalls itself (ia32_emulation=0), before seccomp: "
                        "the profile's i386 rule is not observable from inside")
    return results["int80"] in (KILLED, NO_ENTRY) and results["x32"] == KILLED, evidence


declare_probe_controls(LAYER, (
    ProbeControl(suffix="probe-seccomp", judge=_inside_seccomp,
                 title="A new container runs under seccomp (Seccomp: 2)"),
    ProbeControl(suffix="probe-no-32bit", judge=_inside_no_32bit,
                 title="A new container's 32-bit syscalls (int 0x80, x32) are killed"),
))
