# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""subid_ranges: allocation next to existing ranges, no overlap, garbage
refusal, check mode, idempotence; on a fake /etc under tmp_path."""

import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import (
    problems, read_ids, read_ranges,
)
from ansible_collections.stockade.hardening.plugins.module_utils import subid_ranges as logic
from ansible_collections.stockade.hardening.plugins.modules import subid_ranges

PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n"
GROUP = "root:x:0:\nalice:x:1000:\n"


class FakeEtc:
    """/etc/{passwd,group,subuid,subgid} under tmp_path, seen by the module as /."""

    def __init__(self, root):
        self.root = root
        os.makedirs(os.path.join(root, "etc"), exist_ok=True)

    def path(self, name):
        return os.path.join(self.root, "etc", name)

    def write(self, name, text):
        with open(self.path(name), "w") as handle:
            handle.write(text)

    def read(self, name):
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def problems(self, owner):
        host = HostRoot(self.root)
        found = []
        users = read_ids(host, "/etc/passwd")
        for name, ids in (("subuid", "passwd"), ("subgid", "group")):
            found += problems(read_ranges(host, "/etc/" + name), read_ids(host, "/etc/" + ids), [owner], users)
        return found


@pytest.fixture
def etc(tmp_path, monkeypatch):
    fake = FakeEtc(str(tmp_path))
    fake.write("passwd", PASSWD)
    fake.write("group", GROUP)
    monkeypatch.setattr(logic, "HOST_ROOT", fake.root)   # files, locks and the journal under the tree

    def useradd(module, name):
        with open(fake.path("passwd"), "a") as handle:
            handle.write("%s:x:998:998::/nonexistent:/usr/sbin/nologin\n" % name)
        with open(fake.path("group"), "a") as handle:
            handle.write("%s:x:998:\n" % name)
    monkeypatch.setattr(logic, "create_user", useradd)
    return fake


def test_allocates_next_to_existing_ranges_and_creates_user(run_module, etc):
    etc.write("subuid", "alice:100000:65536\n")
    etc.write("subgid", "alice:100000:65536\n")
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert not failed, result.get("msg")
    assert result["changed"] and result["user_created"] and result["uid"] == 998
    assert result["subuid"] == result["subgid"] == {"start": 165536, "count": 65536}
    assert etc.read("subuid") == b"alice:100000:65536\ndockremap:165536:65536\n"
    assert etc.problems("dockremap") == []
    assert len(result["backup_files"]) == 2


def test_no_overlap_with_odd_ranges_or_real_ids(run_module, etc):
    etc.write("passwd", PASSWD + "ldapuser:x:300000:300000::/:/bin/sh\n")
    etc.write("subuid", "# managed by hand\nalice:150000:70000\nbob:231072:1000\n")
    etc.write("subgid", "alice:100000:65536")  # no trailing newline
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert not failed, result.get("msg")
    # 100000 and 165536 meet alice, 231072 meets bob, 296608 holds uid 300000
    assert result["subuid"]["start"] == result["subgid"]["start"] == 362144
    assert etc.read("subgid") == b"alice:100000:65536\ndockremap:362144:65536\n"
    assert etc.read("subuid").startswith(b"# managed by hand\nalice:150000:70000\nbob:231072:1000\n")
    assert etc.problems("dockremap") == []


def test_second_run_changes_nothing(run_module, etc):
    etc.write("subuid", "")
    etc.write("subgid", "")
    first = run_module(subid_ranges.main, {"name": "containers", "count": 131072})[0]
    before = etc.read("subuid"), etc.read("subgid"), etc.read("passwd")
    second, failed = run_module(subid_ranges.main, {"name": "containers", "count": 131072})
    assert not failed and first["changed"] and second["changed"] is False
    assert second["subuid"] == first["subuid"] == {"start": 100000, "count": 131072}
    assert (etc.read("subuid"), etc.read("subgid"), etc.read("passwd")) == before


def test_keeps_a_good_range_and_replaces_an_overlapping_one(run_module, etc):
    etc.write("passwd", PASSWD + "dockremap:x:998:998::/nonexistent:/usr/sbin/nologin\n")
    etc.write("group", GROUP + "dockremap:x:998:\n")
    etc.write("subuid", "alice:100000:65536\ndockremap:100000:65536\n")
    etc.write("subgid", "alice:100000:65536\n998:300000:65536\n")  # by uid, fine
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert not failed and result["changed"] and not result["user_created"]
    assert result["subgid"] == {"start": 300000, "count": 65536}
    assert result["subuid"] == {"start": 300000, "count": 65536}  # matches its subgid start
    assert etc.read("subuid") == b"alice:100000:65536\ndockremap:300000:65536\n"
    assert any("/etc/subuid:2" in line for line in result["removed_lines"])
    assert etc.problems("dockremap") == []


def test_garbage_line_fails_and_leaves_files_untouched(run_module, etc):
    etc.write("subuid", "alice:100000:65536\nthis is not a range\n")
    etc.write("subgid", "")
    before = etc.read("subuid"), etc.read("passwd")
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert failed and "/etc/subuid" in result["msg"] and "line 2" in result["msg"]
    assert (etc.read("subuid"), etc.read("passwd")) == before and etc.read("subgid") == b""


def test_check_mode_changes_nothing_and_diffs(run_module, etc):
    etc.write("subuid", "alice:100000:65536\n")
    before = etc.read("subuid"), etc.read("passwd")
    result, failed = run_module(subid_ranges.main, {"name": "dockremap", "_ansible_diff": True}, check_mode=True)
    assert not failed and result["changed"] and result["user_created"] and result["uid"] is None
    assert (etc.read("subuid"), etc.read("passwd")) == before
    assert not os.path.exists(etc.path("subgid"))
    assert [d["before_header"] for d in result["diff"]] == ["/etc/subuid", "/etc/subgid"]
    assert result["diff"][0]["after"] == "alice:100000:65536\ndockremap:165536:65536\n"


@pytest.mark.parametrize("args,message", [
    ({"name": "a:b"}, "colon"),
    ({"name": "x", "count": 0}, "count must be positive"),
    ({"name": "nobody", "create_user": False}, "does not exist"),
])
def test_argument_errors(run_module, etc, args, message):
    result, failed = run_module(subid_ranges.main, args)
    assert failed and message in result["msg"]


def test_podman_auto_user_from_storage_conf(run_module, etc):
    os.makedirs(os.path.join(etc.root, "etc", "containers"))
    etc.write("containers/storage.conf", '[storage.options]\nroot-auto-userns-user = "podauto"\n')
    result, failed = run_module(subid_ranges.main, {"podman_auto_user": True})
    assert not failed and result["user"] == "podauto" and result["user_created"]
    result, failed = run_module(subid_ranges.main, {"podman_auto_user": True, "name": "x"})
    assert failed and "exactly one" in result["msg"]
