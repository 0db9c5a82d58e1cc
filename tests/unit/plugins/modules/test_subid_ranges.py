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


@pytest.mark.parametrize("remap,user", [("default", "dockremap"), ("default:docker", "dockremap"),
                                        ("alice", "alice"), ("alice:staff", "alice")])
def test_docker_remap_names_the_user_as_dockerd_does(run_module, etc, remap, user):
    """userns-remap's value, read by the one rule the audit's docker-userns-subids and the remap guard use
    (docker_daemon.remap_identity); the userns role passes its variable as it is."""
    result, failed = run_module(subid_ranges.main, {"docker_remap": remap}, check_mode=True)
    assert not failed, result.get("msg")
    assert result["user"] == user


@pytest.mark.parametrize("args", [{"docker_remap": "default", "name": "dockremap"},
                                  {"docker_remap": "default", "podman_auto_user": True}, {}])
def test_docker_remap_is_one_of_the_three_ways_to_name_the_user(run_module, etc, args):
    result, failed = run_module(subid_ranges.main, args)
    assert failed and "exactly one of name, docker_remap and podman_auto_user" in result["msg"]


# -- pairs: a run killed between the two files, and the audit meanwhile ----------------------------------
def warnings(result):
    return [w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", [])]


def half_written(etc):
    """The state a run for dockremap leaves when killed after /etc/subuid and before /etc/subgid."""
    etc.write("passwd", PASSWD + "dockremap:x:998:998::/nonexistent:/usr/sbin/nologin\n")
    etc.write("group", GROUP + "dockremap:x:998:\n")
    etc.write("subuid", "alice:100000:65536\ndockremap:165536:65536\n")
    etc.write("subgid", "alice:100000:65536\n")
    etc.write("subuid.stockade-pair", logic.PairRequest("dockremap", 65536, 100000).to_json())


def test_the_next_run_for_another_user_completes_the_interrupted_pair_first(run_module, etc):
    half_written(etc)
    assert etc.problems("dockremap") != []
    result, failed = run_module(subid_ranges.main, {"name": "containers"})
    assert not failed, result.get("msg")
    assert result["repaired_pair"] == "dockremap"
    assert any("completed the ranges of dockremap" in w for w in warnings(result))
    assert etc.read("subgid") == b"alice:100000:65536\ndockremap:165536:65536\ncontainers:231072:65536\n"
    assert etc.problems("dockremap") == [] and etc.problems("containers") == []
    assert not os.path.exists(etc.path("subuid.stockade-pair"))


def test_a_run_that_fails_on_its_own_request_still_completes_the_pair(run_module, etc):
    half_written(etc)
    result, failed = run_module(subid_ranges.main, {"name": "nobody-here", "create_user": False})
    assert failed and "does not exist" in result["msg"]
    assert etc.problems("dockremap") == []
    assert not os.path.exists(etc.path("subuid.stockade-pair"))


def test_check_mode_reports_the_interrupted_pair_and_changes_nothing(run_module, etc):
    half_written(etc)
    before = etc.read("subuid"), etc.read("subgid")
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"}, check_mode=True)
    assert not failed and result["changed"] and result["repaired_pair"] == "dockremap"
    assert any("was interrupted" in w for w in warnings(result))
    assert (etc.read("subuid"), etc.read("subgid")) == before
    assert os.path.exists(etc.path("subuid.stockade-pair"))


def test_a_journal_that_is_not_ours_stops_the_run_naming_it(run_module, etc):
    etc.write("subuid", "")
    etc.write("subgid", "")
    etc.write("subuid.stockade-pair", "garbage\n")
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert failed and "/etc/subuid.stockade-pair" in result["msg"] and "is not a journal" in result["msg"]
    assert etc.read("subuid") == b""


def test_a_single_file_change_writes_no_journal(run_module, etc, monkeypatch):
    etc.write("passwd", PASSWD + "dockremap:x:998:998::/nonexistent:/usr/sbin/nologin\n")
    etc.write("subuid", "dockremap:165536:65536\n")
    etc.write("subgid", "")
    journals = []
    real = logic.atomic_write
    monkeypatch.setattr(logic, "atomic_write", lambda path, data: (journals.append(path), real(path, data))[1])
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert not failed and result["subgid"] == {"start": 165536, "count": 65536}
    assert [p for p in journals if p.endswith(".stockade-pair")] == []


def test_the_audit_fails_a_user_with_a_range_in_one_file_only(etc, tmp_path):
    """docker-userns-subids, as the audit reports it, while the pair is incomplete."""
    import json
    import subprocess
    import sys
    from hosttree import HARDENED, write_tree
    root = str(tmp_path / "host")
    write_tree(root, HARDENED, {"etc/subgid": "containers:165536:65536\n"})
    agent = os.path.join(os.path.dirname(__file__), *[os.pardir] * 4, "bin", "stockade-audit")
    done = subprocess.run([sys.executable, agent, "--root", root, "--offline", "--format", "json", "--layer", "userns"],
                          capture_output=True, check=False)
    entry = next(c for c in json.loads(done.stdout)["controls"] if c["id"] == "docker-userns-subids")
    assert entry["status"] == "fail"
    assert any("dockremap has a range in /etc/subuid but none in /etc/subgid" in line for line in entry["evidence"])


# -- shadow's lock, as useradd takes it -------------------------------------------------------------------
def _dead_pid():
    import subprocess
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_lock_held_by_a_live_process_stops_the_run(run_module, etc):
    etc.write("subuid", "")
    etc.write("subgid", "")
    etc.write("subuid.lock", "%d\0" % os.getppid())   # a live pid, as useradd writes it
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert failed and "/etc/subuid.lock: held by PID %d" % os.getppid() in result["msg"]
    assert etc.read("subuid") == b"" and etc.read("subuid.lock") == b"%d\0" % os.getppid()
    assert not os.path.exists(etc.path("subgid.lock"))


def test_a_stale_lock_and_its_temporary_are_cleared(run_module, etc):
    etc.write("subuid", "")
    etc.write("subgid", "")
    dead = _dead_pid()
    etc.write("subgid.lock", "%d\0" % dead)
    etc.write("subgid.%d" % dead, "%d\0" % dead)
    etc.write("subuid.%d" % dead, "")               # killed between creating it and writing its pid
    etc.write("subuid.2024", "alice:100000:65536\n")  # not a lock temporary: an operator's copy stays
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert not failed, result.get("msg")
    assert etc.read("subgid") == b"dockremap:100000:65536\n"
    assert sorted(n for n in os.listdir(os.path.join(etc.root, "etc")) if "lock" in n or n[-1].isdigit()) == [
        ".pwd.lock", "subuid.2024"]


def test_a_lock_without_a_pid_is_never_taken_for_stale(run_module, etc):
    etc.write("subuid", "")
    etc.write("subgid", "")
    etc.write("subuid.lock", "1234\n")      # shadow calls this an invalid PID and fails too
    result, failed = run_module(subid_ranges.main, {"name": "dockremap"})
    assert failed and "invalid PID" in result["msg"] and etc.read("subuid") == b""


def test_the_global_lock_is_waited_for_then_refused(etc):
    """While another process holds /etc/.pwd.lock (glibc's lckpwdf), the lock is not taken."""
    import fcntl
    import subprocess
    import sys
    from ansible_collections.stockade.hardening.plugins.module_utils.shadow_lock import LockError, ShadowLock
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)\n"
                               "fcntl.lockf(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(30)\n",
                               etc.path(".pwd.lock")], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        with pytest.raises(LockError) as info:
            with ShadowLock(etc.root, ["/etc/subuid"], timeout=0.3):
                pass
        assert "/etc/.pwd.lock: not obtained within" in str(info.value)
        assert not os.path.exists(etc.path("subuid.lock"))
    finally:
        holder.kill()
        holder.wait()
    with ShadowLock(etc.root, ["/etc/subuid"]):
        assert etc.read("subuid.lock") == b"%d\0" % os.getpid()
        fd = os.open(etc.path(".pwd.lock"), os.O_WRONLY)
        try:   # another process could not take it now (a POSIX lock is per process: ask a child)
            attempt = subprocess.run([sys.executable, "-c", "import fcntl, os, sys\n"
                                      "fd = os.open(sys.argv[1], os.O_WRONLY)\n"
                                      "fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n", etc.path(".pwd.lock")],
                                     capture_output=True, check=False)
            assert attempt.returncode != 0
        finally:
            os.close(fd)   # closing any descriptor of the file drops this process's POSIX lock
    assert fcntl is not None and not os.path.exists(etc.path("subuid.lock"))
