# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's container probe (stockade-audit --probe) against real engines:
a stock engine fails the inside-view controls that hardening fixes, and a
hardened one passes them; the probe image is imported from the host's
static busybox, no registry involved."""

import shutil

import pytest

from engine_helpers import PODMAN_RUN_OPTIONS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.container import ProbeRequest

PROBE_CONTROLS = [c for c in all_controls() if c.probe]
# this machine's podman needs runc and explicit ulimits (see tests/engines/README.md)
PODMAN_ARGS = {"podman": list(PODMAN_RUN_OPTIONS)}


def probe_results(engine):
    controls = [c for c in PROBE_CONTROLS if c.engine == engine]
    report = run_audit("/", controls=controls, probe=ProbeRequest(extra_args=PODMAN_ARGS))
    return {e["id"]: e for e in report["controls"]}, report["engines"][engine]


def status(results, engine, suffix):
    entry = results["%s-%s" % (engine, suffix)]
    return entry["status"], entry["evidence"]


@pytest.fixture
def docker_host(monkeypatch):
    def use(daemon):
        monkeypatch.setenv("DOCKER_HOST", "unix://" + daemon.sock)
        monkeypatch.setenv("DOCKER_CONFIG", daemon.env["DOCKER_CONFIG"])
    return use


def test_docker_stock_daemon_fails_the_inside_view(start_dockerd, docker_host):
    with start_dockerd("probe-stock", {}) as daemon:
        docker_host(daemon)
        results, engine = probe_results("docker")
    assert engine["probe"]["image"].startswith("localhost/stockade-probe:")
    assert status(results, "docker", "probe-seccomp")[0] == "pass"
    state, evidence = status(results, "docker", "probe-no-32bit")
    assert state == "fail" and "int 0x80 getpid ran" in evidence[0], evidence
    assert status(results, "docker", "probe-no-new-privs")[0] == "fail"
    assert status(results, "docker", "probe-userns")[0] == "fail"
    assert status(results, "docker", "probe-kernel-fs")[0] == "pass"
    assert status(results, "docker", "probe-capabilities")[0] == "pass"
    # no SELinux on this machine: the layer is missing, and the probe says so
    assert status(results, "docker", "probe-selinux")[0] == "fail"


def test_docker_hardened_daemon_passes_the_inside_view(start_dockerd, docker_host, hardened_profile_path):
    config = {"seccomp-profile": hardened_profile_path, "no-new-privileges": True}
    with start_dockerd("probe-hardened", config) as daemon:
        docker_host(daemon)
        results, dummy = probe_results("docker")
    state, evidence = status(results, "docker", "probe-no-32bit")
    assert state == "pass", evidence
    assert "int 0x80 getpid killed, x32 getpid killed, native getpid ran" in evidence[0]
    assert status(results, "docker", "probe-no-new-privs")[0] == "pass"


def test_podman_probe_follows_containers_conf(podman, monkeypatch, hardened_profile_path):
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", podman.env["CONTAINERS_STORAGE_CONF"])
    monkeypatch.setenv("CONTAINERS_CONF", podman.containers_conf("probe-stock", ""))
    results, dummy = probe_results("podman")
    assert status(results, "podman", "probe-no-32bit")[0] == "fail"
    hardened = '[containers]\nseccomp_profile = "%s"\n' % hardened_profile_path
    monkeypatch.setenv("CONTAINERS_CONF", podman.containers_conf("probe-hardened", hardened))
    results, dummy = probe_results("podman")
    state, evidence = status(results, "podman", "probe-no-32bit")
    assert state == "pass", evidence
    # Podman has no engine-wide no_new_privs: a default container has NoNewPrivs 0
    assert status(results, "podman", "probe-no-new-privs")[0] == "fail"
    assert results["podman-probe-no-new-privs"]["required_by_default"] is False


def test_probe_of_an_unreachable_engine_is_not_applicable(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    results, engine = probe_results("docker")
    state, evidence = status(results, "docker", "probe-no-32bit")
    assert state == "not_applicable" and "not reachable" in evidence[0], evidence
    assert engine["live"] is False


def test_static_busybox_is_recognised():
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.container import (
        is_static_elf,
    )
    assert is_static_elf("/bin/busybox")          # busybox-static
    assert not is_static_elf("/bin/ls")           # dynamically linked
    assert not is_static_elf("/etc/hostname")     # not an ELF file


def _run_module(capsys, args, check_mode=False):
    import json
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.stockade.hardening.plugins.modules import container_probe
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            container_probe.main()
    return json.loads(capsys.readouterr().out)


def test_container_probe_module(podman, monkeypatch, capsys, hardened_profile_path):
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", podman.env["CONTAINERS_STORAGE_CONF"])
    hardened = '[containers]\nseccomp_profile = "%s"\n' % hardened_profile_path
    monkeypatch.setenv("CONTAINERS_CONF", podman.containers_conf("probe-module", hardened))
    args = {"engines": ["podman"], "extra_args": PODMAN_ARGS}
    result = _run_module(capsys, args)
    assert result["changed"] is False
    inside = result["probe"]["podman"]["inside"]
    assert inside["seccomp"] == "2" and inside["int80_status"] == "159"
    assert {c["id"]: c["status"] for c in result["controls"]}["podman-probe-no-32bit"] == "pass"
    # a named image that cannot be run (no registry here) is an error, never a pass
    result = _run_module(capsys, dict(args, image="localhost/not-there:1"), check_mode=True)
    statuses = {c["id"]: c["status"] for c in result["controls"]}
    assert statuses["podman-probe-no-32bit"] == "error"
    assert "not-there" in result["probe"]["podman"]["reason"]
    bad = _run_module(capsys, {"extra_args": {"docker": "--privileged"}})
    assert bad["failed"] and "list of strings" in bad["msg"]


# The probe in the gVisor sandbox (vm_isolation) ------------------------------------------

def sandbox_result(engine, extra_args=None):
    controls = [c for c in PROBE_CONTROLS if c.id == "%s-probe-sandbox-kernel" % engine]
    report = run_audit("/", controls=controls, probe=ProbeRequest(extra_args=extra_args or PODMAN_ARGS))
    (entry,) = report["controls"]
    return entry["status"], entry["evidence"]


def test_docker_probe_in_runsc_meets_gvisors_kernel(start_dockerd, docker_host):
    """A probe container under dockerd's runsc runtime: /proc/version and boot_id are not the
    host kernel's, and its i386 and x32 getpid reach nothing (gVisor implements neither)."""
    from conftest import _require
    (runsc,) = _require("runsc")
    config = {"runtimes": {"runsc": {"path": runsc, "runtimeArgs": ["--network=none"]}}}
    with start_dockerd("probe-runsc", config) as daemon:
        docker_host(daemon)
        state, evidence = sandbox_result("docker")
    assert state == "pass", evidence
    assert "(gVisor's Sentry)" in evidence[1], evidence
    assert "decided by /proc/version (no boot_id inside): not the host's" in evidence[3], evidence
    assert "int 0x80 getpid ran" not in evidence[4] and "native getpid ran" in evidence[4], evidence


def test_docker_probe_in_a_fake_sandbox_fails(start_dockerd, docker_host):
    """A runtime named gvisor whose binary is runc: the probe meets the host kernel, and says so."""
    config = {"runtimes": {"gvisor": {"path": shutil.which("runc")}}}
    with start_dockerd("probe-fake-sandbox", config) as daemon:
        docker_host(daemon)
        state, evidence = sandbox_result("docker")
    assert state == "fail", evidence
    assert "decided by boot_id: the host's" in evidence[3], evidence


def test_docker_without_a_sandbox_is_not_applicable(start_dockerd, docker_host):
    with start_dockerd("probe-no-sandbox", {}) as daemon:
        docker_host(daemon)
        state, evidence = sandbox_result("docker")
    assert state == "not_applicable" and "no gVisor runtime" in evidence[0], evidence


def test_podman_probe_in_runsc_meets_gvisors_kernel(podman, monkeypatch):
    from conftest import _require
    (runsc,) = _require("runsc")
    monkeypatch.setenv("CONTAINERS_STORAGE_CONF", podman.env["CONTAINERS_STORAGE_CONF"])
    monkeypatch.setenv("CONTAINERS_CONF", podman.containers_conf(
        "probe-runsc", '[engine.runtimes]\nrunsc = ["%s"]\n' % runsc))
    state, evidence = sandbox_result("podman", {"podman": ["--ulimit", "nofile=1024:1024", "--ulimit",
                                                           "nproc=1024:1024", "--runtime-flag", "network=none"]})
    assert state == "pass", evidence
    assert "(gVisor's Sentry)" in evidence[1], evidence
