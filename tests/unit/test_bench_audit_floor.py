# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/audit_floor.py's --dockerd: its dockerd is tests/engines' DockerDaemon
(one way to start and stop a private dockerd by PID), and a step that fails
after the start still stops it. DockerDaemon is replaced here by a recorder;
tests/engines runs the real one."""

import importlib.util
import os
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))


@pytest.fixture
def audit_floor(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # the bench's own sys.path entries end with the test
    spec = importlib.util.spec_from_file_location("audit_floor", os.path.join(REPO, "bench", "audit_floor.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module.shutil, "which", lambda name: "/usr/bin/" + name)
    return module


class RecordingDaemon:
    """Stands in for engine_helpers.DockerDaemon: records its start, stop and docker calls."""

    def __init__(self, events, failing):
        self.events, self.failing, self.sock = events, failing, "/scratch/docker.sock"

    def __call__(self, dockerd, docker_cli, workdir, name, config, image_tar, extra_args=()):
        self.events.append(("new", dockerd, docker_cli, name, config))
        return self

    def __enter__(self):
        self.events.append("started")
        return self

    def __exit__(self, *exc_info):
        self.events.append("stopped")

    def docker(self, *args, check=True):
        self.events.append(args[:1] + args[-3:] if args[0] == "run" else args)
        if args[0] == "run" and self.failing and check:
            raise AssertionError("docker run exited 125")


def test_the_bench_dockerd_is_the_engines_daemon_and_its_containers_go_before_it_stops(audit_floor, monkeypatch, tmp_path):
    events = []
    monkeypatch.setattr(audit_floor.engine_helpers, "DockerDaemon", RecordingDaemon(events, failing=False))
    with audit_floor.private_dockerd(str(tmp_path)) as sock:
        assert sock == "/scratch/docker.sock"
        assert events[-1] == ("run", "/bin/busybox", "sleep", "3600")
    assert events[0] == ("new", "/usr/bin/dockerd", "/usr/bin/docker", "bench", {})
    assert events[-2:] == [("rm", "-f", "bench-plain", "bench-unconfined"), "stopped"]
    assert (tmp_path / "probe-rootfs.tar").stat().st_size > 0


def test_a_failure_after_the_start_stops_the_dockerd(audit_floor, monkeypatch, tmp_path):
    events = []
    monkeypatch.setattr(audit_floor.engine_helpers, "DockerDaemon", RecordingDaemon(events, failing=True))
    with pytest.raises(AssertionError, match="docker run exited 125"):
        with audit_floor.private_dockerd(str(tmp_path)):
            pytest.fail("no socket without its containers")
    assert events[1] == "started" and events[-1] == "stopped"


def test_a_failure_of_the_measurements_stops_the_dockerd(audit_floor, monkeypatch, tmp_path):
    events = []
    monkeypatch.setattr(audit_floor.engine_helpers, "DockerDaemon", RecordingDaemon(events, failing=False))
    with pytest.raises(RuntimeError):
        with audit_floor.private_dockerd(str(tmp_path)):
            raise RuntimeError("a measurement failed")
    assert events[-1] == "stopped"
