# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The judgement of a probe container run in a sandbox runtime (vm_isolation's
*-probe-sandbox-kernel), on inside.sh reports: the real gVisor and runc answers are
in tests/engines/test_container_probe.py; here, every report that cannot tell is an
error, never a pass."""

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi.programs import (
    STATUS_KILLED_BY_SIGSYS,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.probe_checks import ProbeBroken
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.vm_isolation import (
    GVISOR_PROC_VERSION, judge_sandbox_kernel,
)

HOST_VERSION = "Linux version 6.12.57+deb13-amd64 (debian-kernel@lists.debian.org) #1 SMP"
HOST_BOOT = "41bc7d74-540f-4a12-860e-686da270980b"
# As runsc 20221219 answered on this machine: int 0x80 -EBADF (247), x32 -ENOSYS (218), getpid 4
GVISOR = {"kernel_version": GVISOR_PROC_VERSION, "boot_id": "unavailable",
          "int80_status": "247", "int80_pid": "2", "x32_status": "218", "x32_pid": "3",
          "native_status": "4", "native_pid": "4"}


def report(**changes):
    return dict(GVISOR, **changes)


def test_gvisor_passes():
    ok, evidence = judge_sandbox_kernel(report(), HOST_VERSION, HOST_BOOT)
    assert ok, evidence
    assert "decided by /proc/version (no boot_id inside): not the host's" in evidence[2]


@pytest.mark.parametrize("changes", [
    {"kernel_version": HOST_VERSION},                                   # runc behind a sandbox's name
    {"boot_id": HOST_BOOT, "kernel_version": "Linux version 9.9 (a guest kernel that says otherwise)"},
    {"int80_status": "2"},                                              # i386 getpid ran (pid 2)
    {"x32_status": "3"},                                                # x32 getpid ran (pid 3)
])
def test_the_host_kernel_or_a_32_bit_call_fails(changes):
    ok, evidence = judge_sandbox_kernel(report(**changes), HOST_VERSION, HOST_BOOT)
    assert not ok, evidence


def test_a_guest_kernel_with_the_hosts_version_text_is_told_by_boot_id():
    """A Kata guest may run the same kernel build: its boot_id is its own."""
    ok, evidence = judge_sandbox_kernel(report(kernel_version=HOST_VERSION, boot_id="6f1c-guest"),
                                        HOST_VERSION, HOST_BOOT)
    assert ok and "decided by boot_id: not the host's" in evidence[2], evidence


@pytest.mark.parametrize("changes, host_version, why", [
    ({"kernel_version": "unavailable"}, HOST_VERSION, "neither /proc/version nor boot_id"),
    ({"int80_status": None}, HOST_VERSION, "no result for int80"),
    ({"x32_pid": "x"}, HOST_VERSION, "no result for x32"),
    ({"native_status": "%d" % STATUS_KILLED_BY_SIGSYS}, HOST_VERSION, "native control getpid did not run"),
    ({}, "", "host's /proc/version is unreadable"),
])
def test_a_report_that_cannot_tell_is_an_error(changes, host_version, why):
    broken = {key: value for key, value in report(**changes).items() if value is not None}
    with pytest.raises(ProbeBroken) as caught:
        judge_sandbox_kernel(broken, host_version, HOST_BOOT)
    assert why in str(caught.value)
