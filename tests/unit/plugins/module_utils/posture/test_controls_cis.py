# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CIS Docker Benchmark 1.6.0 controls outside the confinement layers
(engine_access, operations) and docker-iptables, on host trees: each passes
on the hardened tree and fails on a one-change mutation; broken inputs are
errors naming the file. Where docker-bench-security 1.6.0 gives another
verdict, a test here says which and why (its logic read from its
tests/*.sh at tag v1.6.0, commit b7a5284)."""

import pytest

from hosttree import AUDITED, HARDENED, DIRECTORY, Mode, Symlink, daemon_json
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls

RULES = "etc/audit/rules.d/50-docker.rules"
PODMAN_DROPIN = "etc/containers/containers.conf.d/50-stockade.conf"
SERVICE = "lib/systemd/system/docker.service"
SOCKET_UNIT = "lib/systemd/system/docker.socket"
DROPIN = "etc/systemd/system/docker.service.d/50-hosts.conf"
NEW_LAYERS = ("engine_access", "operations")
CIS_OFFLINE = sorted(c.id for c in all_controls() if not c.live and (
    c.layer in NEW_LAYERS or c.id == "docker-iptables"))
# Subjects a Debian host does not have, and so neither does the hardened tree:
# these controls are not_applicable there (and pass when the file is present, below).
ABSENT_FROM_HARDENED = {"docker-default-file-owner", "docker-default-file-mode", "docker-audit-etc-default-docker"}
DEFAULT_FILE = {"etc/default/docker": 'DOCKER_OPTS=""\n'}
NOBODY = (65534, 65534)


def rules_without(path):
    return {RULES: "".join("-w %s -k docker\n" % p for p in AUDITED if p != path)}


AUDIT_IDS = {
    "/usr/sbin/dockerd": "dockerd", "/run/containerd": "run-containerd", "/var/lib/docker": "data-root",
    "/etc/docker": "etc-docker", "/lib/systemd/system/docker.service": "docker-service",
    "/run/containerd/containerd.sock": "containerd-sock",
    "/lib/systemd/system/docker.socket": "docker-socket-unit",
    "/etc/default/docker": "etc-default-docker", "/etc/docker/daemon.json": "daemon-json",
    "/etc/containerd/config.toml": "containerd-config", "/etc/sysconfig/docker": "etc-sysconfig-docker",
    "/usr/bin/containerd": "containerd", "/usr/bin/containerd-shim": "containerd-shim",
    "/usr/bin/containerd-shim-runc-v1": "containerd-shim-runc-v1",
    "/usr/bin/containerd-shim-runc-v2": "containerd-shim-runc-v2", "/usr/sbin/runc": "runc",
}

CIS_FAIL_CASES = dict({
    "docker-service-file-owner": {SERVICE: Mode(HARDENED[SERVICE], 0o644, owner=NOBODY)},
    "docker-service-file-mode": {SERVICE: Mode(HARDENED[SERVICE], 0o664)},
    "docker-socket-unit-owner": {SOCKET_UNIT: Mode(HARDENED[SOCKET_UNIT], 0o644, owner=(0, 65534))},
    "docker-socket-unit-mode": {SOCKET_UNIT: Mode(HARDENED[SOCKET_UNIT], 0o646)},
    "docker-config-dir-owner": {"etc/docker": Mode(DIRECTORY, 0o755, owner=NOBODY)},
    "docker-config-dir-mode": {"etc/docker": Mode(DIRECTORY, 0o775)},
    "docker-registry-certs-owner": {"etc/docker/certs.d/registry.example:5000/ca.crt": Mode("CA\n", 0o444,
                                                                                            owner=NOBODY)},
    "docker-registry-certs-mode": {"etc/docker/certs.d/registry.example:5000/client.key": Mode("KEY\n", 0o640)},
    "docker-tls-ca-owner": {"etc/docker/tls/ca.pem": Mode("CA\n", 0o444, owner=NOBODY)},
    "docker-tls-ca-mode": {"etc/docker/tls/ca.pem": Mode("CA\n", 0o666)},
    "docker-tls-cert-owner": {"etc/docker/tls/cert.pem": Mode("CERT\n", 0o444, owner=(0, 65534))},
    "docker-tls-cert-mode": {"etc/docker/tls/cert.pem": Mode("CERT\n", 0o644)},
    "docker-tls-key-owner": {"etc/docker/tls/key.pem": Mode("KEY\n", 0o400, owner=NOBODY)},
    "docker-tls-key-mode": {"etc/docker/tls/key.pem": Mode("KEY\n", 0o440)},
    "docker-daemon-json-owner": {"etc/docker/daemon.json": Mode(HARDENED["etc/docker/daemon.json"], 0o644,
                                                                owner=NOBODY)},
    "docker-daemon-json-mode": {"etc/docker/daemon.json": Mode(HARDENED["etc/docker/daemon.json"], 0o666)},
    "docker-default-file-owner": dict(DEFAULT_FILE, **{"etc/default/docker": Mode('DOCKER_OPTS=""\n', 0o644,
                                                                                  owner=NOBODY)}),
    "docker-default-file-mode": {"etc/default/docker": Mode('DOCKER_OPTS=""\n', 0o664)},
    "docker-sysconfig-file-owner": {"etc/sysconfig/docker": Mode('OPTIONS=""\n', 0o644, owner=NOBODY)},
    "docker-sysconfig-file-mode": {"etc/sysconfig/docker": Mode('OPTIONS=""\n', 0o606)},
    "podman-config-files-owner": {PODMAN_DROPIN: Mode(HARDENED[PODMAN_DROPIN], 0o644, owner=NOBODY)},
    "podman-config-files-mode": {PODMAN_DROPIN: Mode(HARDENED[PODMAN_DROPIN], 0o664)},
    "docker-tcp-tls": {DROPIN: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n"},
    "docker-authorization-plugin": daemon_json(authorization_plugins=None),
    "docker-group-members": {"etc/group": HARDENED["etc/group"] + "docker:x:995:alice\n"},
    "docker-iptables": daemon_json(iptables=False),
    "docker-data-root-partition": {"etc/fstab": "/dev/vda1 / ext4 defaults 0 1\n"},
    "docker-log-level": daemon_json(log_level="debug"),
    "docker-insecure-registries": daemon_json(insecure_registries=["registry.example:5000"]),
    "docker-storage-driver": daemon_json(storage_driver="aufs"),
    "docker-default-ulimits": daemon_json(default_ulimits=None),
    "docker-cgroup-parent": daemon_json(cgroup_parent="/custom"),
    "docker-base-device-size": daemon_json(storage_opts=["dm.basesize=50G"]),
    "docker-remote-logging": daemon_json(log_driver="json-file"),
    "docker-live-restore": daemon_json(live_restore=False),
    "docker-experimental-off": daemon_json(experimental=True),
}, **{"docker-audit-%s" % suffix: dict(rules_without(path), **(DEFAULT_FILE if "default" in suffix else {}))
      for path, suffix in AUDIT_IDS.items()})
# a watch on the directory above covers these: remove both
CIS_FAIL_CASES["docker-audit-containerd-sock"] = {RULES: "".join(
    "-w %s -k docker\n" % p for p in AUDITED if not p.startswith("/run/containerd"))}
CIS_FAIL_CASES["docker-audit-daemon-json"] = {RULES: "".join(
    "-w %s -k docker\n" % p for p in AUDITED if not p.startswith("/etc/docker"))}

# A change that breaks one control may break these others too, and only these.
CIS_COUPLED = {
    "docker-audit-containerd-sock": {"docker-audit-run-containerd"},
    "docker-audit-daemon-json": {"docker-audit-etc-docker"},
}
# Found through listings that skip what the consumer skips (systemd's unit
# search, dockerd's certs.d walk): no input makes them unreadable but an
# unreadable file, which root (these tests) can always read.
CIS_NO_ERROR_CASE = {"docker-service-file-owner", "docker-service-file-mode", "docker-socket-unit-owner",
                     "docker-socket-unit-mode", "docker-registry-certs-owner", "docker-registry-certs-mode"}

CIS_ERROR_CASES = [
    ("daemon.json truncated (CIS)", {"etc/docker/daemon.json": '{"icc": false,'},
     ("docker-log-level", "docker-live-restore", "docker-remote-logging", "docker-tcp-tls", "docker-iptables",
      "docker-authorization-plugin", "docker-insecure-registries", "docker-storage-driver",
      "docker-default-ulimits", "docker-cgroup-parent", "docker-base-device-size", "docker-experimental-off",
      "docker-data-root-partition", "docker-group-members", "docker-tls-key-mode", "docker-tls-key-owner",
      "docker-tls-ca-owner", "docker-tls-ca-mode", "docker-tls-cert-owner", "docker-tls-cert-mode",
      "docker-daemon-json-owner", "docker-daemon-json-mode", "docker-audit-daemon-json",
      "docker-audit-data-root"), "/etc/docker/daemon.json"),
    # dockerd refuses these files (the daemon_json reader says why, as dockerd does)
    ("insecure-registries not a list", daemon_json(insecure_registries={"a": 1}),
     ("docker-insecure-registries",), "/etc/docker/daemon.json"),
    ("storage-opts not a list", daemon_json(storage_opts=[1]), ("docker-base-device-size",),
     "/etc/docker/daemon.json"),
    ("hosts not a list", dict(daemon_json(hosts={"a": 1}), **{
        DROPIN: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd\n"}), ("docker-tcp-tls",), "/etc/docker/daemon.json"),
    ("audit rule garbage", {RULES: "-w /etc/docker -k docker\nnot a rule\n"},
     tuple("docker-audit-%s" % s for s in AUDIT_IDS.values()),
     "50-docker.rules: line 2"),
    ("group file id not a number", {"etc/group": "docker:x:many:alice\n"}, ("docker-group-members",),
     "/etc/group"),
    ("/etc/docker symlink loop", dict({k: None for k in HARDENED if k.startswith("etc/docker/")},
                                      **{"etc/docker": Symlink("docker")}),
     ("docker-config-dir-owner", "docker-config-dir-mode"), "symbolic links"),
    ("environment files symlink loops", {"etc/default/docker": Symlink("docker"),
                                         "etc/sysconfig/docker": Symlink("docker")},
     ("docker-default-file-owner", "docker-default-file-mode", "docker-sysconfig-file-owner",
      "docker-sysconfig-file-mode"), "symbolic links"),
    ("tls key symlink loop", {"etc/docker/tls/key.pem": Symlink("key.pem")},
     ("docker-tls-key-owner", "docker-tls-key-mode"), "symbolic links"),
    ("containers.conf broken (CIS)", {PODMAN_DROPIN: "[containers\n"},
     ("podman-config-files-owner", "podman-config-files-mode"), "50-stockade.conf"),
]


def test_new_controls_carry_their_cis_id_and_layer():
    by_id = {c.id: c for c in all_controls()}
    for control_id in CIS_OFFLINE:
        control = by_id[control_id]
        assert control.cis or control.engine == "podman", control_id
    assert by_id["docker-socket-mode"].cis == "3.16" and by_id["docker-socket-mode"].required
    assert by_id["docker-containers-socket-mount"].cis == "5.32" and by_id["docker-containers-socket-mount"].required
    assert by_id["docker-audit-runc"].cis == "1.1.18" and not by_id["docker-audit-runc"].required


def test_every_new_offline_control_has_a_fail_case():
    assert sorted(CIS_FAIL_CASES) == CIS_OFFLINE


def test_absent_subjects_are_not_applicable_then_pass_when_present(audit_tree):
    results = audit_tree(HARDENED)
    for control_id in ABSENT_FROM_HARDENED:
        assert results[control_id]["status"] == "not_applicable", (control_id, results[control_id])
    results = audit_tree(HARDENED, DEFAULT_FILE, {RULES: HARDENED[RULES]})
    for control_id in ABSENT_FROM_HARDENED:
        assert results[control_id]["status"] == "pass", (control_id, results[control_id])


@pytest.mark.parametrize("control_id", sorted(CIS_FAIL_CASES))
def test_new_control_fails_when_its_setting_is_broken(audit_tree, control_id):
    results = audit_tree(HARDENED, CIS_FAIL_CASES[control_id])
    assert results[control_id]["status"] == "fail", results[control_id]["evidence"]
    assert results[control_id]["evidence"]
    offline = [c.id for c in all_controls() if not c.live]
    changed = {i for i in offline if i != control_id and results[i]["status"] == "fail"}
    assert changed <= CIS_COUPLED.get(control_id, set()), changed


@pytest.mark.parametrize("name,broken,controls,needle", CIS_ERROR_CASES, ids=[c[0] for c in CIS_ERROR_CASES])
def test_broken_input_is_an_error_naming_the_file(audit_tree, name, broken, controls, needle):
    results = audit_tree(HARDENED, DEFAULT_FILE, broken)
    for control_id in controls:
        entry = results[control_id]
        assert entry["status"] == "error", (control_id, entry["status"], entry["evidence"])
        assert any(needle in line for line in entry["evidence"]), (control_id, entry["evidence"])


# -- where docker-bench-security 1.6.0 gives another verdict ------------------

@pytest.mark.parametrize("mode", [0o606, 0o570, 0o477])
def test_mode_is_compared_bit_by_bit_not_as_a_decimal_number(audit_tree, mode):
    """docker-bench 3.2/3.18/...: `[ "$(stat -c %a FILE)" -le 644 ]` compares the octal
    digits as a decimal number, so 606 (world-writable), 570 and 477 pass there."""
    results = audit_tree(HARDENED, {"etc/docker/daemon.json": Mode(HARDENED["etc/docker/daemon.json"], mode)})
    entry = results["docker-daemon-json-mode"]
    assert entry["status"] == "fail"
    assert "beyond 0644" in entry["evidence"][0]


def test_unit_drop_ins_are_judged_with_the_unit(audit_tree):
    """docker-bench 3.1/3.2 stat only the main docker.service; a drop-in that
    anyone may write changes ExecStart just as well."""
    results = audit_tree(HARDENED, {"etc/systemd/system/docker.service.d/x.conf": Mode("[Service]\n", 0o666)})
    assert results["docker-service-file-mode"]["status"] == "fail"
    assert "docker.service.d/x.conf" in results["docker-service-file-mode"]["evidence"][0]


def test_daemon_json_moved_by_config_file_is_the_one_judged(audit_tree):
    """docker-bench 3.17/3.18 stat /etc/docker/daemon.json whatever --config-file says."""
    results = audit_tree(HARDENED, {
        "etc/docker/alt.json": Mode(HARDENED["etc/docker/daemon.json"], 0o666),
        DROPIN: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// --config-file /etc/docker/alt.json\n"})
    assert results["docker-daemon-json-mode"]["status"] == "fail"
    assert "/etc/docker/alt.json" in results["docker-daemon-json-mode"]["evidence"][0]


def test_tls_key_0600_passes_and_0440_fails(audit_tree):
    """CIS 3.14 and docker-bench ask for exactly 0400; the owner's write bit
    protects nothing from root (who may chmod), what matters is that neither
    group nor others can read the key: 0600 passes here, 0440 fails."""
    results = audit_tree(HARDENED, {"etc/docker/tls/key.pem": Mode("KEY\n", 0o600)})
    assert results["docker-tls-key-mode"]["status"] == "pass"
    results = audit_tree(HARDENED, {"etc/docker/tls/key.pem": Mode("KEY\n", 0o440)})
    assert results["docker-tls-key-mode"]["status"] == "fail"


def test_registry_keys_and_client_certs_are_judged_too(audit_tree):
    """docker-bench 3.7/3.8 look at *.crt only; dockerd also reads *.cert and
    *.key there, and a world-readable client key passes docker-bench."""
    results = audit_tree(HARDENED, {"etc/docker/certs.d/registry.example:5000/client.key": Mode("KEY\n", 0o444)})
    assert results["docker-registry-certs-mode"]["status"] == "fail"
    assert "client.key" in results["docker-registry-certs-mode"]["evidence"][0]


def test_tlsverify_in_daemon_json_is_seen(audit_tree):
    """docker-bench 2.7 looks for the key '"tlsverify":' (quotes and colon
    included) in daemon.json, which jq never finds, so a TCP listener with
    tlsverify set in daemon.json is reported as 'TCP without TLS'."""
    tcp = {DROPIN: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2376\n"}
    results = audit_tree(HARDENED, tcp, daemon_json(tlsverify=True))
    assert results["docker-tcp-tls"]["status"] == "pass", results["docker-tcp-tls"]["evidence"]
    results = audit_tree(HARDENED, tcp, daemon_json(tlsverify=None, tls=True))
    assert results["docker-tcp-tls"]["status"] == "fail"
    assert any("without client verification" in line for line in results["docker-tcp-tls"]["evidence"])


def test_tcp_listener_of_docker_socket_unit_is_found(audit_tree):
    """docker-bench 2.7 reads only dockerd's -H flags: a docker.socket with
    ListenStream=2375 behind -H fd:// serves the API on TCP unseen."""
    results = audit_tree(HARDENED, {"etc/systemd/system/docker.socket.d/tcp.conf": "[Socket]\nListenStream=2375\n"})
    assert results["docker-tcp-tls"]["status"] == "fail"
    assert any("ListenStream=2375" in line for line in results["docker-tcp-tls"]["evidence"])


def test_missing_settings_are_engine_defaults_not_null(audit_tree):
    """docker-bench 1.6.0 reads daemon.json with `jq '.["KEY"]'`, which prints
    "null" for a missing key: 2.3 then warns about log-level (default info),
    2.5 warns about insecure registries (none), 2.9 and 2.12 pass because
    "null" is not '""' or '[]'. Here a missing key is the engine's default."""
    results = audit_tree(HARDENED, daemon_json(authorization_plugins=None, log_level=None,
                                               insecure_registries=None, userns_remap=None))
    assert results["docker-log-level"]["status"] == "pass"
    assert results["docker-insecure-registries"]["status"] == "pass"
    assert results["docker-authorization-plugin"]["status"] == "fail"
    assert results["docker-userns-remap"]["status"] == "fail"


def test_cgroup_parent_in_daemon_json_is_reported(audit_tree):
    """docker-bench 2.10 pipes the value into `grep -v ''`, which never prints
    a line, so a daemon-wide cgroup-parent always passes there."""
    results = audit_tree(HARDENED, daemon_json(cgroup_parent="/custom"))
    assert results["docker-cgroup-parent"]["status"] == "fail"


def test_journald_and_local_log_drivers_are_not_remote(audit_tree):
    """docker-bench 2.13 passes every driver but json-file, including
    "local", "journald" and even "none" (no logs at all)."""
    for driver in ("local", "journald", "none"):
        results = audit_tree(HARDENED, daemon_json(log_driver=driver))
        assert results["docker-remote-logging"]["status"] == "fail", driver


def test_audit_watch_is_matched_by_path_not_by_substring(audit_tree):
    """docker-bench 1.1.x greps `auditctl -l` for the path as a substring: a
    watch on /usr/bin/containerd-shim-runc-v2 passes its check of
    /usr/bin/containerd. And it checks /usr/bin/dockerd and /usr/bin/runc,
    where Debian has /usr/sbin: a watch on the real binary fails there."""
    rules = "".join("-w %s -k docker\n" % p for p in AUDITED if p != "/usr/bin/containerd")
    results = audit_tree(HARDENED, {RULES: rules})
    assert results["docker-audit-containerd"]["status"] == "fail"
    assert results["docker-audit-containerd-shim-runc-v2"]["status"] == "pass"
    assert results["docker-audit-dockerd"]["status"] == "pass"
    assert "/usr/sbin/dockerd" in results["docker-audit-dockerd"]["evidence"][0]


def test_directory_watch_covers_the_files_below(audit_tree):
    """auditctl -w on a directory watches its whole tree; docker-bench 1.1.11
    greps for /etc/docker/daemon.json literally and warns."""
    rules = "".join("-w %s -k docker\n" % p for p in AUDITED if p != "/etc/docker/daemon.json")
    results = audit_tree(HARDENED, {RULES: rules})
    assert results["docker-audit-daemon-json"]["status"] == "pass"
    assert "watched by /etc/docker" in results["docker-audit-daemon-json"]["evidence"][0]


def test_later_rule_file_removes_a_watch(audit_tree):
    results = audit_tree(HARDENED, {"etc/audit/rules.d/90-late.rules": "-W /usr/sbin/runc\n"})
    assert results["docker-audit-runc"]["status"] == "fail"
    results = audit_tree(HARDENED, {"etc/audit/rules.d/90-late.rules": "-D\n"})
    assert results["docker-audit-etc-docker"]["status"] == "fail"
    results = audit_tree(HARDENED, {RULES: "-a always,exit -F dir=/etc/docker -F perm=wa -k docker\n"})
    assert results["docker-audit-etc-docker"]["status"] == "pass"


def test_data_root_bind_entry_in_fstab_is_not_a_partition(audit_tree):
    results = audit_tree(HARDENED, {"etc/fstab": "/srv/docker /var/lib/docker none bind 0 0\n"})
    assert results["docker-data-root-partition"]["status"] == "fail"
