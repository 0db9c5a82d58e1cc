# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine versions for version-dependent verdicts: dpkg's status file read as
dpkg-query reads it (checked against dpkg-query on this machine's own status
file), the running engines' info, and a Docker seccomp-profile value whose
meaning depends on the version naming that version (20.10.24's refusal to
start is recorded from the real dockerd in tests/engines/
test_docker_seccomp_names.py; 26.1.5's reading in the Debian 13 lab guest,
tests/lab/hardened/test_engines_current.py)."""

import shutil
import subprocess

import pytest

from hosttree import HARDENED
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import dpkg_status
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import engine_version
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)

STATUS = "var/lib/dpkg/status"


def dpkg(*packages):
    return {STATUS: "\n".join("Package: %s\nStatus: %s\nVersion: %s\nDescription: x\n more text\n" % p
                              for p in packages)}


@pytest.mark.skipif(not shutil.which("dpkg-query"), reason="needs dpkg-query")
def test_installed_packages_agree_with_dpkg_query_on_this_machine():
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version} ${db:Status-Status}\\n"],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    expected = {}
    for line in out.splitlines():
        name, version, status = (line.split(" ") + ["", ""])[:3]
        if status == "installed":
            expected[name.split(":")[0]] = version
    ours = dpkg_status.installed_packages(HostRoot("/"))
    assert {k.split(":")[0]: v for k, v in ours.items()} == expected


def test_only_installed_packages_count(tmp_path):
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / STATUS).write_text(dpkg(("docker.io", "deinstall ok config-files", "20.10.24+dfsg1-1"),
                                        ("podman", "install ok installed", "4.3.1+ds1-8+deb12u1"))[STATUS])
    host = HostRoot(str(tmp_path))
    assert engine_version.from_packages("docker", host) is None
    version = engine_version.from_packages("podman", host)
    assert version.numbers == (4, 3, 1) and version.describe() == \
        "Podman 4.3.1+ds1-8+deb12u1 (/var/lib/dpkg/status: podman)"


def test_epoch_and_revision_do_not_count():
    version = engine_version.EngineVersion("docker", "5:26.1.5+dfsg1-9", "x")
    assert version.numbers == (26, 1, 5) and version.at_least(23) and not version.at_least(27)


def test_a_malformed_status_file_is_an_error_naming_it(tmp_path):
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / STATUS).write_text("Package: docker.io\nthis is not a field\n")
    with pytest.raises(ConfigError) as error:
        engine_version.from_packages("docker", HostRoot(str(tmp_path)))
    assert "/var/lib/dpkg/status" in str(error.value) and "line 2" in str(error.value)


def test_the_status_file_is_parsed_once_per_host_and_an_error_stays_an_error(tmp_path, monkeypatch):
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / STATUS).write_text(dpkg(("podman", "install ok installed", "4.3.1+ds1-8+deb12u1"))[STATUS])
    parsed = []
    real_parse = dpkg_status._parse
    monkeypatch.setattr(dpkg_status, "_parse", lambda host: parsed.append(host) or real_parse(host))
    host = HostRoot(str(tmp_path))
    for dummy in range(3):
        assert dpkg_status.installed_version(host, "podman") == "4.3.1+ds1-8+deb12u1"
    assert engine_version.from_packages("podman", host).numbers == (4, 3, 1)
    assert len(parsed) == 1
    # a malformed file: every caller gets the error naming it, never a cached empty answer
    (tmp_path / STATUS).write_text("Package: podman\nnot a field\n")
    broken = HostRoot(str(tmp_path))
    for dummy in range(2):
        with pytest.raises(ConfigError, match="/var/lib/dpkg/status"):
            dpkg_status.installed_packages(broken)
    assert len(parsed) == 2


def test_running_engines_report_their_version():
    assert engine_version.from_info("docker", {"ServerVersion": "26.1.5+dfsg1"}).numbers == (26, 1, 5)
    assert engine_version.from_info("podman", {"version": {"Version": "5.4.2"}}).describe() == \
        "Podman 5.4.2 (podman info)"
    assert engine_version.from_info("docker", {}) is None


DOCKER_20 = ("docker.io", "install ok installed", "20.10.24+dfsg1-1+deb12u1+b2")
DOCKER_26 = ("docker.io", "install ok installed", "26.1.5+dfsg1-9+deb13u1+b1")


def seccomp(value):
    config = dict(HARDENED["etc/docker/daemon.json"])
    config["seccomp-profile"] = value
    return {"etc/docker/daemon.json": config}


def test_a_version_dependent_value_names_the_dockerd_it_was_judged_for(audit_tree):
    enabled = audit_tree(HARDENED, seccomp("builtin"), dpkg(DOCKER_26))["docker-seccomp-enabled"]
    assert enabled["status"] == "pass"
    assert enabled["evidence"][0].endswith(", as dockerd 26.1 reads it (/var/lib/dpkg/status)"), enabled["evidence"]
    entry = audit_tree(HARDENED, seccomp("builtin"), dpkg(DOCKER_20))["docker-seccomp-enabled"]
    assert entry["status"] == "error"  # 20.10 reads it as a file (tests/engines/test_docker_seccomp_names.py)
