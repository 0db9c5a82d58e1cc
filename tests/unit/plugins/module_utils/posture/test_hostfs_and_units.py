# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import os

import pytest

from hosttree import Symlink, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import dockerd_flags
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.systemd_units import (
    service_command,
)


def test_absolute_symlink_cannot_escape_the_root(tmp_path):
    root = write_tree(tmp_path, {"etc/passwd": Symlink("/../../../../etc/hostname"),
                                 "etc/hostname": "inside\n"})
    assert HostRoot(root).read_text("/etc/passwd") == "inside\n"


def test_relative_dotdot_symlink_stays_inside(tmp_path):
    root = write_tree(tmp_path, {"a/b/link": Symlink("../../../../../secret"), "secret": "mine"})
    assert HostRoot(root).read_text("/a/b/link") == "mine"


def test_missing_file_is_none_but_directory_is_an_error(tmp_path):
    root = write_tree(tmp_path, {"etc/x/y": "1"})
    host = HostRoot(root)
    assert host.read_text("/etc/nothing") is None
    with pytest.raises(ConfigError, match="is a directory"):
        host.read_text("/etc/x")


def test_unreadable_file_is_an_error(tmp_path):
    root = write_tree(tmp_path, {"etc/loop": Symlink("loop")})
    with pytest.raises(ConfigError, match="symbolic links"):
        HostRoot(root).read_text("/etc/loop")


def test_reads_are_cached_once_per_audit(tmp_path):
    root = write_tree(tmp_path, {"etc/f": "one"})
    host = HostRoot(root)
    assert host.read_text("/etc/f") == "one"
    with open(os.path.join(root, "etc/f"), "w") as handle:
        handle.write("two")
    assert host.read_text("/etc/f") == "one"


def test_only_root_slash_is_live(tmp_path):
    assert HostRoot("/").is_live
    assert not HostRoot(str(tmp_path)).is_live


def test_unit_dropins_reset_and_override(tmp_path):
    root = write_tree(tmp_path, {
        "lib/systemd/system/docker.service": "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n",
        "lib/systemd/system/docker.service.d/10-a.conf": "[Service]\nExecStart=\nExecStart=/a --icc=false\n",
        "etc/systemd/system/docker.service.d/10-a.conf": "[Service]\nExecStart=\nExecStart=/etc-wins \\\n  --icc=false\n",
        "etc/systemd/system/docker.service.d/20-b.conf": "[Service]\nEnvironment=\"X=--live-restore\"\n",
    })
    command = service_command(HostRoot(root), "docker.service")
    assert command.argv == ["/etc-wins", "--icc=false"]
    assert command.sources[-1].endswith("20-b.conf")
    assert command.origin == "/etc/systemd/system/docker.service.d/10-a.conf"


def test_environment_expansion(tmp_path):
    root = write_tree(tmp_path, {
        "lib/systemd/system/docker.service": "[Service]\nEnvironmentFile=-/etc/default/docker\n"
                                             "Environment=B=--icc=false\n"
                                             "ExecStart=/usr/sbin/dockerd $DOCKER_OPTS ${B}\n",
        "etc/default/docker": "# comment\nDOCKER_OPTS='--userns-remap=default --no-new-privileges'\n"
                              "export DOCKER_OPTS=--icc=true\n"})  # systemd has no export: ignored
    argv = service_command(HostRoot(root), "docker.service").argv
    assert dockerd_flags.parse(argv, "20.10").settings == {
        "userns-remap": "default", "no-new-privileges": True, "icc": False}


def test_no_unit_means_no_command(tmp_path):
    assert service_command(HostRoot(str(tmp_path)), "docker.service") is None


def test_dockerd_flag_forms():
    flags = dockerd_flags.parse(["dockerd", "-H", "fd://", "--seccomp-profile", "/p.json",
                                 "--selinux-enabled", "--icc=false", "--add-runtime", "kata=/k",
                                 "--add-runtime=runsc=/r", "--config-file=/c.json"], "20.10").settings
    assert flags == {"hosts": ["fd://"], "seccomp-profile": "/p.json", "selinux-enabled": True,
                     "icc": False, "runtimes": ["kata=/k", "runsc=/r"], "config-file": "/c.json"}
