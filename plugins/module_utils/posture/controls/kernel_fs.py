# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer kernel_fs: containers cannot write the kernel's file systems or their
own root file system: the engines' read-only rootfs defaults, every running
container's /proc, /sys, bind mounts and devices, and a probe container's view."""

from __future__ import annotations

import posixpath

from ..model import Remediation, judged
from ..registry import control
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
    path_under,
)
from .per_user import PODMAN_USER_FILES, Verdict, fix_in, per_user_check, podman_privileged
from .probe_checks import ProbeControl, declare_probe_controls

LAYER = "kernel_fs"
# CIS 5.6: host directories no container should see (read-write: nothing under them).
SENSITIVE_DIRS = ("/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr")


# The engines' configuration ------------------------------------------------------------

def read_only_default_check(engine, key, label):
    """The check that the engine's boolean `key` (default false) is true."""
    def check(ctx):
        setting = getattr(ctx, engine).typed(key, bool, False)
        return judged(setting.value is True, [setting.describe(label)])
    return check


control(id="podman-read-only-rootfs", layer=LAYER, engine="podman",
        title="Podman runs containers with a read-only root filesystem by default",
        rationale="A read-only root stops an intruder from persisting tools inside the container.",
        remediation=Remediation("kernel_fs", {"stockade_kernel_fs_read_only_rootfs": True},
                                "set [containers] read_only = true"),
        check=read_only_default_check("podman", "containers.read_only", "[containers] read_only"),
        required=False)

control(id="crio-read-only-rootfs", layer=LAYER, engine="crio",
        title="CRI-O runs containers with a read-only root filesystem by default",
        rationale="A read-only root stops an intruder from persisting tools inside the container.",
        remediation=Remediation("kernel_fs", {"stockade_kernel_fs_read_only_rootfs": True},
                                "set [crio.runtime] read_only = true"),
        check=read_only_default_check("crio", "crio.runtime.read_only", "[crio.runtime] read_only"),
        required=False)


def check_podman_not_privileged(ctx):
    privileged, line = podman_privileged(ctx.podman)
    evidence = [line]
    if privileged:
        evidence.append("every container root's Podman starts sees /sys and /proc/sys writable and /proc unmasked")
    return judged(not privileged, evidence)


control(id="podman-not-privileged", layer=LAYER, engine="podman",
        title="Podman does not run every container privileged ([containers] privileged)",
        rationale="privileged = true (containers-common 0.62+) mounts /sys and /proc/sys read-write, unmasks "
                  "/proc and undoes seccomp, capabilities and SELinux labels for every container root's "
                  "Podman starts, whether or not one runs now.",
        remediation=Remediation(None, {}, "remove [containers] privileged from containers.conf and its drop-ins"),
        check=check_podman_not_privileged)


def _rootless_podman_not_privileged(ctx, user):
    config = ctx.rootless_podman(user)
    privileged, line = podman_privileged(config)
    evidence = [line]
    if privileged:
        evidence.append("every container this user starts sees /sys and /proc/sys writable and /proc unmasked "
                        "(what the user's uid may write there, it can)")
    return Verdict(not privileged, evidence, fix_in(config.get("containers.privileged"), "remove [containers] privileged"))


control(id="podman-rootless-not-privileged", layer=LAYER, engine="podman",
        title="No rootless user's Podman runs every container privileged ([containers] privileged)",
        rationale="privileged = true (containers-common 0.62+) mounts /sys and /proc/sys read-write, unmasks "
                  "/proc and undoes seccomp, capabilities and SELinux for every container the user starts; "
                  "containers.conf has no other key that makes /proc or /sys writable.",
        remediation=Remediation(None, {}, "remove [containers] privileged from " + PODMAN_USER_FILES),
        check=per_user_check(_rootless_podman_not_privileged))


# Running containers --------------------------------------------------------------------

KERNEL_FS = ("/sys", "/proc/sys")


def _kernel_fs_writable_in_kernel(kernel):
    """Why the container's mount namespace has /sys or /proc/sys writable, or None.
    A gVisor sandbox's own mount namespace holds no host /proc or /sys (runsc
    pivots to an empty read-only tmpfs root); the workload's /proc and /sys are
    gVisor's, so only a host kernel file system mounted into the sandbox counts."""
    mounts = kernel.mounts
    if kernel.sandbox:
        writable = [path for path in ("/proc", "/sys") + KERNEL_FS if path in mounts and "ro" not in mounts[path]]
        return "the gVisor sandbox mounts the host's %s read-write" % " and ".join(writable) if writable else None
    writable = [path for path in KERNEL_FS if "ro" not in mounts.get(path, [])]
    return "%s not mounted read-only" % " and ".join(writable) if writable else None


def _kernel_fs_writable(container, ctx, engine):
    if container.mounts or container.sandbox:  # the kernel's view of the container's mount namespace
        return _kernel_fs_writable_in_kernel(container.kernel)
    if container.privileged:
        return "--privileged mounts /sys and /proc/sys read-write"
    if container.masked_paths == [] or container.readonly_paths == []:
        return "no masked or read-only kernel paths (systempaths=unconfined)"
    if container.opt("systempaths") == "unconfined" or container.opt("unmask"):
        return "kernel paths unmasked (%s)" % (
            "unmask=" + container.opt("unmask") if container.opt("unmask") else "systempaths=unconfined")
    return None


def _rootfs_writable(container, ctx, engine):
    return None if container.readonly_rootfs else "root filesystem is writable"


def _sensitive_mounts(container, ctx, engine):
    found = []
    for mount in container.engine_mounts:
        if mount.type != "bind":
            continue
        source = posixpath.normpath(mount.source)
        for directory in SENSITIVE_DIRS:
            whole = source == directory
            below = directory != "/" and path_under(source, directory)
            if whole or (below and mount.rw):
                found.append(mount.describe())
                break
    return "mounts %s" % ", ".join(found) if found else None


def _devices(container, ctx, engine):
    paths = ["%s:%s" % (d.get("PathOnHost"), d.get("PathInContainer")) for d in container.devices]
    return "devices %s" % ", ".join(paths) if paths else None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-kernel-fs", predicate=_kernel_fs_writable,
                     title="Running containers see /proc and /sys read-only and masked",
                     rationale="A writable /proc/sys or /sys lets a container reconfigure the host kernel.",
                     fix="recreate the container without --privileged or systempaths=unconfined"),
    ContainerControl(suffix="containers-read-only-rootfs", cis="5.13", required=False, predicate=_rootfs_writable,
                     title="Running containers have a read-only root filesystem",
                     rationale="A read-only root file system stops an intruder from persisting tools in the "
                               "container.",
                     fix="recreate the container with --read-only"),
    ContainerControl(suffix="containers-sensitive-mounts", cis="5.6", predicate=_sensitive_mounts,
                     title="No running container mounts sensitive host directories",
                     rationale="A bind mount of /, /boot, /dev, /etc, /lib, /proc, /sys or /usr hands the host's "
                               "own files to the container; read-write, anything below them too.",
                     fix="recreate the container without bind mounts of host system directories"),
    ContainerControl(suffix="containers-devices", cis="5.18", required=False, predicate=_devices,
                     title="No running container has host devices added",
                     rationale="A host device node inside a container talks to a kernel driver directly, "
                               "outside what the other layers were written for.",
                     fix="recreate the container without --device"),
))


def _kernel_kernel_fs(kernel, ctx):
    if not kernel.mounts and not kernel.sandbox:
        return "its mount table (mountinfo) could not be read"
    return _kernel_fs_writable_in_kernel(kernel)


declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-kernel-fs", predicate=_kernel_kernel_fs,
                           title="Containers no running engine reported see /sys and /proc/sys read-only",
                           rationale="A writable /proc/sys or /sys lets a container reconfigure the host kernel, "
                                     "whoever started it; its mount namespace shows it.",
                           fix="recreate the container without --privileged or systempaths=unconfined"),
))


# The probe container -------------------------------------------------------------------

def _inside_kernel_fs(report, engine):
    sys_mode, proc_sys = report.get("sys_mount"), report.get("proc_sys_mount")
    return sys_mode == "ro" and proc_sys == "ro", ["inside: /sys %s, /proc/sys %s" % (sys_mode, proc_sys)]


declare_probe_controls(LAYER, (
    ProbeControl(suffix="probe-kernel-fs", judge=_inside_kernel_fs,
                 title="A new container sees /sys and /proc/sys read-only"),
))
