# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ELF syscall programs: well-formed, and they behave as documented when run on
this host, bare and under a seccomp filter that checks the arch the way
libseccomp's does (a hermetic stand-in for an engine's profile)."""

import ctypes
import platform
import resource
import signal
import struct
import subprocess

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi import programs as elf

x86_64_only = pytest.mark.skipif(platform.machine() != "x86_64", reason="the syscall programs are x86-64 programs")


@pytest.mark.parametrize("name", sorted(elf.SYSCALL_PROGRAMS))
def test_program_is_a_minimal_static_elf(name):
    data = elf.SYSCALL_PROGRAMS[name]()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1  # ELF64, little-endian
    e_type, e_machine, dummy, e_entry, e_phoff = struct.unpack_from("<HHIQQ", data, 16)
    assert (e_type, e_machine, e_phoff) == (2, 0x3E, 64)  # ET_EXEC, x86-64
    p_type, p_flags, p_offset, p_vaddr, dummy, p_filesz, p_memsz, dummy = struct.unpack_from("<IIQQQQQQ", data, 64)
    assert (p_type, p_flags, p_offset, p_vaddr) == (1, 5, 0, elf.BASE_ADDRESS)
    assert p_filesz == p_memsz == len(data) < 200
    assert elf.BASE_ADDRESS + 120 == e_entry  # code right after the two headers
    assert data.endswith(b"\x89\xc7\xb8\x3c\x00\x00\x00\x0f\x05")  # exit(result)


def test_programs_differ_only_in_their_syscall():
    codes = {name: build()[120:] for name, build in elf.SYSCALL_PROGRAMS.items()}
    assert codes["int80"][:7] == b"\xb8\x14\x00\x00\x00\xcd\x80"
    assert codes["x32"][:7] == b"\xb8\x27\x00\x00\x40\x0f\x05"
    assert codes["native"][:7] == b"\xb8\x27\x00\x00\x00\x0f\x05"


@pytest.fixture
def program_path(tmp_path):
    def write(name):
        path = tmp_path / name
        path.write_bytes(elf.SYSCALL_PROGRAMS[name]())
        path.chmod(0o755)
        return str(path)
    return write


def _run(path, preexec_fn=None):
    process = subprocess.Popen([path], preexec_fn=preexec_fn)
    return process.wait(timeout=10), process.pid & 0xFF


@x86_64_only
def test_native_program_exits_with_its_pid(program_path):
    status, pid_byte = _run(program_path("native"))
    assert status == pid_byte


@x86_64_only
def test_int80_program_runs_natively(program_path):
    """Outside any seccomp filter, a kernel with IA32 emulation (Debian's
    default) answers the i386 getpid with the same pid."""
    if "ia32_emulation=0" in open("/proc/cmdline").read():
        pytest.skip("IA32 emulation is disabled on the kernel command line")
    status, pid_byte = _run(program_path("int80"))
    assert status == pid_byte


@x86_64_only
def test_x32_program_returns_pid_or_enosys(program_path):
    """Most kernels lack CONFIG_X86_X32_ABI: getpid then fails with ENOSYS."""
    status, pid_byte = _run(program_path("x32"))
    assert status in (pid_byte, elf.STATUS_ENOSYS)


# A classic-BPF seccomp filter like the one libseccomp builds for a profile
# whose only arch is x86-64: another arch, or the x32 bit, means KILL.
_AUDIT_ARCH_X86_64 = 0xC000003E
_SECCOMP_RET_KILL_PROCESS = 0x80000000
_SECCOMP_RET_ALLOW = 0x7FFF0000
_NATIVE_ONLY_FILTER = (
    (0x20, 0, 0, 4),  # ld [arch]
    (0x15, 1, 0, _AUDIT_ARCH_X86_64),  # jeq x86-64 ? skip the kill
    (0x06, 0, 0, _SECCOMP_RET_KILL_PROCESS),
    (0x20, 0, 0, 0),  # ld [nr]
    (0x35, 0, 1, 0x40000000),  # jge x32 bit ? kill : allow
    (0x06, 0, 0, _SECCOMP_RET_KILL_PROCESS),
    (0x06, 0, 0, _SECCOMP_RET_ALLOW),
)


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def _native_only_seccomp():
    """A preexec_fn installing _NATIVE_ONLY_FILTER in the child (after
    no_new_privs, which an unprivileged filter needs) with core dumps off."""
    libc = ctypes.CDLL(None, use_errno=True)
    instructions = (_SockFilter * len(_NATIVE_ONLY_FILTER))(*[_SockFilter(*i) for i in _NATIVE_ONLY_FILTER])
    program = _SockFprog(len(_NATIVE_ONLY_FILTER), instructions)

    def install():
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
        if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) or \
                libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(program), 0, 0):
            raise OSError(ctypes.get_errno(), "installing the seccomp filter failed")
    return install


@x86_64_only
@pytest.mark.parametrize("name", ["int80", "x32"])
def test_compat_programs_die_by_sigsys_under_native_only_filter(program_path, name):
    status = _run(program_path(name), _native_only_seccomp())[0]
    assert status == -signal.SIGSYS
    assert elf.STATUS_KILLED_BY_SIGSYS == 128 + signal.SIGSYS


@x86_64_only
def test_native_program_passes_native_only_filter(program_path):
    status, pid_byte = _run(program_path("native"), _native_only_seccomp())
    assert status == pid_byte
