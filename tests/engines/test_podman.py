# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Podman: the containers.conf settings the collection writes, proved from
inside containers, and what containers.conf cannot do (no_new_privileges)."""

import pytest

from engine_helpers import outcome


@pytest.fixture(scope="module")
def stock_conf(podman):
    """An empty containers.conf: Podman's compiled-in defaults, including
    containers-common's /usr/share/containers/seccomp.json."""
    return podman.containers_conf("stock", "")


@pytest.fixture(scope="module")
def stock_report(podman, stock_conf):
    return podman.probe(stock_conf)


def test_stock_profile_lets_32bit_syscalls_run(stock_report):
    assert stock_report["seccomp"] == "2"
    assert outcome(stock_report, "int80") == "ran"
    assert outcome(stock_report, "x32") in ("ran", "enosys")
    assert outcome(stock_report, "native") == "ran"


def test_seccomp_profile_without_32bit_abis(podman, hardened_profile_path):
    conf = podman.containers_conf("seccomp", '[containers]\nseccomp_profile = "%s"\n' % hardened_profile_path)
    report = podman.probe(conf)
    assert report["seccomp"] == "2"
    assert outcome(report, "int80") == "sigsys"
    assert outcome(report, "x32") == "sigsys"
    assert outcome(report, "native") == "ran"


def test_no_new_privileges_only_per_container(podman, stock_conf, stock_report):
    assert stock_report["no_new_privs"] == "0"
    assert podman.probe(stock_conf, "--security-opt", "no-new-privileges")["no_new_privs"] == "1"


def test_containers_conf_no_new_privileges_is_ignored(podman):
    """Documents the Podman 4.3 limitation the collection reports as
    `partial`: the key is accepted silently and has no effect. If this test
    fails, Podman has learnt the key and the role can start using it."""
    conf = podman.containers_conf("nnp", "[containers]\nno_new_privileges = true\n")
    assert podman.probe(conf)["no_new_privs"] == "0"


def test_uidmap_remaps_root(podman, stock_conf, stock_report):
    assert stock_report["uid_map"] == "0 0 4294967295"
    report = podman.probe(stock_conf, "--uidmap", "0:200000:65536", "--gidmap", "0:200000:65536")
    assert report["uid_map"] == "0 200000 65536"


def test_kernel_filesystems_read_only(stock_report):
    assert stock_report["sys_mount"] == "ro"
    assert stock_report["proc_sys_mount"] == "ro"
