# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The running kernel's own answer to 32-bit code, asked on the host itself
(no container, no seccomp): a whole 32-bit program, `int 0x80` from a 64-bit
process, and the native getpid as the control that the mechanism works.

Linux (arch/x86, 6.7+) with ia32_emulation=0, or built without IA32
emulation, refuses to exec an ELFCLASS32 program (ENOEXEC) and has no
`int 0x80` gate for user space, so the 64-bit int80 program dies by SIGSEGV;
a kernel that ignores or lacks the parameter runs both. The programs are
written to an anonymous memory file (memfd) and run from there, so a noexec
/tmp does not matter and nothing is left on disk. Core dumps are off for them.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess

from .programs import i386_getpid, int80_getpid, native_getpid

# memfd_create's MFD_EXEC (Linux 6.3+): executable even where vm.memfd_noexec
# seals new memfds against exec by default. Older kernels reject the flag.
_MFD_EXEC = 0x10
_TIMEOUT = 10

RAN = "ran"
EXEC_REFUSED = "exec refused"
KILLED = "killed"
REFUSED = "refused"
NOT_RUN = "not run"


class ProgramResult:
    """How the kernel treated one program: outcome (one of the constants
    above) and a phrase for the evidence."""

    def __init__(self, outcome, detail):
        self.outcome = outcome
        self.detail = detail

    def __repr__(self):
        return "ProgramResult(%r, %r)" % (self.outcome, self.detail)


def _memfd(image):
    try:
        fd = os.memfd_create("stockade-abi-test", _MFD_EXEC)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        fd = os.memfd_create("stockade-abi-test", 0)
    try:
        os.write(fd, image)
    except OSError:
        os.close(fd)
        raise
    return fd


class _NoCoreDumps:
    """Core dumps off in this process while a program starts, so that it
    inherits the limit: a preexec_fn would set it in the child, but then
    subprocess forks the whole interpreter instead of using vfork (each start
    copies the audit's page tables: milliseconds here, far more under
    emulation). No other thread of the audit starts a process meanwhile (the
    engines' queries are joined before any control runs); the limit is
    restored as soon as the program is started."""

    def __enter__(self):
        self.saved = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, self.saved[1]))

    def __exit__(self, *exc_info):
        resource.setrlimit(resource.RLIMIT_CORE, self.saved)


def run_program(image):
    """Run one ABI program (bytes of a static ELF) -> ProgramResult."""
    try:
        fd = _memfd(image)
    except (AttributeError, OSError) as exc:  # AttributeError: no os.memfd_create
        return ProgramResult(NOT_RUN, "no memory file to run it from (%s)" % exc)
    try:
        with _NoCoreDumps():
            process = subprocess.Popen(
                ["/proc/self/fd/%d" % fd], pass_fds=(fd,), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        if exc.errno == errno.ENOEXEC:
            return ProgramResult(EXEC_REFUSED, "exec refused by the kernel (ENOEXEC, Exec format error)")
        return ProgramResult(NOT_RUN, "could not be executed (%s)" % os.strerror(exc.errno or 0))
    finally:
        os.close(fd)
    try:
        status = process.wait(timeout=_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return ProgramResult(NOT_RUN, "did not finish within %d s" % _TIMEOUT)
    if status < 0:
        return ProgramResult(KILLED, "killed by %s" % signal.Signals(-status).name)
    if status == process.pid & 0xFF:
        return ProgramResult(RAN, "ran")
    return ProgramResult(REFUSED, "refused (exit status %d)" % status)


class HostAbi:
    """The three programs' results on this host."""

    def __init__(self, i386, int80, native):
        self.i386, self.int80, self.native = i386, int80, native

    @property
    def usable(self):
        """The control program ran: the other two results mean something."""
        return self.native.outcome == RAN

    @property
    def refuses_32bit(self):
        """No 32-bit program starts and no 64-bit process reaches the i386 entry."""
        return self.i386.outcome == EXEC_REFUSED and self.int80.outcome in (KILLED, REFUSED)

    def evidence(self):
        return ["host: a 32-bit (i386) program %s; int 0x80 from a 64-bit process %s; native getpid %s" % (
            self.i386.detail, self.int80.detail, self.native.detail)]


def run_host_test():
    """Run the ABI programs on this host (the audit's root must be /) -> HostAbi."""
    return HostAbi(run_program(i386_getpid()), run_program(int80_getpid()), run_program(native_getpid()))
