# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker: each daemon.json setting the collection writes, proved from
inside a container of a private dockerd started with only that setting,
against a stock daemon as the baseline."""

import platform

import pytest

from engine_helpers import IMAGE, DockremapGuard, outcome
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.rootfs import PROBE_DIR
from ansible_collections.stockade.hardening.plugins.module_utils.seccomp_profile import harden_profile

IDENTITY_UID_MAP = "0 0 4294967295"


@pytest.fixture(scope="class")
def stock(start_dockerd):
    with start_dockerd("stock", {}) as daemon:
        yield daemon


@pytest.fixture(scope="class")
def stock_report(stock):
    return stock.probe()


class TestStockDaemon:
    """Baseline: the builtin profile allows the 32-bit ABIs, which is what
    makes the hardened results meaningful (and shows the syscall programs work)."""

    def test_builtin_profile_lets_32bit_syscalls_run(self, stock_report):
        assert stock_report["seccomp"] == "2"
        assert outcome(stock_report, "int80") == "ran"
        assert outcome(stock_report, "x32") in ("ran", "enosys")
        assert outcome(stock_report, "native") == "ran"

    def test_baseline_profile_lets_32bit_syscalls_run(self, stock, baseline_profile, profile_file):
        report = stock.probe("--security-opt", "seccomp=" + profile_file("baseline", baseline_profile))
        assert outcome(report, "int80") == "ran"
        assert outcome(report, "x32") in ("ran", "enosys")

    def test_no_new_privs_off_and_no_userns(self, stock_report):
        assert stock_report["no_new_privs"] == "0"
        assert stock_report["uid_map"] == IDENTITY_UID_MAP

    def test_kernel_filesystems_read_only(self, stock_report):
        assert stock_report["sys_mount"] == "ro"
        assert stock_report["proc_sys_mount"] == "ro"


@pytest.fixture(scope="class")
def seccomp_daemon(start_dockerd, hardened_profile_path):
    with start_dockerd("seccomp", {"seccomp-profile": hardened_profile_path}) as daemon:
        yield daemon


class TestSeccompWithout32BitAbis:
    """daemon.json seccomp-profile: a harden_profile() of the baseline."""

    def test_daemon_reports_the_profile(self, seccomp_daemon, hardened_profile_path):
        assert "name=seccomp,profile=" + hardened_profile_path in seccomp_daemon.security_options()

    def test_32bit_syscalls_killed_native_runs(self, seccomp_daemon):
        report = seccomp_daemon.probe()
        assert report["seccomp"] == "2"
        assert outcome(report, "int80") == "sigsys"
        assert outcome(report, "x32") == "sigsys"
        assert outcome(report, "native") == "ran"

    def test_denied_syscall_fails_with_eperm(self, seccomp_daemon, baseline_profile, profile_file):
        deny_getpid = harden_profile(baseline_profile, platform.machine(), deny_syscalls=["getpid"])
        result = seccomp_daemon.run_container(
            "--security-opt", "seccomp=" + profile_file("deny-getpid", deny_getpid),
            IMAGE, "/%s/native" % PROBE_DIR, check=False)
        assert result.returncode == (-1) & 0xFF  # getpid returned -EPERM


@pytest.fixture(scope="class")
def nnp_daemon(start_dockerd):
    with start_dockerd("nnp", {"no-new-privileges": True}) as daemon:
        yield daemon


class TestNoNewPrivileges:
    def test_docker_20_10_info_does_not_report_it(self, nnp_daemon):
        """Newer moby lists name=no-new-privileges in `docker info`; 20.10
        (Debian 12) does not, so a verifier there must look inside a
        container (or at daemon.json), not at `docker info`."""
        version = nnp_daemon.docker("version", "--format", "{{.Server.Version}}").stdout.strip()
        if not version.startswith("20.10."):
            pytest.skip("checked for Docker 20.10 only, found %s" % version)
        assert not any("no-new-privileges" in option for option in nnp_daemon.security_options())

    def test_containers_get_no_new_privs(self, nnp_daemon):
        assert nnp_daemon.probe()["no_new_privs"] == "1"

    def test_a_container_can_still_opt_out(self, nnp_daemon):
        """Why the collection must also audit running containers (CIS 5.26):
        the daemon setting is a default, not a ceiling."""
        assert nnp_daemon.probe("--security-opt", "no-new-privileges=false")["no_new_privs"] == "0"


@pytest.fixture(scope="class")
def userns_daemon(start_dockerd):
    with DockremapGuard() as accounts, start_dockerd("userns", {"userns-remap": "default"}) as daemon:
        yield daemon, accounts


class TestUsernsRemap:
    def test_daemon_reports_it(self, userns_daemon):
        daemon = userns_daemon[0]
        assert "name=userns" in daemon.security_options()

    def test_root_in_container_is_dockremap_range(self, userns_daemon):
        daemon, accounts = userns_daemon
        start, count = accounts.subordinate_range("/etc/subuid")
        assert count >= 65536
        uid_map = daemon.probe()["uid_map"]
        assert uid_map != IDENTITY_UID_MAP
        assert uid_map == "0 %d %d" % (start, count)
