# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's per-container controls against real running containers.

A private dockerd and a private podman store run a compliant container and
offending ones (seccomp=unconfined, an added capability, host PID namespace,
unmasked kernel paths, no_new_privs opted out); the live audit of `/` must
name exactly the offending containers under each control. (--privileged
cannot start here: this sandbox withholds capabilities from its root, so
the privileged case is proved in the lab VM.)"""

import pytest

from engine_helpers import IMAGE, PODMAN_RUN_OPTIONS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit

SLEEP = ["/bin/busybox", "sleep", "600"]
OFFENDERS = {
    "unmasked": None,  # engine-specific option, below
    "unconfined": ["--security-opt", "seccomp=unconfined"],
    "sysadmin": ["--cap-add", "SYS_ADMIN"],
    "hostpid": ["--pid", "host"],
    "nonnp": [],
}
UNMASK = {"docker": ["--security-opt", "systempaths=unconfined"],
          "podman": ["--security-opt", "unmask=ALL"]}
EXPECTED = {  # control suffix -> containers it must name
    "containers-seccomp": {"unconfined"},
    "containers-capabilities": {"sysadmin"},
    "containers-host-pid": {"hostpid"},
    "containers-kernel-fs": {"unmasked"},
    "containers-no-new-privileges": {"nonnp"},
}


def _judge(engine):
    report = run_audit("/", live="auto")
    return {e["id"][len(engine) + 1:]: e for e in report["controls"] if e["engine"] == engine}, report


def _named(entry):
    return {name for name in list(OFFENDERS) + ["compliant"]
            if any(line.startswith(name + " (") for line in entry["evidence"])}


def _check(results):
    for suffix, names in EXPECTED.items():
        entry = results[suffix]
        assert entry["status"] == "fail", (suffix, entry["evidence"])
        assert _named(entry) == names, (suffix, entry["evidence"])
    for suffix in ("containers-privileged", "containers-host-network"):
        assert results[suffix]["status"] == "pass", (suffix, results[suffix]["evidence"])
        assert "all compliant" in results[suffix]["evidence"][0]


@pytest.fixture
def docker_with_containers(start_dockerd, monkeypatch):
    with start_dockerd("live-audit", {"no-new-privileges": True}) as daemon:
        for name, options in dict(OFFENDERS, compliant=[]).items():
            if name == "nonnp":
                options = ["--security-opt", "no-new-privileges=false"]
            elif name == "unmasked":
                options = UNMASK["docker"]
            daemon.docker("run", "-d", "--name", name, "--network", "none", *options, IMAGE, *SLEEP)
        monkeypatch.setenv("DOCKER_HOST", "unix://" + daemon.sock)
        try:
            yield daemon
        finally:
            daemon.docker("rm", "-f", *list(OFFENDERS) + ["compliant"], check=False)


def test_docker_running_containers_are_judged_one_by_one(docker_with_containers):
    results, report = _judge("docker")
    assert report["engines"]["docker"]["live"] is True
    assert report["engines"]["docker"]["running_containers"] == len(OFFENDERS) + 1
    # no_new_privs is read from the kernel (/proc/PID/status), not from flags
    _check(results)


@pytest.fixture
def podman_with_containers(podman, monkeypatch):
    conf = podman.containers_conf("live-audit", "")
    names = list(OFFENDERS) + ["compliant"]
    for name in names:
        options = UNMASK["podman"] if name == "unmasked" else OFFENDERS.get(name, [])
        if name != "nonnp":
            options = options + ["--security-opt", "no-new-privileges"]
        podman.podman(conf, "run", "-d", "--name", name, "--network", "none",
                      *(PODMAN_RUN_OPTIONS + tuple(options)), IMAGE, *SLEEP)
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", podman.env["CONTAINERS_STORAGE_CONF"])
    monkeypatch.setenv("CONTAINERS_CONF", conf)
    try:
        yield podman
    finally:
        podman.podman(conf, "rm", "-f", "-t", "0", *names, check=False)


def test_podman_running_containers_are_judged_one_by_one(podman_with_containers):
    results, report = _judge("podman")
    assert report["engines"]["podman"]["live"] is True
    _check(results)
