# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readers behind the live audit: which dockerd endpoint the docker CLI
would use, where dockerd listens, Podman's container list from its store,
the kernel's audit rules, and a container's processes from its cgroup.
tests/engines runs the same code against a real dockerd and podman."""

import json
import os
import struct

import pytest

from hosttree import HARDENED, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import audit_rules
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import (
    docker_api, docker_daemon, docker_listeners, live, podman_containers,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)

DROPIN = "etc/systemd/system/docker.service.d/h.conf"


def host(tmp_path, *layers):
    return HostRoot(write_tree(tmp_path / "root", HARDENED, *layers))


def dockerd_at(flags):
    return {DROPIN: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd %s\n" % flags}


def endpoint(tmp_path, environ, *layers):
    root = host(tmp_path, *layers)
    config = docker_daemon.load(root)
    return docker_api.choose_endpoint(docker_listeners.listeners(root, config), environ,
                                      docker_listeners.tls_enabled(config))


def test_docker_host_wins_as_for_the_cli(tmp_path):
    found, reason = endpoint(tmp_path, {"DOCKER_HOST": "unix:///srv/d.sock"})
    assert (found.scheme, found.address, found.origin) == ("unix", "/srv/d.sock", "DOCKER_HOST")
    found, reason = endpoint(tmp_path, {"DOCKER_HOST": "tcp://127.0.0.1:2375"})
    assert (found.scheme, found.address) == ("tcp", ("127.0.0.1", 2375))
    found, reason = endpoint(tmp_path, {"DOCKER_HOST": "ssh://admin@host"})
    assert found is None and "ssh://" in reason


def test_fd_listener_is_the_socket_units_path(tmp_path):
    found, reason = endpoint(tmp_path, {})
    assert found.address == "/run/docker.sock"
    assert "ListenStream=/run/docker.sock of docker.socket" in found.origin


def test_unit_flags_choose_unix_before_tcp(tmp_path):
    found, reason = endpoint(tmp_path, {}, dockerd_at("-H tcp://0.0.0.0:2375 -H unix:///srv/engine.sock"))
    assert found.address == "/srv/engine.sock"
    found, reason = endpoint(tmp_path, {}, dockerd_at("-H tcp://0.0.0.0"))
    assert (found.scheme, found.address) == ("tcp", ("127.0.0.1", 2375))


def test_daemon_json_hosts_without_flags(tmp_path):
    daemon_json = dict(HARDENED["etc/docker/daemon.json"], hosts=["unix:///srv/json.sock"])
    layer = dict(dockerd_at(""), **{"etc/docker/daemon.json": daemon_json})
    found, reason = endpoint(tmp_path, {}, layer)
    assert found.address == "/srv/json.sock" and found.origin == "/etc/docker/daemon.json"


def test_no_hosts_is_the_default_socket(tmp_path):
    found, reason = endpoint(tmp_path, {}, dockerd_at(""))
    assert found.address == "/var/run/docker.sock"


def test_tls_listener_without_client_certificates_is_a_reason(tmp_path):
    found, reason = endpoint(tmp_path, {"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1",
                                        "DOCKER_CERT_PATH": str(tmp_path / "none")})
    assert found is None and "TLS client certificates" in reason


def test_unreachable_daemon_is_a_reason_not_an_exception(tmp_path):
    view = live.query_docker(HostRoot("/"), docker_api.Endpoint("unix", str(tmp_path / "absent.sock"), "test"))
    assert not view.available and "not reachable" in view.reason


def test_podman_store_lists_every_container(tmp_path):
    store = {"srv/store/overlay-containers/containers.json": [{"id": "a" * 64, "names": ["one"]}],
             "run/store/overlay-containers/volatile-containers.json": [{"id": "b" * 64}],
             "etc/containers/storage.conf": '[storage]\ndriver = "overlay"\ngraphroot = "/srv/store"\n'
                                            'runroot = "/run/store"\n'}
    root = host(tmp_path, store)
    assert podman_containers.stored_container_ids(root, {}) == ["a" * 64, "b" * 64]


def test_podman_containers_whose_conmon_is_gone_are_not_asked_about(tmp_path):
    """conmon.pid stays after a container exits; podman is asked only about
    containers whose conmon still runs, or whose state cannot be told."""
    run = "run/containers/storage/overlay-containers/%s/userdata/conmon.pid"
    alive, exited, reused, unknown = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)
    store = {"var/lib/containers/storage/overlay-containers/containers.json":
             [{"id": alive}, {"id": exited}, {"id": reused}, {"id": unknown}],
             run % alive: "4001\n", "proc/4001/cmdline": "/usr/bin/conmon\x00--api-version\x001\x00-c\x00%s\x00" % alive,
             run % exited: "4002\n",
             run % reused: "4003\n", "proc/4003/cmdline": "/usr/sbin/sshd\x00-D\x00"}
    root = host(tmp_path, store)
    assert podman_containers.stored_container_ids(root, {}, running_only=True) == [alive, unknown]
    assert len(podman_containers.stored_container_ids(root, {})) == 4


def test_podman_store_conf_from_the_environment_only(tmp_path):
    """containers/storage reads one storage.conf: CONTAINERS_STORAGE_CONF
    replaces /etc/containers/storage.conf, it is not merged with it."""
    layer = {"srv/alt.conf": '[storage]\ngraphroot = "/srv/alt"\n'}
    root = host(tmp_path, layer)
    graphroot, runroot, drivers, path = podman_containers.storage_roots(root, {"CONTAINERS_STORAGE_CONF":
                                                                               "/srv/alt.conf"})
    assert (graphroot, runroot, path) == ("/srv/alt", "/run/containers/storage", "/srv/alt.conf")
    assert drivers == list(podman_containers.DRIVERS)


def test_podman_store_list_that_is_not_a_list_is_an_error(tmp_path):
    root = host(tmp_path, {"var/lib/containers/storage/overlay-containers/containers.json": {"id": 1}})
    with pytest.raises(ConfigError) as raised:
        podman_containers.stored_container_ids(root, {})
    assert "containers.json" in raised.value.path


def test_podman_unknown_ids_from_other_managers_are_expected():
    assert podman_containers._only_unknown_ids(
        "Error: inspecting object: no such container 0123\n")
    assert not podman_containers._only_unknown_ids("Error: database is locked\n")


def _rule(fields, strings):
    """A struct audit_rule_data as the kernel sends it (linux/audit.h)."""
    names = [name for name, value in fields] + [0] * (64 - len(fields))
    values = [len(value.encode()) if isinstance(value, str) else value for name, value in fields]
    values += [0] * (64 - len(fields))
    buffer = "".join(strings).encode()
    return audit_rules.RULE_HEADER.pack(0, 2, len(fields), *([0] * 64 + names + values + [0] * 64),
                                        len(buffer)) + buffer


def test_kernel_rule_strings_are_taken_in_field_order():
    # -a always,exit -F path=/usr/sbin/runc -F perm=x -F key=docker, and -w /etc/docker (a tree)
    payload = _rule([(audit_rules.AUDIT_WATCH, "/usr/sbin/runc"), (106, 1), (210, "docker")],
                    ["/usr/sbin/runc", "docker"])
    assert audit_rules._rule_paths(payload) == [("/usr/sbin/runc", False)]
    payload = _rule([(210, "k"), (audit_rules.AUDIT_DIR, "/etc/docker")], ["k", "/etc/docker"])
    assert audit_rules._rule_paths(payload) == [("/etc/docker", True)]
    assert audit_rules._rule_paths(b"short") == []


def test_kernel_rules_can_be_listed_here():
    """This machine's kernel answers AUDIT_LIST_RULES (no auditd runs here, so
    it lists nothing); the lab compares the listing with `auditctl -l`."""
    try:
        watches = audit_rules.kernel_watches()
    except audit_rules.AuditUnavailable as exc:
        pytest.skip("no audit listing on this machine: %s" % exc)
    assert isinstance(watches, list) and all(isinstance(path, str) for path, tree in watches)


def test_inspect_document_fields(tmp_path):
    with open(os.path.join(os.path.dirname(__file__), "inspect", "docker-20.10-offender.json")) as handle:
        container = live.Container(json.load(handle))
    assert (container.ipc_mode, container.uts_mode, container.restart_policy) == ("host", "host", ("always", 0))
    assert [m.source for m in container.engine_mounts] == ["/etc", "/tmp/peer/d1"]
    assert container.devices[0]["PathOnHost"] == "/dev/null" and container.cgroup_parent == "/custom"
    assert struct.calcsize("=IHHII") == audit_rules.NLMSG_HEADER.size


@pytest.mark.parametrize("value, port", [
    ("tcp://127.0.0.1:2375", 2375), ("tcp://127.0.0.1:+2375", 2375), ("tcp://127.0.0.1:02375", 2375),
    ("tcp://127.0.0.1", 2375), ("tcp://127.0.0.1:\u0662\u0663\u0667\u0665", None), ("tcp://127.0.0.1:2_375", None),
    ("tcp://127.0.0.1:65536", None), ("tcp://127.0.0.1: 2375", None), ("tcp://127.0.0.1:" + "9" * 5000, None),
])
def test_docker_host_port_read_as_moby_reads_it(value, port):
    """moby's opts.ParseTCPAddr reads the port with strconv.Atoi (ASCII digits, one sign, no blanks or
    underscores); a port net.Dial refuses is no endpoint. Python's int() took Arabic-Indic digits and `2_375`."""
    endpoint = docker_api.parse_host(value, "test", environ={})
    assert (endpoint.address[1] if endpoint else None) == port
