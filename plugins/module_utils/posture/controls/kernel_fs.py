# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer kernel_fs: containers cannot write the kernel's file systems or their
own root file system. /proc and /sys masking is judged per running container
(running_containers.py); the engines' read-only rootfs defaults are here."""

from __future__ import annotations

from ..model import Remediation, judged
from ..registry import control


def _read_only_check(engine, key, label):
    def check(ctx):
        setting = getattr(ctx, engine).typed(key, bool, False)
        return judged(setting.value is True, [setting.describe(label)])
    check.__name__ = "check_%s_read_only" % engine
    return check


control(id="podman-read-only-rootfs", layer="kernel_fs", engine="podman", required=False,
        title="Podman runs containers with a read-only root filesystem by default",
        rationale="A read-only root stops an intruder from persisting tools inside the container.",
        remediation=Remediation("kernel_fs", {"stockade_kernel_fs_read_only_rootfs": True},
                                "set [containers] read_only = true"),
        )(_read_only_check("podman", "containers.read_only", "[containers] read_only"))

control(id="crio-read-only-rootfs", layer="kernel_fs", engine="crio", required=False,
        title="CRI-O runs containers with a read-only root filesystem by default",
        rationale="A read-only root stops an intruder from persisting tools inside the container.",
        remediation=Remediation("kernel_fs", {"stockade_kernel_fs_read_only_rootfs": True},
                                "set [crio.runtime] read_only = true"),
        )(_read_only_check("crio", "crio.runtime.read_only", "[crio.runtime] read_only"))
