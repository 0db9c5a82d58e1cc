# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-container confinement controls (CIS Docker Benchmark 1.6.0 section 5)
for Docker and Podman: whether each running container keeps every layer.

Where the kernel can say what a container really runs with (its init
process's /proc status, mounts and SELinux label), that is judged before the
flags it was started with; the engine's inspect document fills in the rest.
"""

from __future__ import annotations

import posixpath

from ..engines.docker_listeners import listeners
from ..readers.hostfs import ConfigError
from ..model import render_value
from .per_container import per_container

DOCKER_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
    "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"))
PODMAN_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP",
    "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"))
DEFAULT_CAPS = {"docker": DOCKER_DEFAULT_CAPS, "podman": PODMAN_DEFAULT_CAPS}
# CIS 5.6: host directories no container should see (read-write: nothing under them).
SENSITIVE_DIRS = ("/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr")
# SELinux domains that confine nothing: a container process in one of them
# has no SELinux separation, whatever its flags say.
UNCONFINED_DOMAINS = frozenset(("spc_t", "unconfined_t", "unconfined_service_t", "initrc_t", "init_t",
                                "kernel_t", "container_runtime_t", "unlabeled_t"))
# Engine API sockets: whoever reaches one of these drives the engine as root.
KNOWN_ENGINE_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock",
                        "/run/containerd/containerd.sock")


@per_container(suffix="containers-seccomp", layer="seccomp", cis="5.22",
               title="Running containers are confined by seccomp",
               rationale="A container without seccomp can call every syscall, including the rarely used "
                         "ones where kernel bugs hide.",
               fix="recreate the container without seccomp=unconfined")
def _seccomp_off(container, ctx, engine):
    if container.proc_status.get("Seccomp") == "0":
        return "its init process runs with Seccomp: 0"
    if container.opt("seccomp") == "unconfined" or container.privileged:
        return "started with seccomp=unconfined or --privileged"
    return None


@per_container(suffix="containers-no-new-privileges", layer="no_new_privs", cis="5.26",
               title="Running containers have no_new_privs set",
               rationale="Without no_new_privs a setuid binary inside the container can gain privileges.",
               fix="recreate the container with --security-opt no-new-privileges")
def _no_nnp(container, ctx, engine):
    flag = container.proc_status.get("NoNewPrivs")
    if flag is not None:
        return None if flag == "1" else "its init process has NoNewPrivs: %s" % flag
    return None if container.opt("no-new-privileges") in ("true", "") else \
        "no no-new-privileges security option"


@per_container(suffix="containers-privileged", layer="capabilities", cis="5.5",
               title="No running container is privileged",
               rationale="--privileged grants all capabilities and devices and disables seccomp, SELinux "
                         "separation and the read-only kernel file systems.",
               fix="recreate the container without --privileged")
def _privileged(container, ctx, engine):
    return "runs --privileged" if container.privileged else None


@per_container(suffix="containers-capabilities", layer="capabilities", cis="5.4",
               title="Running containers add no capabilities beyond the engine default",
               rationale="Every added capability widens what a compromised process may do to the kernel.",
               fix="recreate the container without --cap-add beyond the engine's default set")
def _extra_caps(container, ctx, engine):
    extra = sorted(set(container.cap_add) - DEFAULT_CAPS[engine])
    return "adds capabilities %s" % ", ".join(extra) if extra else None


def _shares_host(container, kind, mode, word):
    """Whether the container shares the host's `kind` namespace: the kernel's
    answer (the init process's /proc/PID/ns link against the host's) when it
    can be read, else the engine's mode. Podman 4.3 reports --ipc host as
    IpcMode "shareable"; the kernel does not mistake it."""
    if container.shared_namespaces is not None:
        if kind not in container.shared_namespaces:
            return None
        namespace, whose = container.shared_namespaces[kind]
        return "shares the host %s namespace (%s, the same as %s)" % (word, namespace, whose)
    return "shares the host %s namespace" % word if mode == "host" else None


@per_container(suffix="containers-host-network", layer="namespaces", cis="5.10",
               title="No running container shares the host network namespace",
               rationale="A container in the host network namespace can reach every host service and "
                         "sniff traffic.",
               fix="recreate the container without --network host")
def _host_network(container, ctx, engine):
    return _shares_host(container, "net", container.network_mode, "network")


@per_container(suffix="containers-host-pid", layer="namespaces", cis="5.16",
               title="No running container shares the host PID namespace",
               rationale="A container in the host PID namespace sees and can signal every host process.",
               fix="recreate the container without --pid host")
def _host_pid(container, ctx, engine):
    return _shares_host(container, "pid", container.pid_mode, "PID")


@per_container(suffix="containers-host-ipc", layer="namespaces", cis="5.17",
               title="No running container shares the host IPC namespace",
               rationale="In the host IPC namespace a container reaches the host's shared memory and "
                         "message queues.",
               fix="recreate the container without --ipc host")
def _host_ipc(container, ctx, engine):
    return _shares_host(container, "ipc", container.ipc_mode, "IPC")


@per_container(suffix="containers-host-uts", layer="namespaces", cis="5.21",
               title="No running container shares the host UTS namespace",
               rationale="In the host UTS namespace a container can rename the host.",
               fix="recreate the container without --uts host")
def _host_uts(container, ctx, engine):
    return _shares_host(container, "uts", container.uts_mode, "UTS")


@per_container(suffix="containers-mount-propagation", layer="namespaces", cis="5.20",
               title="No running container mounts a volume with shared propagation",
               rationale="With shared propagation a mount made inside the container appears on the host, "
                         "and the host's inside the container.",
               fix="recreate the container without shared/rshared bind propagation")
def _shared_propagation(container, ctx, engine):
    shared = [m.describe() for m in container.engine_mounts if m.propagation in ("shared", "rshared")]
    return "shared mount propagation: %s" % ", ".join(shared) if shared else None


@per_container(suffix="containers-host-userns", layer="userns", cis="5.31", engines=("docker",),
               title="No running container opts out of user-namespace remapping",
               rationale="--userns host maps container root to host root again.",
               fix="recreate the container without --userns host")
def _host_userns(container, ctx, engine):
    # Podman's rootful default is the host user namespace: see podman-userns-auto.
    return "runs in the host user namespace" if container.userns_mode == "host" else None


def _selinux_active(ctx):
    try:
        return ctx.selinux.runtime_mode in ("enforcing", "permissive")
    except ConfigError:
        return False


def _unconfined_label(label):
    """Why an SELinux process label gives no separation, or None."""
    fields = label.split(":")
    if len(fields) < 4:
        return None
    if fields[2] in UNCONFINED_DOMAINS:
        return "its init process runs as %s" % label
    if "c" not in ":".join(fields[4:]):
        return "its init process runs as %s, without MCS categories of its own" % label
    return None


@per_container(suffix="containers-selinux", layer="selinux", cis="5.3",
               title="Running containers keep SELinux separation",
               rationale="label=disable runs the container unconfined by SELinux, one layer fewer.",
               fix="recreate the container without --security-opt label=disable")
def _label_disabled(container, ctx, engine):
    if container.process_label and _selinux_active(ctx):
        problem = _unconfined_label(container.process_label)
        if problem:
            return problem
    label = container.opt("label")
    if label in ("disable", "type:spc_t", "type=spc_t") or container.privileged:
        return "SELinux separation disabled (label=%s%s)" % (
            label, ", privileged" if container.privileged else "")
    return None


def _apparmor_inactive(ctx, engine):
    try:
        lsms = ctx.selinux.lsms
    except ConfigError as exc:
        lsms = None
        reason = "%s: %s" % (exc.path, exc.cause)
    else:
        reason = "/sys/kernel/security/lsm is not readable"
    if lsms is None:
        return "the active LSMs are unknown (%s)" % reason
    if "apparmor" not in lsms:
        return "AppArmor is not an active LSM on this host (lsm: %s)" % (",".join(lsms) or "none")
    return None


@per_container(suffix="containers-apparmor", layer="selinux", cis="5.2", applies=_apparmor_inactive,
               title="Running containers are confined by AppArmor where it is the host's LSM",
               rationale="On an AppArmor host the profile is the mandatory access control layer; "
                         "apparmor=unconfined removes it.",
               fix="recreate the container without --security-opt apparmor=unconfined")
def _apparmor_unconfined(container, ctx, engine):
    label = container.process_label
    if label and label.split(" ", 1)[0] == "unconfined":
        return "its init process runs unconfined by AppArmor"
    if container.apparmor_profile in ("", "unconfined") or container.privileged:
        return "AppArmor profile %s" % render_value(container.apparmor_profile or None)
    return None


@per_container(suffix="containers-kernel-fs", layer="kernel_fs",
               title="Running containers see /proc and /sys read-only and masked",
               rationale="A writable /proc/sys or /sys lets a container reconfigure the host kernel.",
               fix="recreate the container without --privileged or systempaths=unconfined")
def _kernel_fs_writable(container, ctx, engine):
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


@per_container(suffix="containers-read-only-rootfs", layer="kernel_fs", cis="5.13", required=False,
               title="Running containers have a read-only root filesystem",
               rationale="A read-only root file system stops an intruder from persisting tools in the "
                         "container.",
               fix="recreate the container with --read-only")
def _rootfs_writable(container, ctx, engine):
    return None if container.readonly_rootfs else "root filesystem is writable"


def _under(path, directory):
    """Whether `path` is `directory` or inside it."""
    return path == directory or path.startswith(directory.rstrip("/") + "/")


@per_container(suffix="containers-sensitive-mounts", layer="kernel_fs", cis="5.6",
               title="No running container mounts sensitive host directories",
               rationale="A bind mount of /, /boot, /dev, /etc, /lib, /proc, /sys or /usr hands the host's "
                         "own files to the container; read-write, anything below them too.",
               fix="recreate the container without bind mounts of host system directories")
def _sensitive_mounts(container, ctx, engine):
    found = []
    for mount in container.engine_mounts:
        if mount.type != "bind":
            continue
        source = posixpath.normpath(mount.source)
        for directory in SENSITIVE_DIRS:
            whole = source == directory
            below = directory != "/" and _under(source, directory)
            if whole or (below and mount.rw):
                found.append(mount.describe())
                break
    return "mounts %s" % ", ".join(found) if found else None


@per_container(suffix="containers-devices", layer="kernel_fs", cis="5.18", required=False,
               title="No running container has host devices added",
               rationale="A host device node inside a container talks to a kernel driver directly, "
                         "outside what the other layers were written for.",
               fix="recreate the container without --device")
def _devices(container, ctx, engine):
    paths = ["%s:%s" % (d.get("PathOnHost"), d.get("PathInContainer")) for d in container.devices]
    return "devices %s" % ", ".join(paths) if paths else None


def engine_sockets(ctx):
    """Host paths of every engine API socket the audit knows of, resolved."""
    paths = set(KNOWN_ENGINE_SOCKETS)
    try:
        paths.update(item.unix_path for item in listeners(ctx.host, ctx.docker) if item.unix_path)
    except ConfigError:
        pass  # the known default sockets are still judged; docker-* config controls report the error
    endpoint, dummy = ctx.docker_endpoint()
    if endpoint is not None and endpoint.scheme == "unix":
        paths.add(endpoint.address)
    return sorted({_resolved(ctx, path) for path in paths})


def _resolved(ctx, path):
    try:
        local = ctx.host.resolve(posixpath.normpath(path))
    except ConfigError:
        return posixpath.normpath(path)
    root = ctx.host.root.rstrip("/")
    return "/" + local[len(root):].lstrip("/") if root else local


@per_container(suffix="containers-socket-mount", layer="engine_access", cis="5.32",
               title="No running container mounts an engine's API socket",
               rationale="A container that reaches the Docker, Podman or containerd socket can start a "
                         "privileged container and is root on the host.",
               fix="recreate the container without the engine socket (or a directory holding it) "
                   "mounted")
def _socket_mounted(container, ctx, engine):
    sockets = engine_sockets(ctx)
    found = []
    for mount in container.engine_mounts:
        if mount.type != "bind":
            continue
        source = _resolved(ctx, mount.source)
        reached = [path for path in sockets if _under(path, source)]
        if reached:
            found.append("%s (reaches %s)" % (mount.describe(), ", ".join(reached)))
    return "mounts %s" % "; ".join(found) if found else None
