# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seccomp-profile values that only Docker 23 and later read as names, fed
to this machine's real dockerd (Debian 12's 20.10): it refuses to start on each,
and the audit of a host tree with the same daemon.json and this machine's
docker.io version says so (error naming the version) instead of judging the
built-in profile. Docker 26's reading is proven in the Debian 13 lab guest."""

import subprocess

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit

VALUES = ["builtin", "default", "unconfined"]


@pytest.fixture(scope="module")
def docker_io_version():
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "docker.io"], stdout=subprocess.PIPE,
                          universal_newlines=True, check=False)
    if done.returncode != 0 or not done.stdout.startswith("20."):
        pytest.skip("needs Debian 12's docker.io 20.10 (found %r)" % done.stdout)
    return done.stdout


@pytest.mark.parametrize("value", VALUES)
def test_dockerd_20_10_does_not_start_and_the_audit_says_so(start_dockerd, tmp_path, docker_io_version, value):
    with pytest.raises(AssertionError) as refused:
        with start_dockerd("seccomp-name-" + value, {"seccomp-profile": value}):
            pass
    assert "opening seccomp profile (%s) failed" % value in str(refused.value)

    (tmp_path / "etc/docker").mkdir(parents=True)
    (tmp_path / "etc/docker/daemon.json").write_text('{"seccomp-profile": "%s"}\n' % value)
    (tmp_path / "usr/sbin").mkdir(parents=True)
    (tmp_path / "usr/sbin/dockerd").write_text("")
    (tmp_path / "usr/sbin/dockerd").chmod(0o755)
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / "var/lib/dpkg/status").write_text(
        "Package: docker.io\nStatus: install ok installed\nVersion: %s\n" % docker_io_version)
    report = run_audit(str(tmp_path))
    entry = next(c for c in report["controls"] if c["id"] == "docker-seccomp-enabled")
    assert entry["status"] == "error", entry
    assert value in entry["evidence"][0], entry
