# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An offline audit of a stock RHEL 9.4 container host tree (rhel94_tree.py,
files from upstream named in SOURCE.md) gives a verdict for every layer and
no `error`: the boot from BLS entries (rhel_grub, bls), the engine versions
from rpm's database (rpmdb), container-selinux, containers-common's
containers.conf and seccomp.json, CRI-O's crio.conf as its rpm spec writes
it, docker-ce's units. Every status below is what the tree's files say,
reasoned in the comment beside it; the controls not listed are
not_applicable because an offline tree has no running engine, no probe and
no file the control needs."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir, "plugins", "module_utils", "posture"))

from hosttree import EXECUTABLE, write_tree  # noqa: E402
from rhel94_tree import KERNEL, rhel94  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit  # noqa: E402

NOT_APPLICABLE_BECAUSE = ("live checks need the audited root to be /", "container probe not requested",
                          "not present on this host", "is not on this host", "binary is not on this host",
                          "has no engine-wide no_new_privs setting", "is not set (see", "is not auto (see",
                          "containerd's socket is not on this host", "no container booleans found",
                          # /etc/subuid and /etc/subgid are empty, /etc/passwd has root and nobody only
                          "no user can start rootless containers",
                          # the AppArmor controls, under the default policy's MAC (SELinux), where no /sys says more
                          "the policy's MAC is SELinux and /sys/kernel/security/lsm is not readable under this root")

EXPECTED = {
    # boot: the default BLS entry (saved_entry = the 9.4 kernel), its kernel's configuration
    "host-selinux-enforcing": "pass",         # SELINUX=enforcing, policy.33, CONFIG_LSM puts selinux first
    "host-ia32-emulation-off": "fail",        # 5.14 predates ia32_emulation= (6.7), and the line has none
    "host-vsyscall-none": "fail",             # no vsyscall= and the tree's config excerpt does not say the default
    # selinux
    "host-selinux-container-policy": "pass",  # container module in the targeted store (container-selinux)
    "docker-selinux-enabled": "fail",         # docker-ce's default: selinux-enabled false
    "podman-selinux-label": "pass",           # containers.conf v0.57.4: label = true (default)
    "podman-not-privileged": "pass",          # containers.conf v0.57.4: privileged unset (false)
    "crio-selinux-enabled": "pass",           # crio.conf as the spec renders it: selinux = true
    # seccomp: containers-common's seccomp.json and the engines' built-in profiles keep the 32-bit ABIs
    "docker-seccomp-enabled": "pass", "docker-seccomp-no-32bit": "fail",
    "podman-seccomp-enabled": "pass", "podman-seccomp-no-32bit": "fail",
    "crio-seccomp-enabled": "pass", "crio-seccomp-no-32bit": "fail",
    # capabilities: both defaults are within the minimal set the control allows
    "podman-default-capabilities": "pass", "crio-default-capabilities": "pass",
    # kernel_fs, no_new_privs, namespaces, userns, vm_isolation: engine defaults
    "podman-read-only-rootfs": "fail", "crio-read-only-rootfs": "fail",
    "docker-no-new-privileges": "fail", "docker-cgroupns-private": "fail", "docker-icc-disabled": "fail",
    "docker-iptables": "pass", "docker-userland-proxy-disabled": "fail", "podman-namespaces-private": "pass",
    "host-max-user-namespaces": "pass", "docker-userns-remap": "fail", "podman-userns-auto": "fail",
    "docker-vm-runtime": "fail", "podman-vm-runtime": "fail", "crio-vm-runtime": "fail",
    # kernel: the tree has no sysctl.d file (SOURCE.md), so nothing is persisted
    "host-ip-forward-kept": "fail", "host-sysctl-dmesg-restrict": "fail", "host-sysctl-kptr-restrict": "fail",
    "host-sysctl-perf-event-paranoid": "fail", "host-sysctl-protected-fifos": "fail",
    "host-sysctl-protected-hardlinks": "fail", "host-sysctl-protected-regular": "fail",
    "host-sysctl-protected-symlinks": "fail", "host-sysctl-ptrace-scope": "fail", "host-sysctl-suid-dumpable": "fail",
    # engine_access, file_permissions: docker-ce's units as moby v26.1.3 ships them, root:root 0644
    "docker-authorization-plugin": "fail", "docker-group-members": "pass", "docker-service-file-mode": "pass",
    "docker-service-file-owner": "pass", "docker-socket-unit-mode": "pass", "docker-socket-unit-owner": "pass",
    "docker-tcp-tls": "pass", "podman-config-files-mode": "pass", "podman-config-files-owner": "pass",
    # audit_watches: no audit rule files
    "docker-audit-containerd": "fail", "docker-audit-docker-service": "fail", "docker-audit-docker-socket-unit": "fail",
    "docker-audit-dockerd": "fail", "docker-audit-runc": "fail",
    # operations: dockerd defaults
    "docker-base-device-size": "pass", "docker-cgroup-parent": "pass", "docker-data-root-partition": "fail",
    "docker-default-ulimits": "fail", "docker-experimental-off": "pass", "docker-insecure-registries": "pass",
    "docker-live-restore": "fail", "docker-log-level": "pass", "docker-remote-logging": "fail",
    "docker-storage-driver": "pass",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("rhel94"), rhel94(EXECUTABLE))
    return {entry["id"]: entry for entry in run_audit(root, machine="x86_64")["controls"]}


def test_no_error_and_every_status_as_expected(report):
    found = {cid: entry["status"] for cid, entry in report.items() if entry["status"] != "not_applicable"}
    assert found == EXPECTED


def test_not_applicable_only_where_an_offline_tree_cannot_say(report):
    odd = {cid: entry["evidence"] for cid, entry in report.items() if entry["status"] == "not_applicable"
           and not any(reason in " ".join(entry["evidence"]) for reason in NOT_APPLICABLE_BECAUSE)}
    assert odd == {}


def test_every_layer_has_a_verdict(report):
    layers = {}
    for entry in report.values():
        layers.setdefault(entry["layer"], set()).add(entry["status"])
    assert all(statuses & {"pass", "fail"} for statuses in layers.values()), layers


def test_the_boot_is_read_from_the_bls_entry(report):
    evidence = " ".join(report["host-selinux-enforcing"]["evidence"])
    assert "/boot/loader/entries/7c3e5a1f0b9d4c2e8a6f4b1d3e5c7a90-%s.conf" % KERNEL in evidence
    assert "blscfg" in evidence


def test_engine_versions_come_from_rpm(report):
    assert "5:4.9.4-1.el9_4 (/var/lib/rpm/rpmdb.sqlite: podman)" in " ".join(
        report["podman-no-new-privileges"]["evidence"])


@pytest.mark.xfail(strict=True, reason="controls: CONTAINER_BOOLEANS lacks container-selinux's container_use_dri_devices "
                                       "(gen_tunable ... true in container.te v2.229.0), and an offline tree's "
                                       "boolean defaults, compiled into the module, are not read")
def test_container_booleans_follow_container_selinux_defaults(report):
    assert report["host-selinux-container-booleans"]["status"] == "fail"
