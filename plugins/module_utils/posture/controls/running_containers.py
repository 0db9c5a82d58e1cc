# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-container controls (CIS Docker Benchmark section 5) for Docker and Podman.

One declaration serves both engines: each control is a predicate over a
running container that returns why the container breaks the layer, or None.
They need a live engine; offline they are not_applicable, never pass.
"""

from __future__ import annotations

from ..model import Remediation, judged, not_applicable
from ..registry import control

DOCKER_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
    "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"))
PODMAN_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP",
    "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"))
DEFAULT_CAPS = {"docker": DOCKER_DEFAULT_CAPS, "podman": PODMAN_DEFAULT_CAPS}


def _seccomp_off(container, engine):
    if container.proc_status.get("Seccomp") == "0":
        return "its init process runs with Seccomp: 0"
    if container.opt("seccomp") == "unconfined" or container.privileged:
        return "started with seccomp=unconfined or --privileged"
    return None


def _no_nnp(container, engine):
    flag = container.proc_status.get("NoNewPrivs")
    if flag is not None:
        return None if flag == "1" else "its init process has NoNewPrivs: %s" % flag
    return None if container.opt("no-new-privileges") in ("true", "") else \
        "no no-new-privileges security option"


def _privileged(container, engine):
    return "runs --privileged" if container.privileged else None


def _extra_caps(container, engine):
    extra = sorted(set(container.cap_add) - DEFAULT_CAPS[engine])
    return "adds capabilities %s" % ", ".join(extra) if extra else None


def _host_network(container, engine):
    return "shares the host network namespace" if container.network_mode == "host" else None


def _host_pid(container, engine):
    return "shares the host PID namespace" if container.pid_mode == "host" else None


def _host_userns(container, engine):
    return "runs in the host user namespace" if container.userns_mode == "host" else None


def _label_disabled(container, engine):
    label = container.opt("label")
    if label in ("disable", "type:spc_t", "type=spc_t") or container.privileged:
        return "SELinux separation disabled (label=%s%s)" % (
            label, ", privileged" if container.privileged else "")
    return None


def _kernel_fs_writable(container, engine):
    if container.mounts:  # the kernel's view of the container's mount namespace
        writable = [path for path in ("/sys", "/proc/sys")
                    if "ro" not in container.mounts.get(path, [])]
        return "%s not mounted read-only" % " and ".join(writable) if writable else None
    if container.privileged:
        return "--privileged mounts /sys and /proc/sys read-write"
    if container.masked_paths == [] or container.readonly_paths == []:
        return "no masked or read-only kernel paths (systempaths=unconfined)"
    if container.opt("systempaths") == "unconfined" or container.opt("unmask"):
        return "kernel paths unmasked (%s)" % (
            "unmask=" + container.opt("unmask") if container.opt("unmask") else "systempaths=unconfined")
    return None


def _rootfs_writable(container, engine):
    return None if container.readonly_rootfs else "root filesystem is writable"


# (id suffix, layer, CIS 5.x id, predicate, title, rationale, required by default, fix)
CONTAINER_CONTROLS = (
    ("containers-seccomp", "seccomp", "5.22", _seccomp_off,
     "Running containers are confined by seccomp",
     "A container without seccomp can call every syscall, including the rarely used ones "
     "where kernel bugs hide.", True, "recreate the container without seccomp=unconfined"),
    ("containers-no-new-privileges", "no_new_privs", "5.26", _no_nnp,
     "Running containers have no_new_privs set",
     "Without no_new_privs a setuid binary inside the container can gain privileges.", True,
     "recreate the container with --security-opt no-new-privileges"),
    ("containers-privileged", "capabilities", "5.5", _privileged,
     "No running container is privileged",
     "--privileged grants all capabilities and devices and disables seccomp, SELinux "
     "separation and the read-only kernel file systems.", True,
     "recreate the container without --privileged"),
    ("containers-capabilities", "capabilities", "5.4", _extra_caps,
     "Running containers add no capabilities beyond the engine default",
     "Every added capability widens what a compromised process may do to the kernel.", True,
     "recreate the container without --cap-add beyond the engine's default set"),
    ("containers-host-network", "namespaces", "5.10", _host_network,
     "No running container shares the host network namespace",
     "A container in the host network namespace can reach every host service and sniff traffic.",
     True, "recreate the container without --network host"),
    ("containers-host-pid", "namespaces", "5.16", _host_pid,
     "No running container shares the host PID namespace",
     "A container in the host PID namespace sees and can signal every host process.", True,
     "recreate the container without --pid host"),
    ("containers-host-userns", "userns", "5.31", _host_userns,
     "No running container opts out of user-namespace remapping",
     "--userns host maps container root to host root again.", True,
     "recreate the container without --userns host"),
    ("containers-selinux", "selinux", "5.3", _label_disabled,
     "Running containers keep SELinux separation",
     "label=disable runs the container unconfined by SELinux, one layer fewer.", True,
     "recreate the container without --security-opt label=disable"),
    ("containers-kernel-fs", "kernel_fs", None, _kernel_fs_writable,
     "Running containers see /proc and /sys read-only and masked",
     "A writable /proc/sys or /sys lets a container reconfigure the host kernel.", True,
     "recreate the container without --privileged or systempaths=unconfined"),
    ("containers-read-only-rootfs", "kernel_fs", "5.13", _rootfs_writable,
     "Running containers have a read-only root filesystem",
     "A read-only root file system stops an intruder from persisting tools in the container.",
     False, "recreate the container with --read-only"),
)


def _make_check(engine, predicate):
    def check(ctx):
        view = ctx.live(engine)
        if not view.available:
            return not_applicable(view.reason)
        if not view.containers:
            return not_applicable("no running %s containers to inspect" % engine)
        findings = []
        for container in view.containers:
            problem = predicate(container, engine)
            if problem:
                findings.append("%s: %s" % (container.label(), problem))
        ok = not findings
        evidence = findings or ["%d running container(s) inspected, all compliant: %s" % (
            len(view.containers), ", ".join(c.label() for c in view.containers))]
        return judged(ok, evidence)
    check.__name__ = "check_%s_%s" % (engine, predicate.__name__.strip("_"))
    return check


for _engine in ("docker", "podman"):
    for _suffix, _layer, _cis, _predicate, _title, _why, _required, _fix in CONTAINER_CONTROLS:
        if _engine == "podman" and _suffix == "containers-host-userns":
            continue  # podman's rootful default is the host user namespace; see podman-userns-auto
        control(
            id="%s-%s" % (_engine, _suffix), layer=_layer, engine=_engine,
            title=_title + " (%s)" % _engine.capitalize(), rationale=_why,
            cis=_cis if _engine == "docker" else None, required=_required, live=True,
            remediation=Remediation(None, {}, _fix),
        )(_make_check(_engine, _predicate))
