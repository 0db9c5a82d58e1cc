# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ubuntu 22.04 and 24.04 cloud-image container hosts as trees (the
hosttree.py form): GRUB from Ubuntu's /etc/default/grub and the cloud
image's /etc/default/grub.d/50-cloudimg-settings.cfg, Podman and rootless
users, and on 24.04 apparmor 4.0's userns restriction and profiles. Each
file is upstream or modelled: SOURCE.md beside each tree says which.

The grub.cfg is built at test time: its linux line carries the words
this machine's grub-mkconfig sourcing gives for the tree's files
(tests/unit/consumers/grub_mkconfig.py), in hosttree.grub_cfg's Debian
12 shape (Ubuntu's menu titles differ; the reader does not judge titles)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLATFORMS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(PLATFORMS, os.pardir, "consumers"))
sys.path.insert(0, os.path.join(PLATFORMS, os.pardir, "plugins", "module_utils", "posture"))

import grub_mkconfig  # noqa: E402
from hosttree import Mode, grub_cfg, write_tree  # noqa: E402

# Kernel releases of the two GA kernels (5.15 for 22.04, 6.8 for 24.04).
KERNELS = {"2204": "5.15.0-126-generic", "2404": "6.8.0-49-generic"}
# Only the lines the boot controls read, NOT read from Ubuntu's kernel packages (see SOURCE.md).
KERNEL_CONFIG = ('CONFIG_SECURITY_APPARMOR=y\nCONFIG_SECURITY_SELINUX=y\n'
                 'CONFIG_LSM="landlock,lockdown,yama,integrity,apparmor"\n'
                 'CONFIG_IA32_EMULATION=y\nCONFIG_X86_VSYSCALL_EMULATION=y\nCONFIG_LEGACY_VSYSCALL_XONLY=y\n'
                 '# CONFIG_LEGACY_VSYSCALL_NONE is not set\n')
PROFILES = ("podman", "rootlesskit", "buildah", "crun", "runc", "slirp4netns", "notepadqq", "usr.sbin.traceroute")
ROOTLESS_USER = "ubuntu"


def files_of(version):
    return os.path.join(PLATFORMS, "ubuntu" + version, "files")


def _read(version, name):
    with open(os.path.join(files_of(version), name), encoding="utf-8") as handle:
        return handle.read()


def ubuntu(version, executable):
    """{path: content} of the tree without its grub.cfg (write_ubuntu adds it)."""
    tree = {
        "etc/os-release": _read(version, "os-release"),
        "etc/default/grub": _read(version, "default-grub"),
        "etc/default/grub.d/50-cloudimg-settings.cfg": _read(version, "50-cloudimg-settings.cfg"),
        "boot/config-" + KERNELS[version]: KERNEL_CONFIG,
        "usr/bin/podman": executable, "usr/bin/buildah": executable, "usr/bin/rootlesskit": executable,
        "usr/bin/crun": executable, "usr/sbin/runc": executable, "usr/bin/slirp4netns": executable,
        "usr/bin/newuidmap": Mode(executable, 0o4755), "usr/bin/newgidmap": Mode(executable, 0o4755),
        "etc/passwd": ("root:x:0:0:root:/root:/bin/bash\n"
                       "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n"),
        "etc/group": "root:x:0:\nubuntu:x:1000:\n",
        "etc/subuid": "ubuntu:100000:65536\n", "etc/subgid": "ubuntu:100000:65536\n",
        "home/ubuntu/.config/containers/.keep": "",
    }
    if version == "2404":
        tree["usr/lib/sysctl.d/10-apparmor.conf"] = _read(version, "10-apparmor.conf")
        for name in PROFILES:
            tree["etc/apparmor.d/" + name] = _read(version, "apparmor.d/" + name)
    return tree


def write_ubuntu(root, version, executable, *changes):
    """Write the tree (then `changes`, hosttree layers) and the grub.cfg grub-mkconfig would write for it."""
    write_tree(root, ubuntu(version, executable), *changes)
    args = grub_mkconfig.linux_args(root)
    write_tree(root, {"boot/grub/grub.cfg": grub_cfg(" ".join(args), release=KERNELS[version])})
    return str(root)
