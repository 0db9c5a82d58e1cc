# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A version newer than any a reader mirrors is never a pass (issue #18).

Each version-dependent reader (containers_conf: Podman 4.3 and 5.4;
dockerd_flags and daemon_json: dockerd 20.10 and 26.1; systemd_units'
environment files: systemd 252 and 257) gives error for a newer version,
naming the version found and the newest mirrored; the newest mirrored
version (any patch release of it) passes as before; an older one is judged
as today (Podman as 4.3 with a note, dockerd as both versions, systemd
before 254 as 252)."""

import pytest

from hosttree import HARDENED
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import (
    containers_conf, dockerd_flags, systemd_units,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.mirrored import Mirrored

STATUS = "var/lib/dpkg/status"
LIBDIR = "usr/lib/x86_64-linux-gnu/systemd/"
PODMAN = containers_conf.MIRRORED
DOCKERD = dockerd_flags.MIRRORED


def dpkg(package, version):
    return {STATUS: "Package: %s\nStatus: install ok installed\nVersion: %s\n\n" % (package, version)}


def evidence(entry):
    return " ".join(entry["evidence"])


@pytest.mark.parametrize("found, newer", [
    ("5.4.2+ds1-2", False), ("5.4.99", False), ("5.4", False), ("5", False), ("4.3.1+ds1-8", False),
    ("5.5.0", True), ("5.10.1", True), ("6.0.1+ds1-1", True), ("6", True), ("6.0.0~rc1+ds1-1", True),
    ("5.5.0~rc2", True), ("1:6.0.1-1", True), ("5:4.9.4-1.el9_4", False), ("git-abc", False), ("", False),
])
def test_podman_is_compared_by_major_minor(found, newer):
    assert PODMAN.newer(found) is newer


@pytest.mark.parametrize("found, newer", [
    ("26.1.5+dfsg1-9+deb13u1+b1", False), ("26.1.99", False), ("20.10.24+dfsg1-1", False), ("25.0.3", False),
    ("26.2.0", True), ("27.3.1+dfsg1-1", True), ("5:28.0.1-1~debian.13~trixie", True), ("3:27.0.0-1.el9", True),
])
def test_dockerd_is_compared_by_major_minor(found, newer):
    assert DOCKERD.newer(found) is newer


def test_systemd_is_compared_by_major():
    assert [systemd_units.MIRRORED.newer(v) for v in ("247", "252", "257", "257.13", "258", "260")] == \
        [False, False, False, False, True, True]


def test_older_than_the_oldest():
    assert PODMAN.older("3.4.4+ds1-1") and not PODMAN.older("4.3.1") and not PODMAN.older("4.9.4")
    assert DOCKERD.older("19.03.15") and not DOCKERD.older("20.10.5")


def test_one_granularity_per_reader():
    with pytest.raises(ValueError):
        Mirrored("x", "1", "2.0", consumer="x", mirrors="x", reading="x")


# ------------------------------------------------------------------ Podman

def test_podman_newer_than_5_4_is_an_error_naming_both_versions(audit_tree):
    entry = audit_tree(HARDENED, dpkg("podman", "6.0.1+ds1-1"))["podman-seccomp-enabled"]
    assert entry["status"] == "error"
    assert ("/var/lib/dpkg/status: podman 6.0.1+ds1-1 is newer than the newest containers-common this reader "
            "mirrors (Podman 5.4, containers-common 0.62): its reading of containers.conf cannot be vouched for"
            ) in evidence(entry)


@pytest.mark.parametrize("version", ["5.4.2+ds1-2", "5.4.9+ds1-1", "4.3.1+ds1-8+deb12u1+b3"])
def test_podman_mirrored_versions_pass_as_before(audit_tree, version):
    report = audit_tree(HARDENED, dpkg("podman", version))
    assert report["podman-seccomp-enabled"]["status"] == "pass"
    assert report["podman-userns-auto"]["status"] == "pass"


def test_podman_older_than_4_3_is_read_as_4_3_and_says_so(tmp_path):
    from hosttree import write_tree
    root = HostRoot(str(write_tree(tmp_path / "root", HARDENED, dpkg("podman", "3.4.4+ds1-1"))))
    reading, note = containers_conf.reading_for(root)
    assert reading is containers_conf.COMMON_0_50
    assert note == ("podman 3.4.4+ds1-1: read as containers-common 0.50 (Podman 4.3, Debian 12) (older than the "
                    "oldest it mirrors, Podman 4.3: judged as that)")


def test_podman_without_a_package_record_keeps_todays_reading(tmp_path):
    from hosttree import write_tree
    root = HostRoot(str(write_tree(tmp_path / "root", HARDENED)))
    assert containers_conf.reading_for(root) == (
        containers_conf.COMMON_0_62, "no package record of podman: read as containers-common 0.62 (Podman 5.4, Debian 13)")


# ------------------------------------------------------------------ dockerd

@pytest.mark.parametrize("version", ["27.3.1+dfsg1-1", "5:28.0.1-1~debian.13~trixie"])
def test_dockerd_newer_than_26_1_is_an_error_naming_both_versions(audit_tree, version):
    report = audit_tree(HARDENED, dpkg("docker.io", version))
    for control in ("docker-no-new-privileges", "docker-seccomp-enabled", "docker-userns-remap"):
        assert report[control]["status"] == "error", control
        assert ("docker.io %s is newer than the newest dockerd this reader mirrors (Docker 26.1): its reading "
                "of daemon.json and docker.service's dockerd flags cannot be vouched for" % version
                ) in evidence(report[control])


@pytest.mark.parametrize("version", ["26.1.5+dfsg1-9+deb13u1+b1", "26.1.9+dfsg1-1", "20.10.24+dfsg1-1+deb12u1",
                                     "19.03.15+dfsg1-1"])
def test_dockerd_mirrored_and_older_versions_pass_as_before(audit_tree, version):
    """26.1.x is read as 26.1; 19.03 (older than any mirrored) as both 20.10 and 26.1, as an unknown version is."""
    report = audit_tree(HARDENED, dpkg("docker.io", version))
    assert report["docker-no-new-privileges"]["status"] == "pass"
    assert report["docker-seccomp-enabled"]["status"] == "pass"


def test_rootless_dockerd_is_refused_too(tmp_path):
    from hosttree import write_tree
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import docker_daemon
    root = HostRoot(str(write_tree(tmp_path / "root", HARDENED, dpkg("docker-ce", "5:27.3.1-1~debian.12~bookworm"))))
    with pytest.raises(ConfigError, match=r"docker-ce 5:27.3.1-1~debian.12~bookworm is newer .* \(Docker 26.1\)"):
        docker_daemon.dockerd_versions(root)


# ------------------------------------------------------------------ systemd

# no-new-privileges from docker.service's EnvironmentFile= ($DOCKER_OPTS) only, not daemon.json too
ENV_FILE = {"etc/default/docker": 'DOCKER_OPTS="--no-new-privileges"\n',
            "etc/docker/daemon.json": {k: v for k, v in HARDENED["etc/docker/daemon.json"].items()
                                       if k != "no-new-privileges"}}


def test_systemd_258_environment_files_are_an_error_naming_both_versions(audit_tree):
    entry = audit_tree(HARDENED, ENV_FILE, {LIBDIR + "libsystemd-shared-258.so": ""})["docker-no-new-privileges"]
    assert entry["status"] == "error"
    assert ("/etc/default/docker: systemd 258 is newer than the newest systemd this reader mirrors (systemd 257, "
            "Debian 13): its reading of EnvironmentFile= files cannot be vouched for") in evidence(entry)


@pytest.mark.parametrize("version", [252, 257])
def test_systemd_mirrored_versions_read_environment_files_as_before(audit_tree, version):
    entry = audit_tree(HARDENED, ENV_FILE, {LIBDIR + "libsystemd-shared-%d.so" % version: ""})["docker-no-new-privileges"]
    assert entry["status"] == "pass"


def test_systemd_258_without_an_environment_file_reads_nothing_version_dependent(audit_tree):
    entry = audit_tree(HARDENED, {LIBDIR + "libsystemd-shared-258.so": ""})["docker-no-new-privileges"]
    assert entry["status"] == "pass"
