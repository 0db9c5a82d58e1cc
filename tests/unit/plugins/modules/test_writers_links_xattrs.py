# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every file writer, on a real change: the rewritten file keeps its extended
attributes (user.* as well as the SELinux label), and a hard-linked file is
refused with a message naming it, before anything of the run is written.

Run as Ansible runs each module (writer_child.py), over the hardened fixture
tree; real attributes on the test file system (skipped, saying so, where it
has no user.* attributes)."""

import json
import os
import subprocess
import sys

import pytest

from hosttree import HARDENED, write_tree

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = os.path.join(HERE, "writer_child.py")
DROPINS = "etc/containers/containers.conf.d"
PASSWD = HARDENED["etc/passwd"] + "alice:x:1000:1000::/:/bin/sh\n"
GROUP = HARDENED["etc/group"] + "alice:x:1000:\n"


class Case:
    def __init__(self, name, module, target, args, extra=None):
        self.name, self.module, self.target, self.args, self.extra = name, module, target, args, extra or {}


CASES = [
    Case("docker_daemon_config", "docker_daemon_config", "etc/docker/daemon.json",
         lambda root: {"root": root, "settings": {"icc": True}}),
    Case("config_dropins", "config_dropins", DROPINS + "/50-stockade.conf",
         lambda root: {"directory": os.path.join(root, DROPINS), "files": {"50-stockade.conf": {
             "containers": {"userns": "auto"}}}}),
    Case("config_dropins, a later drop-in set aside", "config_dropins", DROPINS + "/90-site.conf",
         lambda root: {"directory": os.path.join(root, DROPINS), "shadowing": "disable", "files": {
             "50-stockade.conf": {"containers": {"userns": "auto"}}}},
         extra={DROPINS + "/90-site.conf": '[containers]\nuserns = "host"\nlog_driver = "journald"\n'}),
    Case("seccomp_profile", "seccomp_profile", "etc/stockade/seccomp/no-compat.json",
         lambda root: {"base": "/usr/share/containers/seccomp.json", "deny_syscalls": ["adjtimex"]}),
    Case("subid_ranges (/etc/subuid)", "subid_ranges", "etc/subuid",
         lambda root: {"name": "alice", "create_user": False}, extra={"etc/passwd": PASSWD, "etc/group": GROUP}),
    Case("subid_ranges (/etc/subgid)", "subid_ranges", "etc/subgid",
         lambda root: {"name": "alice", "create_user": False}, extra={"etc/passwd": PASSWD, "etc/group": GROUP}),
]


def run(case, root):
    done = subprocess.run([sys.executable, CHILD, case.module, root, json.dumps(case.args(root))],
                          capture_output=True, timeout=120, cwd="/", check=False)
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")[-3000:]
    return json.loads(done.stdout.decode("utf-8"))


def tree(tmp_path, case):
    root = str(tmp_path / "root")
    write_tree(root, HARDENED, case.extra)
    return root, os.path.join(root, case.target)


def files_of(root):
    found = {}
    for directory, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            status = os.lstat(path)
            found[path] = (status.st_ino, status.st_mtime_ns, open(path, "rb").read())
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_rewrite_keeps_the_extended_attributes(tmp_path, case):
    root, target = tree(tmp_path, case)
    try:
        os.setxattr(target, "user.stockade-test", b"kept")
    except OSError as exc:
        pytest.skip("the test file system has no user.* extended attributes (%s)" % exc)
    before = os.stat(target).st_ino
    result = run(case, root)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    assert os.stat(target).st_ino != before, "the file was not rewritten"
    assert os.getxattr(target, "user.stockade-test") == b"kept"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hard_linked_file_is_refused_and_nothing_is_written(tmp_path, case):
    root, target = tree(tmp_path, case)
    link = str(tmp_path / "elsewhere")
    os.link(target, link)
    before = files_of(root)
    result = run(case, root)
    assert result.get("failed") is True
    assert "has 2 hard links" in result["msg"] and os.path.basename(case.target) in result["msg"], result["msg"]
    lock = os.path.join(root, "etc", ".pwd.lock")   # subid_ranges took shadow's lock, as useradd leaves it
    assert {p: v for p, v in files_of(root).items() if p != lock} == before
    assert os.stat(link).st_ino == os.stat(target).st_ino
