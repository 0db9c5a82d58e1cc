# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inside view: one throwaway container per engine, started as a user's
container is, reports what the kernel really applies to it. Each layer is
judged from there as well as from the configuration, so a setting that is
configured but not in force (a daemon not restarted, a profile not loaded, a
policy module missing) shows up."""

from __future__ import annotations

import re

from ..abi.programs import STATUS_KILLED_BY_SIGSEGV, STATUS_KILLED_BY_SIGSYS
from ..model import ERROR, NOT_APPLICABLE, Outcome, Remediation, judged
from ..registry import control
from .running_containers import DEFAULT_CAPS

IDENTITY_UID_MAP = "0 0 4294967295"


class ProbeBroken(Exception):
    """The probe's own control measurement failed: no verdict is possible."""


CONTAINER_LABEL = re.compile(r":container_t:s0:c\d+,c\d+$")
CAPABILITY_NAMES = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
)


def capability_names(mask_hex):
    """Names of the capabilities set in a /proc/PID/status Cap* hex mask."""
    mask = int(mask_hex, 16)
    return [CAPABILITY_NAMES[bit] if bit < len(CAPABILITY_NAMES) else "bit%d" % bit
            for bit in range(64) if (mask >> bit) & 1]


def _seccomp(report, engine):
    return report.get("seccomp") == "2", ["inside: Seccomp: %s" % report.get("seccomp")]


KILLED = "killed"
# int 0x80 on a kernel without IA32 emulation (ia32_emulation=0): there is no
# gate for it, the CPU faults before any system call, seccomp never sees it.
NO_ENTRY = "killed by SIGSEGV (the kernel has no 32-bit entry)"


def _probe_status(report, name):
    """'killed', NO_ENTRY, 'ran', 'refused (exit N)' or 'unknown' for one syscall probe."""
    try:
        status, pid = int(report[name + "_status"]), int(report[name + "_pid"])
    except (KeyError, ValueError):
        return "unknown"
    if status == STATUS_KILLED_BY_SIGSYS:
        return KILLED
    if name == "int80" and status == STATUS_KILLED_BY_SIGSEGV:
        return NO_ENTRY
    return "ran" if status == pid % 256 else "refused (exit %d)" % status


def _no_32bit(report, engine):
    results = {name: _probe_status(report, name) for name in ("int80", "x32", "native")}
    evidence = ["inside: i386 int 0x80 getpid %s, x32 getpid %s, native getpid %s" % (
        results["int80"], results["x32"], results["native"])]
    if results["native"] != "ran":
        raise ProbeBroken("the native control probe did not run (%s)" % results["native"])
    if results["int80"] == NO_ENTRY:
        evidence.append("the kernel refuses i386 syscalls itself (ia32_emulation=0), before seccomp: "
                        "the profile's i386 rule is not observable from inside")
    return results["int80"] in (KILLED, NO_ENTRY) and results["x32"] == KILLED, evidence


def _no_new_privs(report, engine):
    return report.get("no_new_privs") == "1", ["inside: NoNewPrivs: %s" % report.get("no_new_privs")]


def _userns(report, engine):
    uid_map = report.get("uid_map", "")
    return bool(uid_map) and " ".join(uid_map.split()) != IDENTITY_UID_MAP, ["inside: uid_map %s" % uid_map]


def _selinux(report, engine):
    label = report.get("attr_current", "")
    return bool(CONTAINER_LABEL.search(label)), ["inside: SELinux context %s" % label]


def _kernel_fs(report, engine):
    sys_mode, proc_sys = report.get("sys_mount"), report.get("proc_sys_mount")
    return sys_mode == "ro" and proc_sys == "ro", ["inside: /sys %s, /proc/sys %s" % (sys_mode, proc_sys)]


def _capabilities(report, engine):
    names = capability_names(report.get("cap_eff", "0"))
    extra = sorted(set(names) - DEFAULT_CAPS[engine])
    evidence = ["inside: CapEff %s = %s" % (report.get("cap_eff"), ",".join(names) or "none")]
    if extra:
        evidence.append("beyond the engine's minimal default: %s" % ", ".join(extra))
    return not extra, evidence


# (id suffix, layer, judge, title, required for docker, required for podman)
PROBES = (
    ("probe-seccomp", "seccomp", _seccomp, "A new container runs under seccomp (Seccomp: 2)", True, True),
    ("probe-no-32bit", "seccomp", _no_32bit,
     "A new container's 32-bit syscalls (int 0x80, x32) are killed", True, True),
    ("probe-no-new-privs", "no_new_privs", _no_new_privs,
     "A new container has no_new_privs set (NoNewPrivs: 1)", True, False),
    ("probe-userns", "userns", _userns, "A new container's root is not host root (uid_map)", True, True),
    ("probe-selinux", "selinux", _selinux,
     "A new container runs as container_t with its own MCS categories", True, True),
    ("probe-kernel-fs", "kernel_fs", _kernel_fs, "A new container sees /sys and /proc/sys read-only",
     True, True),
    ("probe-capabilities", "capabilities", _capabilities,
     "A new container's effective capabilities are within the minimal default", True, True),
)
WHY = ("Configuration can say one thing while the kernel applies another (a daemon not restarted, "
       "a profile that failed to load): this is measured inside a real container.")
FIX = Remediation(None, {}, "run harden.yml for this layer, then restart the engine")


def _make_check(engine, judge):
    def check(ctx):
        view = ctx.probe_view(engine)
        if view.reason:
            return Outcome(ERROR if view.error else NOT_APPLICABLE, [view.reason])
        try:
            ok, evidence = judge(view.report, engine)
        except (ProbeBroken, ValueError) as exc:  # ValueError: an unreadable report field
            return Outcome(ERROR, ["probe on %s: %s" % (engine, exc)])
        return judged(ok, evidence + ["probe image %s" % view.image])
    check.__name__ = "check_%s_%s" % (engine, judge.__name__.strip("_"))
    return check


for _engine in ("docker", "podman"):
    for _suffix, _layer, _judge, _title, _docker_required, _podman_required in PROBES:
        control(id="%s-%s" % (_engine, _suffix), layer=_layer, engine=_engine,
                title="%s (%s)" % (_title, _engine.capitalize()), rationale=WHY,
                required=_docker_required if _engine == "docker" else _podman_required,
                probe=True, remediation=FIX)(_make_check(_engine, _judge))
