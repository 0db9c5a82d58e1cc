# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel-wide 32-bit cut, seen from the host itself (no container, no
seccomp): the programs of plugins/module_utils/posture/abi/programs.py are copied into
the guest and run by its shell as root.

Debian 13 (6.12), hardened with stockade_kernel_ia32_emulation_disabled and reboots
allowed: the kernel runs with ia32_emulation=0, refuses to exec a 32-bit
program and faults `int 0x80` from a 64-bit process. Debian 12 (6.1): the
kernel role refuses the variable instead of writing a parameter the kernel
would ignore, and 32-bit code still runs there."""

import base64

import pytest

from conftest import DOCKER_BUSYBOX
from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi import programs as elf

PROGRAMS = {"i386": elf.i386_getpid, "int80": elf.int80_getpid, "native": elf.native_getpid}
# World-readable, so that a container's remapped root (userns-remap) can read the programs too.
DIR = "/var/tmp/stockade-abi"


def run_programs(guest_batch):
    """Write the programs into the guest and run each from its shell: {name: (status, pid, stderr)}."""
    commands = {"cmdline": "cat /proc/cmdline", "kernel": "uname -r"}
    commands["write"] = "mkdir -p %s && cd %s && %s" % (DIR, DIR, " && ".join(
        "echo %s | base64 -d > %s && chmod 755 %s" % (base64.b64encode(build()).decode(), name, name)
        for name, build in PROGRAMS.items()))
    for name in PROGRAMS:
        commands[name] = "%s/%s & pid=$!; wait $pid; echo \"$? $pid\"" % (DIR, name)
    results = guest_batch(commands)
    assert results["write"][0] == 0, results["write"]
    runs = {}
    for name in PROGRAMS:
        status, pid = results[name][1].split()
        runs[name] = (int(status), int(pid), results[name][2])
    return results["cmdline"][1].split(), results["kernel"][1].strip(), runs


def test_32bit_code_on_the_host(guest_batch, lab_vars):
    cmdline, kernel, runs = run_programs(guest_batch)
    status, pid, dummy = runs["native"]
    assert status == pid % 256, runs  # the mechanism works
    if lab_vars.get("stockade_kernel_ia32_emulation_disabled"):
        assert "ia32_emulation=0" in cmdline and kernel.startswith("6.12"), (kernel, cmdline)
        status, dummy, stderr = runs["i386"]
        # the shell could not exec it: 126, "Exec format error" (ENOEXEC)
        assert status == 126 and "Exec format error" in stderr, runs["i386"]
        assert runs["int80"][0] == elf.STATUS_KILLED_BY_SIGSEGV, runs["int80"]  # no int 0x80 gate
    else:
        assert "ia32_emulation=0" not in cmdline
        for name in ("i386", "int80"):
            status, pid, dummy = runs[name]
            assert status == pid % 256, (kernel, name, runs[name])  # 32-bit code runs on this kernel


@pytest.mark.lab_suites("trixie")  # needs a kernel running with ia32_emulation=0
def test_containers_are_covered_even_under_a_profile_that_allows_i386(guest_batch):
    """seccomp=unconfined lets every ABI through, yet the kernel itself has none but x86-64."""
    run_programs(guest_batch)  # writes the programs
    volume = "-v %s:/abi:ro" % DIR
    results = guest_batch({
        "image": DOCKER_BUSYBOX,
        # dockerd may not even stat a directory of the caller's type under enforcing (docker run then says
        # "mkdir ...: file exists"): give it the shared container label first, as the probe does
        "label": ". /etc/selinux/config && chcon -R \"$(sed -n 's/^ *file *= *\\\"\\(.*\\)\\\"/\\1/p' "
                 "/etc/selinux/$SELINUXTYPE/contexts/lxc_contexts)\" %s" % DIR,
        # no shell in between: the runtime's execve of the ELF32 entry point fails
        "i386": "docker run --rm --network none --security-opt seccomp=unconfined %s stockade/busybox /abi/i386"
                % volume,
        "int80": "docker run --rm --network none --security-opt seccomp=unconfined %s stockade/busybox /abi/int80"
                 % volume,
        "native": "docker run --rm --network none --security-opt seccomp=unconfined %s stockade/busybox /abi/native"
                  % volume,
        "seccomp": "docker run --rm --network none --security-opt seccomp=unconfined stockade/busybox "
                   "grep Seccomp: /proc/self/status",
    })
    assert results["image"][0] == 0 and results["label"][0] == 0, (results["image"], results["label"])
    assert results["seccomp"][0] == 0 and "Seccomp:\t0" in results["seccomp"][1], results["seccomp"]
    assert results["native"][0] not in (126, 127, 139), results["native"]  # ran, exit = its pid's low byte
    assert results["i386"][0] != 0 and "exec format error" in results["i386"][2].lower(), results["i386"]
    assert results["int80"][0] == elf.STATUS_KILLED_BY_SIGSEGV, results["int80"]


def test_kernel_role_refuses_ia32_off_on_a_kernel_before_6_7(play_role, guest):
    kernel = guest("uname -r").stdout.strip()
    release = tuple(int(n) for n in kernel.split("-")[0].split(".")[:2])
    grub_before = guest("sha256sum /boot/grub/grub.cfg; ls /etc/default/grub.d").stdout
    done = play_role("kernel", {"stockade_kernel_ia32_emulation_disabled": True,
                                "stockade_kernel_reboot_allowed": False})
    if release >= (6, 7):
        assert done.returncode == 0, done.stdout  # nothing to refuse: the play converged it already
        assert "changed=0" in done.stdout, done.stdout
        return
    assert done.returncode == 2, done.stdout
    assert "Refuse ia32_emulation=0 on a kernel that ignores it" in done.stdout, done.stdout
    assert "the running kernel %s is older than 6.7 and ignores ia32_emulation=" % kernel in done.stdout, done.stdout
    assert guest("sha256sum /boot/grub/grub.cfg; ls /etc/default/grub.d").stdout == grub_before
