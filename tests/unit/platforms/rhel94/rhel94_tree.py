# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stock RHEL 9.4 container host as a tree (the hosttree.py form): Podman
from RHEL, docker-ce from Docker's el9 repository, CRI-O, SELinux enforcing
with container-selinux, booted by GRUB from BLS entries. Every file either is
an upstream file (files/, SOURCE.md names repository, path and tag) or is
modelled on one (SOURCE.md says on what, and what was not read)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
BOOT = os.path.join(HERE, os.pardir, os.pardir, "readers", "bls", "fixtures", "rhel94-bios")
KERNEL = "5.14.0-427.13.1.el9_4.x86_64"


def _read(directory, path, mode="r"):
    with open(os.path.join(directory, path), mode) as handle:
        return handle.read()


def _boot_files():
    """The BLS boot of tests/unit/readers/bls/fixtures/rhel94-bios (its SOURCE.md)."""
    found = {}
    for directory, _dirs, names in os.walk(BOOT):
        for name in names:
            full = os.path.join(directory, name)
            relative = os.path.relpath(full, BOOT)
            if relative != "SOURCE.md":
                found[relative] = _read(BOOT, relative, "rb")
    return found


EXECUTABLE_PATHS = ("usr/bin/podman", "usr/bin/dockerd", "usr/bin/crio", "usr/bin/crun", "usr/bin/runc",
                    "usr/bin/containerd", "usr/sbin/grubby")

# Only the lines the boot controls read (the real file has ~7,000); see SOURCE.md.
KERNEL_CONFIG = ('CONFIG_SECURITY_SELINUX=y\nCONFIG_LSM="lockdown,yama,integrity,selinux,bpf,landlock"\n'
                 'CONFIG_IA32_EMULATION=y\n')


def rhel94(executable):
    """{path: content} of the tree; `executable` is hosttree's EXECUTABLE marker."""
    tree = _boot_files()
    tree.update({path: executable for path in EXECUTABLE_PATHS})
    tree.update({
        "etc/os-release": _read(HERE, "os-release"),
        "etc/redhat-release": "Red Hat Enterprise Linux release 9.4 (Plow)\n",
        "boot/config-" + KERNEL: KERNEL_CONFIG,
        "var/lib/rpm/rpmdb.sqlite": _read(HERE, "rpmdb.sqlite", "rb"),
        "usr/share/containers/containers.conf": _read(FILES, "containers.conf"),
        "usr/share/containers/seccomp.json": _read(FILES, "seccomp.json"),
        "usr/share/containers/selinux/contexts": _read(FILES, "container_contexts"),
        "usr/lib/systemd/system/docker.service": _read(FILES, "docker.service"),
        "usr/lib/systemd/system/docker.socket": _read(FILES, "docker.socket"),
        "etc/crio/crio.conf": _read(FILES, "crio.conf"),
        "etc/selinux/config": ("# This file controls the state of SELinux on the system.\n"
                               "SELINUX=enforcing\nSELINUXTYPE=targeted\n"),
        "etc/selinux/targeted/policy/policy.33": "(binary policy)",
        "var/lib/selinux/targeted/active/modules/100/base/cil": "(compressed CIL)",
        "var/lib/selinux/targeted/active/modules/200/container/cil": "(compressed CIL)",
        "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n",
        "etc/group": "root:x:0:\ndocker:x:989:\n",
        "etc/subuid": "", "etc/subgid": "",
    })
    return tree
