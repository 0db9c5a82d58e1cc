# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_daemon_config + engine_restart against a real dockerd.

A private dockerd (own data root, exec root, socket, pid file; see
README.md) stands in for docker.service: this machine has no systemd, so
`PidfileDockerd` gives engine_restart's rollback logic the same interface
as its SystemdService. Everything else is the real thing: the module writes
daemon.json in a host tree whose docker.service has the private daemon's
own flags, dockerd reads it, refuses what it refuses, and the rollback puts
the backup back and brings the daemon up again.
"""

import json
import os
import subprocess
import time

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import atomic_write, make_backup
from ansible_collections.stockade.hardening.plugins.modules import docker_daemon_config
from ansible_collections.stockade.hardening.plugins.module_utils import (
    docker_daemon_config as daemon_json_writer,
)
from ansible_collections.stockade.hardening.plugins.module_utils.engine_restart import restart_with_rollback

import engine_helpers

DAEMON_JSON = "/etc/docker/daemon.json"
TIMEOUT = 30


class PidfileDockerd:
    """engine_restart's service interface over a dockerd started by hand."""

    name = "dockerd"

    def __init__(self, dockerd, tree, directory):
        self.dir = directory
        self.sock = os.path.join(directory, "docker.sock")
        self.pidfile = os.path.join(directory, "docker.pid")
        self.log = os.path.join(directory, "dockerd.log")
        self.flags = ["--data-root", os.path.join(directory, "data"), "--exec-root", os.path.join(directory, "exec"),
                      "-H", "unix://" + self.sock, "--pidfile", self.pidfile,
                      "--bridge", "none", "--iptables=false", "--ip-masq=false"]
        self.dockerd = dockerd
        self.config_file = os.path.join(tree, DAEMON_JSON.lstrip("/"))
        # dockerd refuses to start when an explicit --config-file is missing or
        # empty, while a host's unit usually names none and a missing default
        # file means no settings: stand in for that with an empty object.
        self.no_config = os.path.join(directory, "no-settings.json")
        self.process = None
        self.restarts = 0

    def unit_text(self):
        """docker.service as a host would have it for this daemon."""
        return "[Service]\nExecStart=/usr/sbin/dockerd %s --config-file %s\n" % (" ".join(self.flags), DAEMON_JSON)

    def restart(self):
        self.stop()
        self.restarts += 1
        config = self.config_file if os.path.exists(self.config_file) else self.no_config
        argv = [self.dockerd] + self.flags + ["--config-file", config]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return 0, "", ""  # like Type=simple: whether it comes up is for state() to tell

    def state(self):
        if self.process is None or self.process.poll() is not None:
            return "failed"
        return "active" if engine_helpers._answers_ping(self.sock) else "activating"

    def reset_failed(self):
        return 0, "", ""

    def logs(self, lines, since):
        with open(self.log) as handle:
            return handle.read().splitlines()[-lines:]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            engine_helpers.stop_dockerd(self.process, self.pidfile)


@pytest.fixture
def host(docker_binaries, workdir, request):
    """(tree, daemon, health_check): a host tree with docker.service, its dockerd, and `docker info`."""
    dockerd, cli = docker_binaries
    tree = os.path.join(workdir, "rollback-host-" + request.node.name[-20:])
    os.makedirs(os.path.join(tree, "etc", "docker"))
    os.makedirs(os.path.join(tree, "lib", "systemd", "system"))
    daemon = PidfileDockerd(dockerd, tree, os.path.join(workdir, "rollback-" + request.node.name[-20:]))
    os.makedirs(daemon.dir)
    with open(daemon.no_config, "w") as handle:
        handle.write("{}\n")
    with open(os.path.join(tree, "lib", "systemd", "system", "docker.service"), "w") as handle:
        handle.write(daemon.unit_text())
    health_check = [cli, "-H", "unix://" + daemon.sock, "info", "--format", "{{json .SecurityOptions}}"]
    yield tree, daemon, health_check
    daemon.stop()


def configure(tree, capsys, **args):
    """Run docker_daemon_config on the host tree; return its result."""
    with patch_module_args(dict(args, root=tree)):
        with pytest.raises(SystemExit):
            docker_daemon_config.main()
    return json.loads(capsys.readouterr().out)


def daemon_json_bytes(tree):
    with open(os.path.join(tree, DAEMON_JSON.lstrip("/")), "rb") as handle:
        return handle.read()


def test_good_config_comes_up_without_rollback(host, capsys):
    tree, daemon, health_check = host
    result = configure(tree, capsys, settings={"no-new-privileges": True})
    assert result["path"] == DAEMON_JSON and result["rollback"] == [{"path": DAEMON_JSON, "backup": None}]
    outcome, error = restart_with_rollback(daemon, health_check, TIMEOUT, [], 10)
    assert error is None and outcome["rolled_back"] is False and daemon.state() == "active"


def test_conflict_refused_by_module_is_the_one_dockerd_refuses(host, capsys):
    tree, daemon, health_check = host
    configure(tree, capsys, settings={"no-new-privileges": True})
    before = daemon_json_bytes(tree)

    result = configure(tree, capsys, settings={"iptables": False})
    assert result["failed"] is True
    assert "iptables is also given as dockerd flag --iptables=false in /lib/systemd/system/docker.service" in result["msg"]
    assert daemon_json_bytes(tree) == before

    # Write it anyway, as a writer without the check would, and let dockerd judge.
    local = os.path.join(tree, DAEMON_JSON.lstrip("/"))
    backup = make_backup(local)
    merged = daemon_json_writer.merge(json.loads(before), {"iptables": False})[0]
    atomic_write(local, daemon_json_writer.render(merged).encode())
    outcome, error = restart_with_rollback(daemon, health_check, TIMEOUT, [{"path": local, "backup": backup}], 10)
    assert error is not None
    assert "specified both as a flag and in the configuration file" in error and "iptables" in error
    assert outcome["recovered"] is True and daemon.state() == "active"
    assert daemon_json_bytes(tree) == before
    assert daemon.restarts == 2


def test_value_dockerd_rejects_is_rolled_back_to_the_byte(host, capsys):
    tree, daemon, health_check = host
    configure(tree, capsys, settings={"no-new-privileges": True, "live-restore": True})
    assert restart_with_rollback(daemon, health_check, TIMEOUT, [], 10)[1] is None
    before = daemon_json_bytes(tree)

    # Types are right, so the module writes it; only dockerd knows the value is wrong.
    result = configure(tree, capsys, settings={"default-cgroupns-mode": "shared"})
    assert result["changed"] is True and result["backup_file"]
    restore_list = [{"path": os.path.join(tree, e["path"].lstrip("/")), "backup": os.path.join(tree, e["backup"].lstrip("/"))}
                    for e in result["rollback"]]
    started = time.monotonic()
    outcome, error = restart_with_rollback(daemon, health_check, TIMEOUT, restore_list, 10)
    engine_helpers.TIMINGS["dockerd bad config + rollback"] = time.monotonic() - started
    assert error is not None and "default cgroup namespace mode" in error, error
    assert outcome["rolled_back"] is True and outcome["recovered"] is True
    assert outcome["restored"][0]["action"].startswith("restored from")
    assert daemon_json_bytes(tree) == before
    assert daemon.state() == "active"
    assert subprocess.run(health_check, capture_output=True, check=False).returncode == 0


def test_new_file_rejected_by_dockerd_is_removed(host, capsys):
    tree, daemon, health_check = host
    result = configure(tree, capsys, settings={"seccomp-profile": "/nonexistent/stockade-profile.json"})
    restore_list = [{"path": os.path.join(tree, DAEMON_JSON.lstrip("/")), "backup": None}]
    assert result["rollback"] == [{"path": DAEMON_JSON, "backup": None}]
    outcome, error = restart_with_rollback(daemon, health_check, TIMEOUT, restore_list, 10)
    assert error is not None and "stockade-profile.json" in error, error
    assert outcome["recovered"] is True
    assert not os.path.exists(os.path.join(tree, DAEMON_JSON.lstrip("/")))
