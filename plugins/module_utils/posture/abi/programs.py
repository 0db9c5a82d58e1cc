# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tiny static x86-64 ELF executables, written byte by byte, that each make
one getpid system call through one ABI and exit with the result.

Why: to prove that a seccomp profile really refuses the 32-bit ABIs we must
make a 32-bit system call from inside a container, and container images here
hold no compiler and no 32-bit libc. These programs need neither: a
64-bit ELF header, one program header and a few instructions.

Every program exits through the native `exit` with the low byte of what
getpid returned, so a caller that knows the program's pid can tell "the call
ran" (status == pid & 0xff) from "the call was refused" (ENOSYS: 218,
EPERM: 255) and from "the process was killed" (SIGSYS: shell status 159).
"""

from __future__ import annotations

import struct

# Where the file is mapped; the conventional base of non-PIE x86-64 programs.
BASE_ADDRESS = 0x400000
_ELF_HEADER_SIZE = 64
_PROGRAM_HEADER_SIZE = 56

# Shell status of a process killed by SIGSYS (128 + signal 31): what a
# seccomp filter's bad-arch (KILL) action produces.
STATUS_KILLED_BY_SIGSYS = 128 + 31
# Shell status of a process killed by SIGSEGV (128 + 11): what `int 0x80`
# gets from a kernel without IA32 emulation, which has no gate for it.
STATUS_KILLED_BY_SIGSEGV = 128 + 11
# Exit status when getpid returned -ENOSYS (-38 & 0xff): the call passed the
# filter but the kernel has no such ABI (x32 is off in most kernels).
STATUS_ENOSYS = (-38) & 0xFF

# Shared tail: exit(eax), i.e. exit status = low byte of the syscall result.
_EXIT_WITH_RESULT = (
    b"\x89\xc7"  # mov edi, eax        ; 1st argument = syscall result
    b"\xb8\x3c\x00\x00\x00"  # mov eax, 60  ; x86-64 __NR_exit
    b"\x0f\x05"  # syscall
)


def _executable(code):
    """Wrap machine code in a minimal ELF64 file: one PT_LOAD segment (R+X)
    that maps the whole file at BASE_ADDRESS; the code follows the headers."""
    size = _ELF_HEADER_SIZE + _PROGRAM_HEADER_SIZE + len(code)
    entry = BASE_ADDRESS + _ELF_HEADER_SIZE + _PROGRAM_HEADER_SIZE
    ident = b"\x7fELF" + bytes([2, 1, 1, 0])  # 64-bit, little-endian, v1, SysV
    elf_header = struct.pack(
        "<16sHHIQQQIHHHHHH",
        ident,  # padded with zeros to 16 bytes
        2,  # e_type: ET_EXEC
        0x3E,  # e_machine: EM_X86_64
        1,  # e_version
        entry,  # e_entry
        _ELF_HEADER_SIZE,  # e_phoff: program header right after this one
        0,  # e_shoff: no section headers
        0,  # e_flags
        _ELF_HEADER_SIZE,  # e_ehsize
        _PROGRAM_HEADER_SIZE,  # e_phentsize
        1,  # e_phnum
        0,  # e_shentsize
        0,  # e_shnum
        0,  # e_shstrndx
    )
    program_header = struct.pack(
        "<IIQQQQQQ",
        1,  # p_type: PT_LOAD
        5,  # p_flags: PF_R | PF_X
        0,  # p_offset
        BASE_ADDRESS,  # p_vaddr
        BASE_ADDRESS,  # p_paddr
        size,  # p_filesz
        size,  # p_memsz
        0x1000,  # p_align
    )
    return elf_header + program_header + code


def int80_getpid():
    """i386 ABI: getpid through `int 0x80`, which a 64-bit process may use
    whenever the kernel has IA32 emulation and the seccomp filter has
    SCMP_ARCH_X86."""
    return _executable(
        b"\xb8\x14\x00\x00\x00"  # mov eax, 20      ; i386 __NR_getpid
        b"\xcd\x80"  # int 0x80
        + _EXIT_WITH_RESULT
    )


def x32_getpid():
    """x32 ABI: `syscall` with the x32 bit (0x40000000) set on getpid (39).
    Kernels without CONFIG_X86_X32_ABI answer ENOSYS, but seccomp sees the
    call first: a filter without SCMP_ARCH_X32 kills the process."""
    return _executable(
        b"\xb8\x27\x00\x00\x40"  # mov eax, 0x40000027 ; x32 getpid
        b"\x0f\x05"  # syscall
        + _EXIT_WITH_RESULT
    )


def native_getpid():
    """Control: the same getpid through the native x86-64 ABI, which every
    profile allows; it shows the mechanism itself works."""
    return _executable(
        b"\xb8\x27\x00\x00\x00"  # mov eax, 39      ; x86-64 __NR_getpid
        b"\x0f\x05"  # syscall
        + _EXIT_WITH_RESULT
    )


_ELF32_HEADER_SIZE = 52
_PROGRAM_HEADER32_SIZE = 32


def i386_getpid():
    """A whole 32-bit (ELFCLASS32, EM_386) program: getpid and exit through
    `int 0x80`, exit status the pid's low byte. A kernel without IA32
    emulation (ia32_emulation=0, Linux 6.7+, or built without it) refuses to
    exec it (ENOEXEC); under a seccomp filter without SCMP_ARCH_X86 it starts
    and is killed at its first system call.

    Not one of SYSCALL_PROGRAMS: a busybox shell runs a file it cannot exec as a shell
    script, so this program is run by the host's ABI test (abi/host_test.py) only."""
    code = (
        b"\xb8\x14\x00\x00\x00"  # mov eax, 20      ; i386 __NR_getpid
        b"\xcd\x80"  # int 0x80
        b"\x89\xc3"  # mov ebx, eax      ; 1st argument = syscall result
        b"\xb8\x01\x00\x00\x00"  # mov eax, 1       ; i386 __NR_exit
        b"\xcd\x80"  # int 0x80
    )
    size = _ELF32_HEADER_SIZE + _PROGRAM_HEADER32_SIZE + len(code)
    entry = BASE_ADDRESS + _ELF32_HEADER_SIZE + _PROGRAM_HEADER32_SIZE
    ident = b"\x7fELF" + bytes([1, 1, 1, 0])  # 32-bit, little-endian, v1, SysV
    elf_header = struct.pack(
        "<16sHHIIIIIHHHHHH",
        ident, 2, 3, 1,  # ET_EXEC, EM_386, EV_CURRENT
        entry, _ELF32_HEADER_SIZE, 0, 0,  # e_entry, e_phoff, e_shoff, e_flags
        _ELF32_HEADER_SIZE, _PROGRAM_HEADER32_SIZE, 1, 0, 0, 0,  # e_ehsize, e_phentsize, e_phnum, no sections
    )
    program_header = struct.pack(
        "<IIIIIIII",
        1, 0, BASE_ADDRESS, BASE_ADDRESS,  # PT_LOAD of the whole file at BASE_ADDRESS
        size, size, 5, 0x1000,  # p_filesz, p_memsz, PF_R | PF_X, p_align
    )
    return elf_header + program_header + code


# The three syscall programs, name -> builder; the names are their file names in the probe container's image.
SYSCALL_PROGRAMS = {
    "int80": int80_getpid,
    "x32": x32_getpid,
    "native": native_getpid,
}
