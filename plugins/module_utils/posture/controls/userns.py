# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer userns: container root is an unprivileged host uid, taken from
subordinate ranges that are long enough and collide with nothing; no running
container opts out, and a probe container's root is not host root."""

from __future__ import annotations

import os
import stat
import struct

from ..readers import apparmor_profiles
from ..readers.boot_params import kernel_config, next_or_running
from ..readers.kernel_cmdline import active_exclusive_lsm
from ..readers.hostfs import ConfigError
from ..engines.layered_config import LayeredConfig
from ..model import FAIL, Remediation, judged, not_applicable, passed
from ..registry import control
from ..readers.sysctl import running_value, sysctl_integer
from ..engines.docker_daemon import remap_identity
from ..readers.subids import MIN_RANGE
from .docker_daemon_checks import running_option_evidence
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
)
from .per_user import NO_USER
from .probe_checks import ProbeControl, declare_probe_controls

LAYER = "userns"
STORAGE_CONF = ("/usr/share/containers/storage.conf", "/etc/containers/storage.conf")
USERNS_FIX = "userns"
IDENTITY_UID_MAP = "0 0 4294967295"


# The engines' configuration ------------------------------------------------------------

def check_docker_userns_remap(ctx):
    config = ctx.docker
    setting = config.get("userns-remap")
    evidence = [setting.describe("userns-remap")] + config.conflict_evidence()
    ok = bool(setting.value) and not config.conflicts
    line, active = running_option_evidence(ctx, "userns")
    evidence.append(line)
    if ok and active is False:
        evidence.append("dockerd has not been restarted since the change")
        ok = False
    return judged(ok, evidence)


control(id="docker-userns-remap", layer=LAYER, engine="docker",
        title="dockerd remaps container root to an unprivileged user (userns-remap)",
        rationale="Without remapping, uid 0 in a container is uid 0 on the host.",
        remediation=Remediation(USERNS_FIX, {"stockade_userns_docker_remap": "default"},
                                'set "userns-remap": "default" in daemon.json (existing images '
                                'and containers then disappear from view)'),
        check=check_docker_userns_remap, cis="2.9")


def subid_ranges_check(owner_of):
    """The check that the user `owner_of(ctx)` names has sound ranges in /etc/subuid and /etc/subgid."""
    def check(ctx):
        owner, why = owner_of(ctx)
        if owner is None:
            return not_applicable(why)
        found = ctx.subids.problems(owner)
        return judged(not found, found or [
            "%s has ranges of at least %d ids in /etc/subuid and /etc/subgid; "
            "no overlaps, no real ids inside (%s)" % (owner, MIN_RANGE, why)])
    return check


def _docker_remap_user(ctx):
    value = ctx.docker.get("userns-remap").value
    if not value:
        return None, "userns-remap is not set (see docker-userns-remap)"
    return remap_identity(value)[0], "userns-remap = %s" % value


def _podman_auto_user(ctx):
    setting = ctx.podman.typed("containers.userns", str, "")
    if setting.value != "auto":
        return None, "userns is not auto (see podman-userns-auto)"
    storage = LayeredConfig.load(ctx.host, STORAGE_CONF)
    user = storage.typed("storage.options.root-auto-userns-user", str, "containers").value
    return user, "userns = auto, root-auto-userns-user = %s" % user


control(id="docker-userns-subids", layer=LAYER, engine="docker",
        title="The Docker remap user has valid, non-overlapping subordinate id ranges",
        rationale="Overlapping ranges let two remapped containers (or a real user) share uids.",
        remediation=Remediation(USERNS_FIX, {"stockade_userns_docker_remap": "default"},
                                "give the remap user its own %d-long ranges" % MIN_RANGE),
        check=subid_ranges_check(_docker_remap_user))

control(id="podman-userns-subids", layer=LAYER, engine="podman",
        title="Podman's auto-userns user has valid, non-overlapping subordinate id ranges",
        rationale="userns = auto takes each container's ids from this user's ranges.",
        remediation=Remediation(USERNS_FIX, {"stockade_userns_podman_auto": True},
                                "give the containers user its own ranges in /etc/subuid and /etc/subgid"),
        check=subid_ranges_check(_podman_auto_user))


def check_podman_userns(ctx):
    setting = ctx.podman.typed("containers.userns", str, "host")
    return judged(setting.value == "auto", [setting.describe("[containers] userns")])


control(id="podman-userns-auto", layer=LAYER, engine="podman",
        title="Podman gives each container its own user namespace (userns = auto)",
        rationale="Rootful Podman otherwise runs containers as real host root.",
        remediation=Remediation(USERNS_FIX, {"stockade_userns_podman_auto": True},
                                'set [containers] userns = "auto"'),
        check=check_podman_userns)


# The host kernel -----------------------------------------------------------------------

def max_user_namespaces_ok(value):
    """The audit's judgement of user.max_user_namespaces (an int as the kernel holds it)."""
    return value > 0


def check_max_user_namespaces(ctx):
    name = "user.max_user_namespaces"
    running = running_value(ctx.host, name)
    persisted = ctx.persisted_sysctls.get(name)
    evidence = []
    if persisted:
        evidence.append("%s: %s = %s" % (persisted[1], name, persisted[0]))
    if running is None and persisted is None:
        return passed("%s not set and /proc/sys not under this root; the kernel default is "
                      "non-zero" % name)
    if running is not None:
        evidence.insert(0, "/proc/sys/user/max_user_namespaces = %s" % running)
    values = []
    sources = [(running, "/proc/sys/user/max_user_namespaces")]
    if persisted:
        sources.append(persisted)
    for raw, source in sources:
        if raw is None:
            continue
        value = sysctl_integer(raw)     # as the kernel's proc_dointvec reads it: 00 and 0x0 are 0
        if value is None:
            raise ConfigError(source, "%s is not an integer the kernel takes (proc_dointvec): %r"
                              % (name, raw if len(raw) <= 60 else raw[:40] + "... (%d characters)" % len(raw)))
        values.append(value)
    return judged(all(max_user_namespaces_ok(value) for value in values), evidence)


control(id="host-max-user-namespaces", layer=LAYER, engine="host",
        title="User namespaces are available (user.max_user_namespaces > 0)",
        rationale="0 makes remapping impossible and engines fall back to host root.",
        remediation=Remediation("kernel", {"stockade_kernel_sysctls": {"user.max_user_namespaces": 15000}},
                                "set user.max_user_namespaces to a positive value"),
        check=check_max_user_namespaces, evidence="kernel")


# What rootless users need from the host ----------------------------------------------

def check_rootless_subids(ctx):
    users = ctx.rootless_users
    if not users:
        return not_applicable(NO_USER)
    found, seen, fine = [], set(), []
    for user in users:
        mine = [p for p in ctx.subids.problems(user.name) if p not in seen]
        seen.update(mine)
        if any(p.endswith("%s has no range" % user.name) for p in mine) and "policy" in user.why:
            mine = [p for p in mine if not p.endswith("%s has no range" % user.name)]
            fine.append("%s: no subordinate range (%s): its containers map only its own uid" % (user.label, user.why))
        found.extend(mine)
        if not mine and "ranges" in user.why:
            fine.append("%s: ranges of at least %d ids in /etc/subuid and /etc/subgid, sound" % (user.label, MIN_RANGE))
    return judged(not found, found or fine)


control(id="host-rootless-subids", layer=LAYER, engine="host",
        title="Rootless users' subordinate id ranges are sound: paired, long enough, overlapping nothing",
        rationale="Two users whose ranges overlap share container uids: one user's containers can read and "
                  "write the other's files; a range holding a real uid maps a container user onto that account.",
        remediation=Remediation(None, {}, "give each rootless user its own %d-long range in both /etc/subuid "
                                          "and /etc/subgid, clear of real ids and of every other range" % MIN_RANGE),
        check=check_rootless_subids)

# newuidmap needs CAP_SETUID, newgidmap CAP_SETGID: setuid root (Debian 12's uidmap
# 4.13) or a file capability (Debian 13's uidmap 4.17 ships `cap_setuid=ep`).
ID_MAP_HELPERS = (("newuidmap", 7, "cap_setuid"), ("newgidmap", 6, "cap_setgid"))
_VFS_CAP_FLAG_EFFECTIVE = 0x000001


def file_capability_bits(raw):
    """(permitted low 32 bits, effective flag) of a security.capability xattr (vfs_cap_data v1-v3), or None."""
    if len(raw) < 12:
        return None
    magic, permitted = struct.unpack_from("<II", raw)
    if magic >> 24 not in (1, 2, 3):
        return None
    return permitted, bool(magic & _VFS_CAP_FLAG_EFFECTIVE)


def _helper_problem(ctx, name, bit, cap):
    """(problem or None, evidence) for one id-map helper."""
    path = ctx.host.which(name)
    if path is None:
        return "%s is not installed (package uidmap): rootless engines map only the user's own uid" % name, None
    status = ctx.host.stat(path)
    owner_ok = status.st_uid == 0 and not status.st_mode & 0o022
    if status.st_mode & stat.S_ISUID:
        how = "setuid root" if status.st_uid == 0 else "setuid uid %d" % status.st_uid
        privileged = status.st_uid == 0
    else:
        try:
            raw = os.getxattr(ctx.host.resolve(path), "security.capability")
        except OSError:
            raw = b""
        bits = file_capability_bits(raw)
        privileged = bool(bits and bits[0] & (1 << bit) and bits[1])
        how = "file capability %s=ep" % cap if privileged else "neither setuid nor %s=ep" % cap
    line = "%s: mode %04o, owner uid %d, %s" % (path, stat.S_IMODE(status.st_mode), status.st_uid, how)
    if not owner_ok:
        return "%s is writable by others than root or not owned by root: whoever can write it is root" % line, line
    if not privileged:
        return "%s: it cannot write other users' uid maps (rootless engines fall back to one uid)" % line, line
    return None, line


def check_rootless_prerequisites(ctx):
    if not ctx.rootless_users:
        return not_applicable(NO_USER)
    problems, evidence = [], []
    for name, bit, cap in ID_MAP_HELPERS:
        problem, line = _helper_problem(ctx, name, bit, cap)
        if problem:
            problems.append(problem)
        elif line:
            evidence.append(line)
    namespaces = check_max_user_namespaces(ctx)
    (problems if namespaces.status == FAIL else evidence).extend(namespaces.evidence)
    clone = running_value(ctx.host, "kernel.unprivileged_userns_clone")
    if clone is not None:
        line = "/proc/sys/kernel/unprivileged_userns_clone = %s (Debian's switch)" % clone
        (problems if clone == "0" else evidence).append(line)
    return judged(not problems, problems + evidence)


control(id="host-rootless-prerequisites", layer=LAYER, engine="host", required=False,
        title="The host gives rootless users what they need: newuidmap/newgidmap privileged, user namespaces on",
        rationale="Without a privileged newuidmap/newgidmap or with user namespaces off, rootless engines fail "
                  "or fall back to a single-uid mapping; a helper writable by anyone but root is a root hole.",
        remediation=Remediation(None, {}, "install uidmap (newuidmap/newgidmap setuid root or with "
                                          "cap_setuid/cap_setgid=ep), keep user.max_user_namespaces > 0"),
        check=check_rootless_prerequisites, evidence="kernel")


USERNS_RESTRICT = "kernel.apparmor_restrict_unprivileged_userns"
# The programs that create a rootless engine's user namespace (newuidmap/newgidmap only
# write its maps, as setuid root or with file capabilities, and are not restricted).
USERNS_CREATORS = ("podman", "buildah", "rootlesskit")


def _restriction(ctx):
    """(on: True/False, or None when nothing says, evidence). The running value where /proc/sys is
    under the root (the file exists only while AppArmor runs); the value systemd-sysctl writes at the
    next boot counts where AppArmor is the LSM that boot runs (or that cannot be told): under another
    LSM the kernel has no such switch and the write fails."""
    running = running_value(ctx.host, USERNS_RESTRICT)
    persisted = ctx.persisted_sysctls.get(USERNS_RESTRICT)
    sources, evidence = [], []
    if running is not None:
        sources.append((running, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"))
    if persisted:
        lsm, why = _next_boot_lsm(ctx)
        if lsm in (None, "apparmor"):
            sources.append(persisted)
        else:
            evidence.append("%s: %s = %s has no effect: the next boot runs %s, not AppArmor (%s)"
                            % (persisted[1], USERNS_RESTRICT, persisted[0], lsm, "; ".join(why)))
    if not sources:
        return None, evidence
    on = False
    for raw, source in sources:
        value = sysctl_integer(raw)     # Ubuntu's apparmor sysctl handler ends in proc_dointvec
        if value is None:
            raise ConfigError(source, "%s is not an integer the kernel takes (proc_dointvec): %r"
                              % (USERNS_RESTRICT, raw[:60]))
        on = on or value != 0
        evidence.append("%s: %s = %s" % (source, USERNS_RESTRICT, raw))
    return on, evidence


def _next_boot_lsm(ctx):
    """(the exclusive LSM the next boot runs, or None when that cannot be told, evidence)."""
    line, evidence = next_or_running(ctx.host)
    if line is None:
        return None, evidence
    kconfig, _path = kernel_config(ctx.host, line.release)
    lsm, why = active_exclusive_lsm(line.params, kconfig)
    if lsm is None and kconfig is None:
        return None, why
    return lsm or "no exclusive LSM", why


def _resolved(host, path):
    """The host path the kernel attaches a profile by: the executable after symlinks."""
    local = host.resolve(path)
    return "/" + local[len(host.root.rstrip("/")):].lstrip("/")


def check_apparmor_userns(ctx):
    if not ctx.rootless_users:
        return not_applicable(NO_USER)
    on, evidence = _restriction(ctx)
    if on is None:
        return not_applicable("; ".join(evidence + [
            "%s is not in /proc/sys under this root and no sysctl.d file sets it for a boot that runs AppArmor "
            "(the kernel has no such switch on Debian and Ubuntu 22.04): unprivileged user namespaces are not "
            "restricted by AppArmor" % USERNS_RESTRICT]))
    if not on:
        return not_applicable("; ".join(evidence + ["AppArmor does not restrict unprivileged user namespaces"]))
    evidence.append("restricted: an unprivileged user gets a working user namespace only through a program "
                    "whose AppArmor profile grants userns")
    programs = [(name, ctx.host.which(name)) for name in USERNS_CREATORS]
    programs = [(name, path) for name, path in programs if path is not None]
    if not programs:
        return not_applicable("; ".join(evidence + ["none of %s is installed" % ", ".join(USERNS_CREATORS)]))
    problems = []
    for name, path in programs:
        program = _resolved(ctx.host, path)
        granted, lines = apparmor_profiles.userns_grant(ctx.host, program)
        evidence.extend(lines)
        if not granted:
            problems.append("%s: no AppArmor profile apparmor_parser loads at boot grants it userns, so the rootless engine cannot map "
                            "its users: add /etc/apparmor.d/%s (profile %s %s flags=(unconfined) { userns, }) and "
                            "load it with apparmor_parser -r" % (program, name, name, program))
    return judged(not problems, problems + evidence)


control(id="host-apparmor-userns-profiles", layer=LAYER, engine="host", required=False,
        title="Where AppArmor restricts unprivileged user namespaces, the rootless engines' programs have a "
              "profile that grants userns",
        rationale="With kernel.apparmor_restrict_unprivileged_userns = 1 (Ubuntu 24.04) a user namespace made "
                  "by an unconfined program loses every capability: rootless Podman and dockerd-rootless "
                  "(rootlesskit) fail unless their profile grants userns. The restriction itself is hardening: "
                  "keep it, and grant userns to these programs only.",
        remediation=Remediation(None, {}, "install a profile granting userns for each rootless engine program "
                                          "(Ubuntu's apparmor 4.0 ships podman, buildah, rootlesskit, crun and "
                                          "runc for the distribution's paths); do not turn the restriction off"),
        check=check_apparmor_userns, evidence="kernel")


# Running containers --------------------------------------------------------------------

def _host_userns(container, ctx, engine):
    # Podman's rootful default is the host user namespace: see podman-userns-auto.
    return "runs in the host user namespace" if container.userns_mode == "host" else None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-host-userns", cis="5.31", engines=("docker",), predicate=_host_userns,
                     title="No running container opts out of user-namespace remapping",
                     rationale="--userns host maps container root to host root again.",
                     fix="recreate the container without --userns host"),
))


def _kernel_host_root(kernel, ctx):
    """Container root is host root when its user namespace maps 0 to 0 (the
    identity map of the initial namespace). gVisor's sandbox runs as host root
    on purpose: its workload's root is the sentry's, never the host's."""
    if kernel.sandbox:
        return None
    if kernel.uid_map is None:
        return "its user namespace's uid_map could not be read"
    first = kernel.uid_map.split("\n")[0].split()
    if len(first) == 3 and first[0] == "0" and first[1] == "0":
        return "its root is host root (uid_map %s)" % kernel.uid_map.replace("\n", "; ")
    return None


declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-userns", predicate=_kernel_host_root,
                           title="Containers no running engine reported do not run as host root",
                           rationale="A container whose user namespace maps uid 0 to host uid 0 (ctr run's and "
                                     "rootful engines' default) escapes as host root; a rootless user's maps it "
                                     "to that user.",
                           fix="run the container in a user namespace (ctr run --remap-labels/--uidmap, "
                               "podman --userns auto, or as a rootless user)"),
))


# The probe container -------------------------------------------------------------------

def _inside_userns(report, engine):
    uid_map = report.get("uid_map", "")
    return bool(uid_map) and " ".join(uid_map.split()) != IDENTITY_UID_MAP, ["inside: uid_map %s" % uid_map]


declare_probe_controls(LAYER, (
    ProbeControl(suffix="probe-userns", judge=_inside_userns,
                 title="A new container's root is not host root (uid_map)"),
))
