# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_remap_guard against a real dockerd 20.10 with a running container,
a stopped one, an image and named volumes: the refusal names exactly what
the docker CLI lists, from the API while dockerd runs and from its storage
root on disk once it is stopped; accepted with hide_existing; no refusal on
a daemon with nothing to hide.

The host tree's docker.service carries the private daemon's own flags, with
its data root inside the tree (/var/lib/docker there), so the module finds
the daemon's socket and, with dockerd stopped, its storage root, as it would
on a host.
"""

import json
import os
import subprocess
import time

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.stockade.hardening.plugins.modules import docker_remap_guard

import engine_helpers

IMAGE = "stockade-probe:test"
SLEEP = ["/bin/busybox", "sleep", "600"]
VARIABLE = "stockade_userns_docker_remap_hide_existing"


class TreeDockerd:
    """A dockerd whose data root is the host tree's /var/lib/docker."""

    def __init__(self, dockerd, cli, tree):
        self.dockerd, self.cli, self.tree = dockerd, cli, tree
        self.run_dir = os.path.join(tree, "run")
        self.sock = os.path.join(self.run_dir, "d.sock")   # a unix socket path has at most 107 bytes
        self.pidfile = os.path.join(self.run_dir, "docker.pid")
        self.data_root = os.path.join(tree, "var", "lib", "docker")
        self.process = None
        os.makedirs(self.run_dir)
        flags = "--data-root /var/lib/docker -H unix://%s" % self.sock
        self._write("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/sbin/dockerd %s\n" % flags)
        self._write("etc/docker/daemon.json", "{}\n")
        self._write("etc/passwd", "root:x:0:0::/root:/bin/sh\ndockremap:x:998:998::/nonexistent:/usr/sbin/nologin\n")
        self._write("etc/group", "root:x:0:\ndockremap:x:998:\n")
        self._write("etc/subuid", "dockremap:100000:65536\n")
        self._write("etc/subgid", "dockremap:100000:65536\n")

    def _write(self, path, text):
        full = os.path.join(self.tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as handle:
            handle.write(text)

    def start(self):
        log = open(os.path.join(self.run_dir, "dockerd.log"), "w")
        self.process = subprocess.Popen(
            [self.dockerd, "--data-root", self.data_root, "--exec-root", os.path.join(self.run_dir, "exec"),
             "-H", "unix://" + self.sock, "--pidfile", self.pidfile, "--config-file",
             os.path.join(self.tree, "etc/docker/daemon.json"), "--bridge", "none", "--iptables=false",
             "--ip-masq=false"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while not engine_helpers._answers_ping(self.sock):  # pylint: disable=protected-access
            assert self.process.poll() is None and time.monotonic() < deadline, "dockerd did not come up"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            engine_helpers.stop_dockerd(self.process, self.pidfile)

    def docker(self, *args):
        return engine_helpers.run([self.cli, "-H", "unix://" + self.sock] + list(args)).stdout


@pytest.fixture
def daemon(docker_binaries, workdir, probe_tar):
    tree = os.path.join(workdir, "guard-%d" % len(os.listdir(workdir)))
    daemon = TreeDockerd(docker_binaries[0], docker_binaries[1], tree)
    daemon.start()
    daemon.docker("import", probe_tar, IMAGE)
    yield daemon
    daemon.stop()


def guard(tree, capsys, **args):
    with patch_module_args(dict({"remap": "default", "root": tree, "variable": VARIABLE}, **args)):
        with pytest.raises(SystemExit):
            docker_remap_guard.main()
    return json.loads(capsys.readouterr().out)


def lived_in(daemon):
    """A running container with a named volume, a stopped one, a spare volume."""
    daemon.docker("run", "-d", "--name", "web", "--network", "none", "-v", "data:/data", IMAGE, *SLEEP)
    daemon.docker("create", "--name", "idle", "--network", "none", IMAGE, *SLEEP)
    daemon.docker("volume", "create", "spare")


def cli_view(daemon):
    """What the docker CLI lists: names with states, images, volumes."""
    containers = sorted(line.split("\t") for line in daemon.docker(
        "ps", "-a", "--format", "{{.Names}}\t{{.State}}").splitlines())
    images = sorted(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}}").split())
    volumes = sorted(daemon.docker("volume", "ls", "-q").split())
    return containers, images, volumes


def test_refusal_names_what_the_docker_cli_lists(daemon, capsys):
    lived_in(daemon)
    containers, images, volumes = cli_view(daemon)
    result = guard(daemon.tree, capsys)
    assert result["failed"] is True and result["would_hide"] is True
    assert sorted([c["name"], c["state"]] for c in result["containers"]) == containers
    assert containers == [["idle", "created"], ["web", "running"]]
    assert result["images"] == images == [IMAGE]
    assert result["volumes"] == volumes == ["data", "spare"]
    assert result["storage_root"] == daemon.data_root and result["source"].startswith("dockerd API at unix://")
    assert result["new_storage_root"] == "/var/lib/docker/100000.100000"
    message = result["msg"]
    assert "containers idle (created), web (running); images %s; volumes data, spare" % IMAGE in message
    assert "set %s: true to accept this" % VARIABLE in message


def test_with_dockerd_stopped_the_storage_root_on_disk_says_the_same(daemon, capsys):
    lived_in(daemon)
    containers, images, volumes = cli_view(daemon)
    daemon.stop()
    result = guard(daemon.tree, capsys)
    assert result["failed"] is True and result["source"].startswith("the storage root on disk")
    assert result["storage_root"] == "/var/lib/docker"
    assert [c["name"] for c in result["containers"]] == [name for name, dummy in containers]
    assert all(c["state"] == "exited" for c in result["containers"])   # dockerd stopped them
    assert result["images"] == images and result["volumes"] == volumes


def test_accepted_hiding_is_listed_in_a_warning(daemon, capsys):
    lived_in(daemon)
    result = guard(daemon.tree, capsys, hide_existing=True)
    assert "failed" not in result and result["changed"] is False and result["would_hide"] is True
    warnings = [w["event"]["msg"] if isinstance(w, dict) else w for w in result["warnings"]]  # 2.19: summaries
    assert any("web (running)" in w and "as %s allows" % VARIABLE in w for w in warnings), warnings


def test_nothing_to_hide_is_no_refusal(daemon, capsys):
    daemon.docker("rmi", IMAGE)
    result = guard(daemon.tree, capsys)
    assert "failed" not in result and result["would_hide"] is False
    assert (result["containers"], result["images"], result["volumes"]) == ([], [], [])
