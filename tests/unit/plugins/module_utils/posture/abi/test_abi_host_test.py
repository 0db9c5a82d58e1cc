# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host's ABI test of 32-bit code: the i386 program is a well-formed ELF32, and
the programs run from a memfd on this host as its kernel decides. This machine's
kernel has IA32 emulation on, so here the 32-bit program runs; a seccomp filter
that kills it must not be mistaken for the kernel refusing it. The refusal by a
kernel booted with ia32_emulation=0 is proven in the lab (Debian 13, 6.12):
tests/lab/hardened/test_kernel_ia32.py."""

import json
import os
import platform
import resource
import struct
import subprocess

import pytest

from test_abi_programs import _native_only_seccomp
from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi import (
    programs as elf, host_test as host_abi,
)

x86_64_only = pytest.mark.skipif(platform.machine() != "x86_64", reason="the syscall programs are x86-64 programs")


def ia32_on():
    with open("/proc/cmdline") as handle:
        return "ia32_emulation=0" not in handle.read()


def test_i386_program_is_a_minimal_static_elf32():
    data = elf.i386_getpid()
    assert data[:4] == b"\x7fELF" and data[4] == 1 and data[5] == 1  # ELFCLASS32, little-endian
    e_type, e_machine, dummy, e_entry, e_phoff = struct.unpack_from("<HHIII", data, 16)
    assert (e_type, e_machine, e_phoff) == (2, 3, 52)  # ET_EXEC, EM_386
    p_type, p_offset, p_vaddr, dummy, p_filesz, p_memsz, p_flags = struct.unpack_from("<IIIIIII", data, 52)
    assert (p_type, p_offset, p_vaddr, p_flags) == (1, 0, elf.BASE_ADDRESS, 5)
    assert p_filesz == p_memsz == len(data) < 120
    assert e_entry == elf.BASE_ADDRESS + 84
    assert data[84:91] == b"\xb8\x14\x00\x00\x00\xcd\x80"  # i386 getpid through int 0x80


@x86_64_only
@pytest.mark.skipif(not ia32_on(), reason="this kernel was booted with ia32_emulation=0")
def test_on_a_kernel_with_ia32_every_program_runs():
    abi = host_abi.run_host_test()
    assert [abi.i386.outcome, abi.int80.outcome, abi.native.outcome] == [host_abi.RAN] * 3
    assert abi.usable and not abi.refuses_32bit
    assert abi.evidence() == ["host: a 32-bit (i386) program ran; int 0x80 from a 64-bit process ran; "
                              "native getpid ran"]


def _host_test_in_child(setup):
    """run_host_test() in a forked child after setup(); its results as outcome lists."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        try:
            os.close(read_end)
            setup()
            abi = host_abi.run_host_test()
            result = {"outcomes": [p.outcome for p in (abi.i386, abi.int80, abi.native)],
                      "details": [p.detail for p in (abi.i386, abi.int80, abi.native)],
                      "refuses": abi.refuses_32bit}
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    return json.loads(data.decode())


@x86_64_only
@pytest.mark.skipif(not ia32_on(), reason="this kernel was booted with ia32_emulation=0")
def test_a_seccomp_kill_is_not_the_kernel_refusing_32bit_code():
    """Under a filter that allows only x86-64 (as the hardened engine profiles do),
    the 32-bit program starts and dies at its first syscall: SIGSYS, not ENOEXEC."""
    result = _host_test_in_child(_native_only_seccomp())
    assert result["outcomes"] == [host_abi.KILLED, host_abi.KILLED, host_abi.RAN], result
    assert result["details"][:2] == ["killed by SIGSYS", "killed by SIGSYS"]
    assert result["refuses"] is False


def test_a_program_the_kernel_cannot_exec_is_reported_as_refused():
    """ENOEXEC, as a kernel without IA32 emulation answers an ELF32, here for a
    file no kernel executes (no ELF magic, no #!)."""
    result = host_abi.run_program(b"\x00" * 64)
    assert result.outcome == host_abi.EXEC_REFUSED
    assert "ENOEXEC" in result.detail


def test_programs_start_with_core_dumps_off_and_the_audit_keeps_its_own_limit():
    """The limit is set in the audit's process around the start (no preexec_fn:
    subprocess can then use vfork), inherited by the program, and restored."""
    before = resource.getrlimit(resource.RLIMIT_CORE)
    if before[1] == 0:
        pytest.skip("core dumps are off for good here: nothing to tell apart")
    resource.setrlimit(resource.RLIMIT_CORE, (before[1], before[1]))
    try:
        with host_abi._NoCoreDumps():
            shown = subprocess.run(["/bin/sh", "-c", "ulimit -c"], stdout=subprocess.PIPE, check=True).stdout
        assert shown.strip() == b"0"
        assert resource.getrlimit(resource.RLIMIT_CORE) == (before[1], before[1])
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, before)


def test_run_program_starts_each_program_with_core_dumps_off(monkeypatch):
    """run_program itself lowers the soft limit to 0 at the moment it starts the
    program (its Popen call) and restores it afterwards, whether the kernel
    runs the program or refuses it (ENOEXEC)."""
    before = resource.getrlimit(resource.RLIMIT_CORE)
    if before[1] == 0:
        pytest.skip("core dumps are off for good here: nothing to tell apart")
    real_popen = subprocess.Popen
    at_start = []

    def recording_popen(*args, **kwargs):
        at_start.append(resource.getrlimit(resource.RLIMIT_CORE))
        return real_popen(*args, **kwargs)

    images = [b"\x00" * 64] + ([elf.native_getpid()] if platform.machine() == "x86_64" else [])
    resource.setrlimit(resource.RLIMIT_CORE, (before[1], before[1]))
    try:
        monkeypatch.setattr(host_abi.subprocess, "Popen", recording_popen)
        results = [host_abi.run_program(image) for image in images]
        after = resource.getrlimit(resource.RLIMIT_CORE)
    finally:
        monkeypatch.undo()
        resource.setrlimit(resource.RLIMIT_CORE, before)
    assert results[0].outcome == host_abi.EXEC_REFUSED
    assert at_start == [(0, before[1])] * len(images)
    assert after == (before[1], before[1])


def test_refuses_32bit_needs_the_exec_refusal_and_int80_stopped():
    refused = host_abi.ProgramResult(host_abi.EXEC_REFUSED, "exec refused")
    segv = host_abi.ProgramResult(host_abi.KILLED, "killed by SIGSEGV")
    ran = host_abi.ProgramResult(host_abi.RAN, "ran")
    assert host_abi.HostAbi(refused, segv, ran).refuses_32bit
    assert not host_abi.HostAbi(refused, ran, ran).refuses_32bit
    assert not host_abi.HostAbi(segv, segv, ran).refuses_32bit
    assert not host_abi.HostAbi(refused, segv, segv).usable
