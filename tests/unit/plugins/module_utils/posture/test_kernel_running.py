# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The boot-parameter controls judged by the running kernel on a live host:
host-ia32-emulation-off by running 32-bit code on the host (abi/host_test.py),
host-vsyscall-none by the audit's own address space. On this machine (kernel
6.18, IA32 emulation on, vsyscall mapped) both must fail with that evidence;
the pass on a kernel booted with ia32_emulation=0 vsyscall=none is proven in
the lab (tests/lab/hardened/test_kernel_ia32.py, Debian 13)."""

import platform

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls import kernel, seccomp
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import ERROR, FAIL, PASS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi import (
    programs as elf, host_test as host_abi,
)


def _cmdline():
    with open("/proc/cmdline") as handle:
        return handle.read()


def _vsyscall_mapped():
    with open("/proc/self/maps") as handle:
        return "[vsyscall]" in handle.read()


@pytest.mark.skipif(platform.machine() != "x86_64" or "ia32_emulation=0" in _cmdline(),
                    reason="needs an x86-64 kernel running with IA32 emulation")
def test_live_host_with_ia32_fails_on_what_its_kernel_runs():
    outcome = kernel.check_ia32_emulation(AuditContext("/"))
    assert outcome.status == FAIL
    assert any(line.startswith("host: a 32-bit (i386) program ran; int 0x80 from a 64-bit process ran")
               for line in outcome.evidence)


def test_offline_tree_runs_no_program(tmp_path):
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "cmdline").write_text("root=/dev/vda1 ia32_emulation=0\n")
    ctx = AuditContext(str(tmp_path))
    assert ctx.host_abi_test() is None
    assert not any(line.startswith("host:") for line in kernel.check_ia32_emulation(ctx).evidence)


@pytest.mark.skipif(not _vsyscall_mapped(), reason="this kernel maps no vsyscall page")
def test_live_host_with_the_vsyscall_page_fails():
    outcome = kernel.check_vsyscall(AuditContext("/"))
    assert outcome.status == FAIL
    assert "/proc/self/maps: the [vsyscall] page is mapped" in outcome.evidence


def _abi(i386, int80, native=host_abi.RAN):
    return host_abi.HostAbi(*(host_abi.ProgramResult(o, o) for o in (i386, int80, native)))


BOOTED = ["now (/proc/cmdline): ia32_emulation=0: 32-bit syscalls refused"]


def test_a_kernel_that_refuses_32bit_code_passes():
    outcome = kernel._judge_running_kernel(_abi(host_abi.EXEC_REFUSED, host_abi.KILLED), True, BOOTED,
                                           "6.12.118+deb13-amd64")
    assert outcome.status == PASS and "kernel 6.12.118+deb13-amd64" in outcome.evidence


def test_a_kernel_that_refuses_32bit_code_fails_when_the_next_boot_drops_it():
    outcome = kernel._judge_running_kernel(_abi(host_abi.EXEC_REFUSED, host_abi.KILLED), False, BOOTED,
                                           "6.12.118+deb13-amd64")
    assert outcome.status == FAIL and "the next boot would not keep it" in outcome.evidence


def test_an_old_kernel_that_ignores_the_parameter_fails():
    outcome = kernel._judge_running_kernel(_abi(host_abi.RAN, host_abi.RAN), False, BOOTED, "6.1.0-28-amd64")
    assert outcome.status == FAIL and not outcome.reboot_pending


def test_configured_not_booted_stays_reboot_pending():
    outcome = kernel._judge_running_kernel(_abi(host_abi.RAN, host_abi.RAN), True, BOOTED, "6.12.1")
    assert outcome.status == FAIL and outcome.reboot_pending


def test_no_verdict_when_the_control_program_does_not_run():
    outcome = kernel._judge_running_kernel(_abi(host_abi.EXEC_REFUSED, host_abi.KILLED, host_abi.NOT_RUN),
                                           True, BOOTED, "6.12.1")
    assert outcome.status == ERROR


def _report(int80, x32):
    return {"int80_status": str(int80), "int80_pid": "300", "x32_status": str(x32), "x32_pid": "301",
            "native_status": str(302 % 256), "native_pid": "302"}


def test_container_int80_without_a_kernel_entry_counts_as_refused():
    """With ia32_emulation=0 int 0x80 faults (SIGSEGV) before seccomp sees it (seen in the lab,
    Debian 13): refused, and the evidence says the profile's own i386 rule was not observable."""
    ok, evidence = seccomp._inside_no_32bit(_report(elf.STATUS_KILLED_BY_SIGSEGV, elf.STATUS_KILLED_BY_SIGSYS), "docker")
    assert ok and "not observable" in evidence[-1]
    ok, dummy = seccomp._inside_no_32bit(_report(elf.STATUS_KILLED_BY_SIGSEGV, elf.STATUS_ENOSYS), "docker")
    assert not ok  # x32 reached the kernel: the profile lets it through
    ok, dummy = seccomp._inside_no_32bit(_report(elf.STATUS_KILLED_BY_SIGSYS, elf.STATUS_KILLED_BY_SIGSEGV), "docker")
    assert not ok  # SIGSEGV means "no entry" for int 0x80 only
