# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write engine configuration files without ever leaving a half-written one.

Every writer of the collection goes through here: an engine that reads its
configuration while a file is being rewritten, or a host that loses power in
the middle, must see either the old file or the new one, never a mix, and an
operator must be able to get the old file back. Standard library only: this
runs on the managed host.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import time

SELINUX_XATTR = "security.selinux"
DEFAULT_NEW_FILE_MODE = 0o644


class WriteError(Exception):
    """A configuration file could not be read, written, backed up or restored."""

    def __init__(self, path, cause):
        super().__init__("%s: %s" % (path, cause))
        self.path = path
        self.cause = cause


def parse_mode(value):
    """An octal permission mode (``'0644'``, ``'644'`` or an int) as an int.

    Symbolic modes (``u=rw``) are not accepted: a config file's mode is set
    once, so the octal form is enough and cannot be misread.
    """
    if isinstance(value, bool):
        raise ValueError("mode must be octal digits such as '0644', found %r" % (value,))
    if isinstance(value, int):
        mode = value
    elif isinstance(value, str) and re.fullmatch(r"0?[0-7]{3,4}", value.strip()):
        mode = int(value.strip(), 8)
    else:
        raise ValueError("mode must be octal digits such as '0644', found %r" % (value,))
    if not 0 <= mode <= 0o7777:
        raise ValueError("mode must be between 0000 and 07777, found %o" % mode)
    return mode


def read_bytes(path):
    """The file's content, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(path, "cannot read: %s" % (exc.strerror or exc))


def backup_name(path, now=None):
    """Where a backup of `path` goes: ``path.PID.YYYY-MM-DD@HH:MM:SS~``, the
    name Ansible's own backup_local uses, so operators find it where they look."""
    stamp = time.strftime("%Y-%m-%d@%H:%M:%S~", time.localtime(now))
    return "%s.%d.%s" % (path, os.getpid(), stamp)


def make_backup(path):
    """Copy `path` next to itself with its mode, owner, times and SELinux
    label; return the backup's path. Never overwrites an earlier backup."""
    base = backup_name(path)
    candidate = base
    counter = 0
    while os.path.lexists(candidate):
        counter += 1
        candidate = "%s%d" % (base, counter)
    try:
        shutil.copy2(path, candidate)  # copies xattrs, including the SELinux label
        status = os.stat(path)
        _chown_if_permitted(candidate, status.st_uid, status.st_gid)
    except OSError as exc:
        raise WriteError(path, "cannot make a backup at %s: %s" % (candidate, exc.strerror or exc))
    return candidate


def _chown_if_permitted(path, uid, gid):
    # As Ansible's atomic_move: a non-root writer cannot give files away, and
    # that must not stop it from writing a file it owns.
    try:
        os.chown(path, uid, gid)
    except OSError as exc:
        if exc.errno != errno.EPERM:
            raise


def _copy_selinux_label(source, target):
    try:
        label = os.getxattr(source, SELINUX_XATTR)
    except OSError:  # no SELinux, no label, or a file system without xattrs
        return
    try:
        os.setxattr(target, SELINUX_XATTR, label)
    except OSError:
        pass  # the new file keeps the label its directory gives it


def _fsync_directory(directory):
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path, data, mode=None, owner=None):
    """Replace `path` with `data` (bytes) in one step.

    The new content goes to a temporary file in the same directory, is
    flushed to disk, and is renamed over the file, so a reader sees the old
    or the new file, never a partial one. An existing file keeps its mode,
    owner, group and SELinux label unless `mode` or `owner` ((uid, gid)) is
    given; a new file gets `mode` or 0644. A symlink is written through (its
    target is replaced), as the engine reading the link would see it.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise WriteError(path, "directory %s does not exist" % directory)
    try:
        current = os.stat(target)
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise WriteError(path, "cannot stat: %s" % (exc.strerror or exc))
    if mode is None:
        mode = current.st_mode & 0o7777 if current else DEFAULT_NEW_FILE_MODE
    if owner is None and current is not None:
        owner = (current.st_uid, current.st_gid)
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".", suffix=".tmp")
    except OSError as exc:
        raise WriteError(path, "cannot create a temporary file in %s: %s" % (directory, exc.strerror or exc))
    replaced = False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if owner is not None:
            _chown_if_permitted(temporary, owner[0], owner[1])
        if current is not None:
            _copy_selinux_label(target, temporary)
        os.replace(temporary, target)
        replaced = True
        _fsync_directory(directory)
    except OSError as exc:
        raise WriteError(path, "cannot write: %s" % (exc.strerror or exc))
    finally:
        if not replaced and os.path.lexists(temporary):
            os.unlink(temporary)


def restore(path, backup):
    """Put back what `path` was before a change: the content, mode and owner
    of `backup`, or, when `backup` is None (the file did not exist), no file.
    Returns what was done, for the caller's report."""
    if backup is None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return "absent, as before"
        except OSError as exc:
            raise WriteError(path, "cannot remove: %s" % (exc.strerror or exc))
        return "removed (it did not exist before)"
    try:
        status = os.stat(backup)
    except OSError as exc:
        raise WriteError(backup, "cannot restore %s from this backup: %s" % (path, exc.strerror or exc))
    data = read_bytes(backup)
    atomic_write(path, data, mode=status.st_mode & 0o7777, owner=(status.st_uid, status.st_gid))
    return "restored from %s" % backup
