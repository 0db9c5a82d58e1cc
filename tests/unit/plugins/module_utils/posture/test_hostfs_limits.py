# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hostfs never hangs, never reads without end, and names the file and the
cause of every refusal (the hostile corpus runs the same through the agent)."""

import json
import os
import socket
import stat

import pytest

from hosttree import Symlink, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import hostfs
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)


def _tree(tmp_path, **entries):
    return write_tree(tmp_path, dict({"etc/ok": "fine\n"}, **entries))


def test_fifo_is_refused_without_opening_it(tmp_path):
    root = _tree(tmp_path)
    os.mkfifo(os.path.join(root, "etc/daemon.json"))
    with pytest.raises(ConfigError, match=r"named pipe \(FIFO\), expected a regular file") as caught:
        HostRoot(root).read_text("/etc/daemon.json")
    assert caught.value.path == "/etc/daemon.json"


def test_fifo_behind_a_symlink_is_refused(tmp_path):
    root = _tree(tmp_path, **{"etc/link.json": Symlink("/run/pipe")})
    os.makedirs(os.path.join(root, "run"))
    os.mkfifo(os.path.join(root, "run/pipe"))
    with pytest.raises(ConfigError, match="FIFO"):
        HostRoot(root).read_json("/etc/link.json")


def test_socket_is_refused(tmp_path):
    root = _tree(tmp_path)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(root, "etc/s.conf"))
    sock.close()
    with pytest.raises(ConfigError, match="is a socket"):
        HostRoot(root).read_text("/etc/s.conf")


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_endless_device_is_refused_and_dev_null_reads_empty(tmp_path):
    root = _tree(tmp_path)
    os.mknod(os.path.join(root, "etc/zero"), 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    os.mknod(os.path.join(root, "etc/null"), 0o644 | stat.S_IFCHR, os.makedev(1, 3))
    host = HostRoot(root)
    with pytest.raises(ConfigError, match="character device"):
        host.read_text("/etc/zero")
    assert host.read_text("/etc/null") == ""


def test_file_over_the_size_limit_is_refused(tmp_path):
    root = _tree(tmp_path)
    with open(os.path.join(root, "etc/big.json"), "wb") as handle:
        handle.write(b"{}")
        handle.truncate(2 * 1024 ** 3)  # sparse: 2 GiB without the disk space
    with pytest.raises(ConfigError, match="2147483648 bytes, larger than the 8 MiB"):
        HostRoot(root).read_text("/etc/big.json")


def test_file_at_the_size_limit_is_read(tmp_path):
    root = _tree(tmp_path, **{"etc/edge": b"x" * hostfs.MAX_FILE_BYTES})
    assert len(HostRoot(root).read_text("/etc/edge")) == hostfs.MAX_FILE_BYTES


def test_size_limit_also_holds_when_stat_says_zero():
    # /proc and /sys files report st_size 0: the limit must count what is read.
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(ValueError, match="is more, larger than"):
        hostfs.read_regular("/proc/self/status", limit=64)
    assert hostfs.read_regular("/proc/self/status").startswith(b"Name:")


@pytest.mark.parametrize("depth", [hostfs.MAX_NESTING + 1, 5000, 100000])
def test_deep_json_is_refused_naming_the_file(tmp_path, depth):
    root = _tree(tmp_path, **{"etc/deep.json": "[" * depth + "]" * depth})
    with pytest.raises(ConfigError, match="nested deeper than 100 levels") as caught:
        HostRoot(root).read_json("/etc/deep.json")
    assert caught.value.path == "/etc/deep.json"


def test_json_at_the_nesting_limit_is_read(tmp_path):
    value = {}
    for _level in range(hostfs.MAX_NESTING - 1):
        value = {"k": value}
    root = _tree(tmp_path, **{"etc/ok.json": json.dumps(value)})
    assert HostRoot(root).read_json("/etc/ok.json") == value


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to another user")
def test_unsearchable_directory_is_an_error_not_absent(tmp_path):
    for parent in [tmp_path] + list(tmp_path.parents)[:-1]:
        os.chmod(parent, os.stat(parent).st_mode | 0o011)  # nobody may traverse to the tree
    root = _tree(tmp_path, **{"etc/docker/daemon.json": "{}", "etc/sysctl.d/10-a.conf": "a=1\n"})
    os.chmod(os.path.join(root, "etc/docker"), 0o700)
    os.chmod(os.path.join(root, "etc/sysctl.d"), 0o744)   # listable, entries cannot be stat'ed
    pid = os.fork()
    if pid == 0:  # the child audits as nobody, as a non-root audit would
        code = 1
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            host = HostRoot(root)
            outcomes = []
            for call in (lambda: host.exists("/etc/docker/daemon.json"),
                         lambda: host.read_text("/etc/docker/daemon.json"),
                         lambda: host.list_dir("/etc/sysctl.d", ".conf")):
                try:
                    call()
                    outcomes.append("no error")
                except ConfigError as exc:
                    outcomes.append(exc.path)
            code = 0 if outcomes == ["/etc/docker/daemon.json", "/etc/docker/daemon.json",
                                     "/etc/sysctl.d/10-a.conf"] else 3
        finally:
            os._exit(code)
    status = os.waitpid(pid, 0)[1]
    assert os.waitstatus_to_exitcode(status) == 0


def _entries(tmp_path):
    root = _tree(tmp_path, **{"etc/d/10-a.conf": "x", "etc/d/.hidden.conf": "x",
                              "etc/d/20-link.conf": Symlink("10-a.conf"),
                              "etc/d/40-dir.conf/x": "x", "etc/d/70-other.txt": "x"})
    os.mkfifo(os.path.join(root, "etc/d/50-fifo.conf"))
    return root


def test_systemd_listing_reads_fifos_and_skips_what_fails_to_open(tmp_path):
    # systemd-sysctl 252 reads the FIFO (and hangs), skips the directory,
    # the socket and the dangling link (tests/engines/test_conf_dir_consumers.py)
    root = _entries(tmp_path)
    os.symlink("nowhere", os.path.join(root, "etc/d/30-dangling.conf"))
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(os.path.join(root, "etc/d/60-sock.conf"))
    sock.close()
    host = HostRoot(root)
    assert host.list_dir("/etc/d", ".conf") == ["10-a.conf", "20-link.conf", "50-fifo.conf"]
    with pytest.raises(ConfigError, match="FIFO"):
        host.read_text("/etc/d/50-fifo.conf")
