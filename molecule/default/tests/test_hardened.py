# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify the hardened lab VM from both sides: the host (files, services,
SELinux, engine info, the audit) and the inside of real containers under
Docker and Podman, compared with the probe taken before hardening."""

import json
import os

import pytest

EPHEMERAL = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "")


def ansible(host, module, args=None, check=False):
    # ad-hoc module arguments: a JSON string carries lists and dicts intact
    return host.ansible(module, json.dumps(args) if args else "", check=check, become=False)


@pytest.fixture(scope="module")
def stock_probe(host):
    path = os.path.join(EPHEMERAL, "stock-probe-%s.json" % host.backend.get_hostname())
    with open(path) as handle:
        return json.load(handle)["probe"]


@pytest.fixture(scope="module")
def hardened_probe(host):
    result = ansible(host, "stockade.hardening.container_probe")
    return result["probe"], {c["id"]: c for c in result["controls"]}


def test_selinux_enforcing_now_and_at_boot(host):
    assert host.check_output("getenforce") == "Enforcing"
    assert "SELINUX=enforcing" in host.file("/etc/selinux/config").content_string
    assert "container" in host.check_output("semodule -l").split()


def test_sysctls_applied(host):
    assert host.sysctl("kernel.kptr_restrict") == 2
    assert host.sysctl("kernel.yama.ptrace_scope") >= 1
    assert host.sysctl("fs.suid_dumpable") == 0
    assert host.sysctl("net.ipv4.ip_forward") == 1  # never switched off
    assert host.file("/etc/sysctl.d/99-stockade.conf").mode == 0o644


def test_hardened_seccomp_profile_installed(host):
    profile = host.file("/etc/stockade/seccomp/no-compat.json")
    assert profile.exists and profile.user == "root"
    data = json.loads(profile.content_string)
    x86_64 = [e for e in data.get("archMap", []) if e["architecture"] == "SCMP_ARCH_X86_64"]
    assert not x86_64 or x86_64[0]["subArchitectures"] == []


def test_docker_info_security_options(host):
    options = host.check_output("docker info --format '{{json .SecurityOptions}}'")
    assert "name=seccomp,profile=/etc/stockade/seccomp/no-compat.json" in options
    assert "name=userns" in options
    assert "name=selinux" in options
    assert host.service("docker").is_running


def test_podman_info(host):
    info = json.loads(host.check_output("podman info --format json"))
    assert info["host"]["security"]["selinuxEnabled"] is True
    assert info["host"]["security"]["seccompProfilePath"] == "/etc/stockade/seccomp/no-compat.json"


def test_posture_verify_default_policy_passes(host):
    result = ansible(host, "stockade.hardening.posture_verify", check=True)
    assert not result.get("failed"), result.get("msg")
    assert result["summary"]["compliant"] is True


@pytest.mark.parametrize("engine", ["docker", "podman"])
def test_32bit_probe_alive_before_and_killed_after(stock_probe, hardened_probe, engine):
    before, after = stock_probe[engine]["inside"], hardened_probe[0][engine]["inside"]
    assert int(before["int80_status"]) == int(before["int80_pid"]) % 256  # ran under the stock profile
    assert after["int80_status"] == "159" and after["x32_status"] == "159"  # SIGSYS
    assert int(after["native_status"]) == int(after["native_pid"]) % 256


@pytest.mark.parametrize("engine", ["docker", "podman"])
def test_inside_view_of_every_layer(hardened_probe, engine):
    inside = hardened_probe[0][engine]["inside"]
    controls = hardened_probe[1]
    assert inside["seccomp"] == "2"
    assert inside["uid_map"].split()[:2] != ["0", "0"]
    assert ":container_t:s0:c" in inside["attr_current"]
    assert inside["sys_mount"] == "ro" and inside["proc_sys_mount"] == "ro"
    for suffix in ("probe-seccomp", "probe-no-32bit", "probe-userns", "probe-selinux",
                   "probe-kernel-fs", "probe-capabilities"):
        entry = controls["%s-%s" % (engine, suffix)]
        assert entry["status"] == "pass", (entry["id"], entry["evidence"])
    if engine == "docker":
        assert inside["no_new_privs"] == "1"


def test_podman_no_new_privs_with_the_per_container_option(host):
    # Podman has no engine-wide switch (containers.conf has no such key); the
    # documented way is the per-container option, and it works:
    result = ansible(host, "stockade.hardening.container_probe",
                     {"engines": ["podman"], "extra_args": {"podman": ["--security-opt", "no-new-privileges"]}})
    assert result["probe"]["podman"]["inside"]["no_new_privs"] == "1"
