# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live audit without engine CLI start-ups, against real engines.

dockerd is asked over its API socket with the standard library: its
answers must be the documents the docker CLI prints (the CLI is the
consumer the audit replaces), whichever way the daemon is reached
(DOCKER_HOST on another unix socket, a tcp listener on loopback, the -H
flag of its unit). Podman is asked with one `podman container inspect`.
The per-container CIS controls are then judged on real containers, and
the data root that dockerd bind-mounts onto itself is not a partition."""

import json
import os
import socket
import subprocess

import pytest

from engine_helpers import IMAGE, PODMAN_RUN_OPTIONS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import (
    docker_api, docker_listeners, live,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot

SLEEP = ["/bin/busybox", "sleep", "600"]
INFO_FIELDS = ("SecurityOptions", "Driver", "LoggingDriver", "DockerRootDir", "LiveRestoreEnabled",
               "ExperimentalBuild", "Containers", "ContainersRunning")


def _free_loopback_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def _by_name(view):
    return {c.name: c for c in view.containers}


def test_api_answers_are_the_documents_the_docker_cli_prints(start_dockerd):
    with start_dockerd("api-vs-cli", {"no-new-privileges": True}) as daemon:
        for name, options in (("api-a", []), ("api-b", ["--cap-add", "SYS_ADMIN"])):
            daemon.docker("run", "-d", "--name", name, "--network", "none", *options, IMAGE, *SLEEP)
        try:
            view = live.query_docker(HostRoot("/"), docker_api.Endpoint("unix", daemon.sock, "test"))
            assert view.available, view.reason
            cli = json.loads(daemon.docker("inspect", "api-a", "api-b").stdout)
            assert {c.raw["Id"]: c.raw for c in view.containers} == {doc["Id"]: doc for doc in cli}
            info = json.loads(daemon.docker("info", "--format", "{{json .}}").stdout)
            assert {k: view.info.get(k) for k in INFO_FIELDS} == {k: info.get(k) for k in INFO_FIELDS}
            # and the kernel's view of each init process is read as before
            assert _by_name(view)["api-a"].proc_status["NoNewPrivs"] == "1"
            assert _by_name(view)["api-b"].process_names[0] == "busybox"  # comm of /bin/busybox sleep
        finally:
            daemon.docker("rm", "-f", "api-a", "api-b", check=False)


def test_docker_host_on_another_unix_socket(start_dockerd, monkeypatch):
    with start_dockerd("docker-host-unix", {}) as daemon:
        daemon.docker("run", "-d", "--name", "unix-one", "--network", "none", IMAGE, *SLEEP)
        monkeypatch.setenv("DOCKER_HOST", "unix://" + daemon.sock)
        try:
            report = run_audit("/", live="auto")
        finally:
            daemon.docker("rm", "-f", "unix-one", check=False)
    assert report["engines"]["docker"]["live"] is True
    assert report["engines"]["docker"]["running_containers"] == 1
    assert report["engines"]["docker"]["live_source"] == "dockerd API at unix://%s (DOCKER_HOST)" % daemon.sock


def test_docker_host_on_a_loopback_tcp_listener(start_dockerd, monkeypatch):
    port = _free_loopback_port()
    with start_dockerd("docker-host-tcp", {}, ["-H", "tcp://127.0.0.1:%d" % port]) as daemon:
        daemon.docker("run", "-d", "--name", "tcp-one", "--network", "none", "--ipc", "host", IMAGE, *SLEEP)
        monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:%d" % port)
        try:
            report = run_audit("/", live="auto")
        finally:
            daemon.docker("rm", "-f", "tcp-one", check=False)
    engine = report["engines"]["docker"]
    assert engine["live"] is True and engine["running_containers"] == 1, engine
    assert engine["live_source"] == "dockerd API at tcp://127.0.0.1:%d (DOCKER_HOST)" % port
    host_ipc = next(e for e in report["controls"] if e["id"] == "docker-containers-host-ipc")
    assert host_ipc["status"] == "fail" and host_ipc["evidence"][0].startswith("tcp-one (")


def test_the_listener_of_the_daemons_unit_is_asked(start_dockerd, tmp_path):
    """Without DOCKER_HOST the audit asks the socket dockerd's unit names with -H."""
    unit_dir = tmp_path / "etc" / "systemd" / "system"
    unit_dir.mkdir(parents=True)
    with start_dockerd("unit-listener", {}) as daemon:
        (unit_dir / "docker.service").write_text(
            "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n")
        (unit_dir / "docker.service.d").mkdir()
        (unit_dir / "docker.service.d" / "h.conf").write_text(
            "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H unix://%s\n" % daemon.sock)
        ctx = AuditContext(str(tmp_path), live_mode=False)
        endpoint, reason = docker_api.choose_endpoint(docker_listeners.listeners(ctx.host, ctx.docker), environ={})
        assert endpoint.address == daemon.sock and "h.conf" in endpoint.origin
        view = live.query_docker(HostRoot("/"), endpoint)
        assert view.available and view.containers == [], view.reason


def test_per_container_cis_controls_on_real_containers(start_dockerd, monkeypatch):
    """The section 5 controls name exactly the containers started to break them."""
    with start_dockerd("cis-containers", {}) as daemon:
        socket_dir = os.path.dirname(daemon.sock)
        started = {
            "limited": ["--memory", "64m", "--cpus", "0.5", "--pids-limit", "64", "--restart", "on-failure:5",
                        "--health-cmd", "true", "--read-only"],
            "hostipc": ["--ipc", "host"],
            "hostuts": ["--uts", "host"],
            "etcmount": ["-v", "/etc:/hostetc:ro"],
            "device": ["--device", "/dev/null:/dev/xnull"],
            "socket": ["-v", "%s:/engine" % socket_dir],
            "always": ["--restart", "always"],
            "hostpid": ["--pid", "host"],
        }
        for name, options in started.items():
            daemon.docker("run", "-d", "--name", name, "--network", "none", *options, IMAGE, *SLEEP)
        monkeypatch.setenv("DOCKER_HOST", "unix://" + daemon.sock)
        try:
            report = run_audit("/", live="auto")
            view = live.query_docker(HostRoot("/"), docker_api.Endpoint("unix", daemon.sock, "test"))
        finally:
            daemon.docker("rm", "-f", *started, check=False)
    results = {e["id"]: e for e in report["controls"] if e["engine"] == "docker"}
    everyone_but_limited = set(started) - {"limited"}
    expected = {
        "docker-containers-host-ipc": {"hostipc"},
        "docker-containers-host-uts": {"hostuts"},
        "docker-containers-sensitive-mounts": {"etcmount"},
        "docker-containers-devices": {"device"},
        "docker-containers-socket-mount": {"socket"},
        "docker-containers-restart-policy": {"always"},
        "docker-containers-memory-limit": everyone_but_limited,
        "docker-containers-pids-limit": everyone_but_limited,
        "docker-containers-cpu-limit": everyone_but_limited,
        "docker-containers-healthcheck": everyone_but_limited,
    }
    for control_id, names in expected.items():
        entry = results[control_id]
        named = {line.split(" (", 1)[0] for line in entry["evidence"]}
        assert entry["status"] == "fail" and named == names, (control_id, entry["evidence"])
    for control_id in ("docker-containers-mount-propagation", "docker-containers-no-sshd",
                       "docker-containers-cgroup-parent"):
        assert results[control_id]["status"] == "pass", (control_id, results[control_id]["evidence"])
    # a --pid host container's processes are those of its cgroup, not every host process (docker-bench's
    # `docker exec ps` in it lists the host's, sshd included)
    assert _by_name(view)["hostpid"].process_names == ["busybox"]


def test_data_root_bind_mounted_onto_itself_is_not_a_partition(start_dockerd, monkeypatch, workdir):
    """dockerd bind-mounts its data root onto itself at start, so `mountpoint`
    (docker-bench 1.1.1) says yes on every running Docker host; the kernel's
    mountinfo shows the same device as the parent file system."""
    with start_dockerd("same-fs", {}) as daemon:
        monkeypatch.setenv("DOCKER_HOST", "unix://" + daemon.sock)
        data_root = os.path.join(daemon.dir, "data")
        assert subprocess.run(["mountpoint", "-q", data_root], check=False).returncode == 0
        entry = _control(run_audit("/", live="auto"), "docker-data-root-partition")
    assert entry["status"] == "fail" and "bind mount" in entry["evidence"][-1], entry["evidence"]
    tmpfs = os.path.join(workdir, "tmpfs-data-root")
    os.makedirs(tmpfs)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m", "tmpfs", tmpfs], check=True)
    try:
        with start_dockerd("own-fs", {}, ["--data-root", tmpfs]) as daemon:
            monkeypatch.setenv("DOCKER_HOST", "unix://" + daemon.sock)
            entry = _control(run_audit("/", live="auto"), "docker-data-root-partition")
    finally:
        subprocess.run(["umount", "-l", tmpfs], check=False)
    assert entry["status"] == "pass", entry["evidence"]


def _control(report, control_id):
    return next(e for e in report["controls"] if e["id"] == control_id)


@pytest.fixture
def podman_offenders(podman, monkeypatch):
    conf = podman.containers_conf("live-api", "")
    started = {"plain": [], "hostipc": ["--ipc", "host"], "etcmount": ["-v", "/etc:/hostetc"]}
    for name, options in started.items():
        podman.podman(conf, "run", "-d", "--name", "p" + name, "--network", "none",
                      *(PODMAN_RUN_OPTIONS + tuple(options)), IMAGE, *SLEEP)
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", podman.env["CONTAINERS_STORAGE_CONF"])
    monkeypatch.setenv("CONTAINERS_CONF", conf)
    try:
        yield started
    finally:
        podman.podman(conf, "rm", "-f", "-t", "0", *["p" + n for n in started], check=False)


def test_podman_is_asked_once(podman_offenders):
    report = run_audit("/", live="auto")
    engine = report["engines"]["podman"]
    assert engine["live"] is True and engine["running_containers"] == 3, engine
    assert engine["live_source"] == "podman container inspect (one call)"
    assert _control(report, "podman-containers-host-ipc")["evidence"][0].startswith("phostipc (")
    assert _control(report, "podman-containers-sensitive-mounts")["evidence"][0].startswith("petcmount (")
