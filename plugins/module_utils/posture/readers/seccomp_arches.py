# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which seccomp architectures are the native ABI and which are the compat
(32-bit) ABIs that a container host should refuse, per machine type."""

from __future__ import annotations

# uname -m -> (native libseccomp arch, compat sub-architectures to remove)
NATIVE_AND_COMPAT_ARCHES = {
    "x86_64": ("SCMP_ARCH_X86_64", ("SCMP_ARCH_X86", "SCMP_ARCH_X32")),
    "aarch64": ("SCMP_ARCH_AARCH64", ("SCMP_ARCH_ARM",)),
    "s390x": ("SCMP_ARCH_S390X", ("SCMP_ARCH_S390",)),
    "ppc64le": ("SCMP_ARCH_PPC64LE", ()),
    "riscv64": ("SCMP_ARCH_RISCV64", ()),
}


def native_arch(machine):
    """Return the libseccomp name of the native ABI for a `uname -m` value."""
    entry = NATIVE_AND_COMPAT_ARCHES.get(machine)
    return entry[0] if entry else None


def compat_arches(machine):
    """Return the compat ABIs a hardened profile must not allow on `machine`."""
    entry = NATIVE_AND_COMPAT_ARCHES.get(machine)
    return entry[1] if entry else ()
