# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared writer helpers: atomic replace, backups, restore."""

import os
import re
import stat

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils import config_files
from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    backup_name,
    make_backup,
    parse_mode,
    read_bytes,
    restore,
)

OTHER_UID, OTHER_GID = 4321, 4322
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(directory):
    """Temporary files a writer left behind."""
    return [n for n in os.listdir(directory) if n.endswith(".tmp")]


@pytest.mark.parametrize("value, expected", [("0644", 0o644), ("600", 0o600), ("2750", 0o2750), (0o640, 0o640)])
def test_parse_mode_accepts_octal(value, expected):
    assert parse_mode(value) == expected


@pytest.mark.parametrize("value", ["u=rw,g=r", "0999", "", "64", True, 0o17777])
def test_parse_mode_rejects_the_rest(value):
    with pytest.raises(ValueError, match="mode"):
        parse_mode(value)


def test_read_bytes_of_a_missing_file_is_none(tmp_path):
    assert read_bytes(str(tmp_path / "absent")) is None


def test_atomic_write_new_file_gets_0644_whatever_the_umask(tmp_path):
    target = str(tmp_path / "daemon.json")
    old_umask = os.umask(0o077)
    try:
        atomic_write(target, b"{}\n")
    finally:
        os.umask(old_umask)
    assert read_bytes(target) == b"{}\n"
    assert mode_of(target) == 0o644
    assert leftovers(str(tmp_path)) == []


def test_atomic_write_keeps_mode_of_existing_file(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"old")
    os.chmod(str(target), 0o600)
    inode_before = os.stat(str(target)).st_ino
    atomic_write(str(target), b"new")
    assert target.read_bytes() == b"new"
    assert mode_of(str(target)) == 0o600
    # Replaced, not rewritten in place: a reader holding the old file saw it whole.
    assert os.stat(str(target)).st_ino != inode_before


@needs_root
def test_atomic_write_keeps_owner_of_existing_file(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"old")
    os.chown(str(target), OTHER_UID, OTHER_GID)
    atomic_write(str(target), b"new")
    status = os.stat(str(target))
    assert (status.st_uid, status.st_gid) == (OTHER_UID, OTHER_GID)


def test_atomic_write_explicit_mode_wins(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"old")
    os.chmod(str(target), 0o666)
    atomic_write(str(target), b"new", mode=0o640)
    assert mode_of(str(target)) == 0o640


def test_atomic_write_through_symlink_replaces_the_target(tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "daemon.json"
    link.symlink_to(real)
    atomic_write(str(link), b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_atomic_write_missing_directory_fails_naming_it(tmp_path):
    with pytest.raises(WriteError, match="directory .*nodir does not exist"):
        atomic_write(str(tmp_path / "nodir" / "daemon.json"), b"{}")


def test_atomic_write_failure_leaves_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"old")

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(config_files.os, "replace", failing_replace)
    with pytest.raises(WriteError, match="No space left on device"):
        atomic_write(str(target), b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(str(tmp_path)) == []


def test_backup_name_follows_ansible_backup_local(tmp_path):
    name = backup_name("/etc/docker/daemon.json")
    assert re.fullmatch(r"/etc/docker/daemon\.json\.%d\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~" % os.getpid(), name)


def test_backup_is_identical_copy_with_mode(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b'{"debug": true}\n')
    os.chmod(str(target), 0o600)
    backup = make_backup(str(target))
    assert os.path.dirname(backup) == str(tmp_path)
    assert read_bytes(backup) == target.read_bytes()
    assert mode_of(backup) == 0o600


def test_backup_never_overwrites_an_earlier_one(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"first")
    first = make_backup(str(target))
    target.write_bytes(b"second")
    second = make_backup(str(target))  # same pid, very likely the same second
    assert first != second
    assert read_bytes(first) == b"first"
    assert read_bytes(second) == b"second"


@needs_root
def test_restore_puts_back_content_mode_and_owner(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"original")
    os.chmod(str(target), 0o640)
    os.chown(str(target), OTHER_UID, OTHER_GID)
    backup = make_backup(str(target))
    atomic_write(str(target), b"broken", mode=0o600, owner=(0, 0))
    assert "restored from" in restore(str(target), backup)
    status = os.stat(str(target))
    assert target.read_bytes() == b"original"
    assert (mode_of(str(target)), status.st_uid, status.st_gid) == (0o640, OTHER_UID, OTHER_GID)


def test_restore_without_backup_removes_a_new_file(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"{}")
    assert "removed" in restore(str(target), None)
    assert not target.exists()
    assert "absent" in restore(str(target), None)


def test_restore_from_a_missing_backup_fails_and_keeps_the_file(tmp_path):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"current")
    with pytest.raises(WriteError, match="cannot restore"):
        restore(str(target), str(tmp_path / "gone~"))
    assert target.read_bytes() == b"current"


def _temporary_of(target, pid):
    path = os.path.join(os.path.dirname(target), ".%s.stockade-%d-0123456789ab.tmp" % (os.path.basename(target), pid))
    with open(path, "wb") as handle:
        handle.write(b"half a fi")
    return path


def _dead_pid():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_a_killed_writers_temporary_is_removed_and_reported(tmp_path, monkeypatch):
    target = str(tmp_path / "daemon.json")
    stale = _temporary_of(target, _dead_pid())
    warned = []
    monkeypatch.setattr(config_files, "_warn", warned.append)
    assert atomic_write(target, b"{}") == [stale]
    assert not os.path.exists(stale)
    assert warned == ["removed %s, a temporary file left by a writer that was killed" % stale]
    assert leftovers(str(tmp_path)) == []


def test_a_running_writers_temporary_is_left_alone_until_it_is_a_day_old(tmp_path):
    target = str(tmp_path / "daemon.json")
    running = _temporary_of(target, os.getppid())
    assert config_files.remove_stale_temporaries(target) == []
    assert os.path.exists(running)
    os.utime(running, (0, 0))   # the pid was reused long after its writer died
    assert config_files.remove_stale_temporaries(target) == [running]


def test_only_temporaries_of_the_same_file_are_touched(tmp_path):
    target = str(tmp_path / "daemon.json")
    others = [_temporary_of(str(tmp_path / "daemon.json.bak"), _dead_pid()),
              str(tmp_path / ".daemon.json.swp"), str(tmp_path / ".daemon.json.abcdefgh.tmp")]
    for path in others[1:]:
        open(path, "w").close()
    assert config_files.remove_stale_temporaries(target) == []
    assert all(os.path.exists(p) for p in others)


def test_backup_is_made_under_a_temporary_name_first(tmp_path, monkeypatch):
    target = tmp_path / "daemon.json"
    target.write_bytes(b"x" * 100000)
    seen = []
    real_link = os.link

    def watching_link(source, name):
        seen.append((os.path.basename(source), os.path.getsize(source)))
        return real_link(source, name)
    monkeypatch.setattr(config_files.os, "link", watching_link)
    backup = make_backup(str(target))
    assert len(seen) == 1 and seen[0][0].startswith(".daemon.json.stockade-") and seen[0][1] == 100000
    assert read_bytes(backup) == target.read_bytes()
    assert leftovers(str(tmp_path)) == []


# -- what a rewrite keeps besides the bytes, and what it refuses to replace ------------------------------
def _user_xattrs_work(directory):
    witness = os.path.join(directory, ".xattr-witness")
    open(witness, "w").close()
    try:
        os.setxattr(witness, "user.stockade-witness", b"1")
        return True
    except OSError:
        return False
    finally:
        os.unlink(witness)


@pytest.fixture
def xattr_dir(tmp_path):
    if not _user_xattrs_work(str(tmp_path)):
        pytest.skip("the file system of %s has no user.* extended attributes" % tmp_path)
    return tmp_path


def test_atomic_write_keeps_every_extended_attribute(xattr_dir):
    target = str(xattr_dir / "daemon.json")
    with open(target, "w") as handle:
        handle.write("{}\n")
    os.setxattr(target, "user.backup-policy", b"nightly")
    os.setxattr(target, "user.empty", b"")
    if os.geteuid() == 0:
        os.setxattr(target, "trusted.stockade", b"root only")
    before = {name: os.getxattr(target, name) for name in os.listxattr(target)}
    atomic_write(target, b'{"icc": false}\n')
    assert open(target, "rb").read() == b'{"icc": false}\n'
    assert {name: os.getxattr(target, name) for name in os.listxattr(target)} == before
    assert leftovers(str(xattr_dir)) == []


def test_backup_keeps_every_extended_attribute(xattr_dir):
    target = str(xattr_dir / "daemon.json")
    with open(target, "w") as handle:
        handle.write("{}\n")
    os.setxattr(target, "user.backup-policy", b"nightly")
    backup = make_backup(target)
    assert os.getxattr(backup, "user.backup-policy") == b"nightly"


def test_atomic_write_refuses_a_hard_linked_file_and_leaves_both_names(tmp_path):
    target, other = str(tmp_path / "subuid"), str(tmp_path / "subuid.hardlink")
    with open(target, "w") as handle:
        handle.write("alice:100000:65536\n")
    os.link(target, other)
    with pytest.raises(WriteError) as info:
        atomic_write(target, b"bob:100000:65536\n")
    assert "has 2 hard links" in str(info.value) and target in str(info.value) and "left untouched" in str(info.value)
    assert open(target).read() == open(other).read() == "alice:100000:65536\n"
    assert os.stat(target).st_ino == os.stat(other).st_ino
    assert leftovers(str(tmp_path)) == []


def test_atomic_write_may_replace_a_file_linked_only_by_the_caller(tmp_path):
    target, kept = str(tmp_path / "90-site.conf"), str(tmp_path / "90-site.conf.stockade-disabled")
    with open(target, "w") as handle:
        handle.write("old\n")
    os.link(target, kept)
    atomic_write(target, b"new\n", own_links=[kept])
    assert (open(target).read(), open(kept).read()) == ("new\n", "old\n")


@pytest.mark.parametrize("kind", ["fifo", "device", "socket"])
def test_atomic_write_never_replaces_what_is_not_a_regular_file(tmp_path, kind):
    target = str(tmp_path / "daemon.json")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("device nodes need root")
        os.mknod(target, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    else:
        import socket
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(target)
    before = os.lstat(target)
    with pytest.raises(WriteError) as info:
        atomic_write(target, b"{}\n")
    assert "expected a regular file" in str(info.value)
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert leftovers(str(tmp_path)) == []


def test_read_bytes_never_opens_a_fifo(tmp_path):
    path = str(tmp_path / "backup~")
    os.mkfifo(path)
    with pytest.raises(WriteError) as info:
        read_bytes(path)
    assert "named pipe" in str(info.value)
