# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replace a file so that a reader, a crash or a SIGKILL at any moment sees
the old file or the new one, never a mix, and leaves nothing behind for good.

Used by every writer of the collection (through module_utils/config_files)
and by the agent's report (`stockade-audit --output`). The new content goes to
a temporary file in the same directory, is flushed to disk, and is renamed
over the target. A temporary file is named after its target and the writer's
pid (`.NAME.stockade-PID-RANDOM.tmp`), so a writer killed before its rename
leaves one that the next write of the same target recognises and removes
(returned to the caller, who reports it). Standard library only.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time

SELINUX_XATTR = "security.selinux"
DEFAULT_NEW_FILE_MODE = 0o644
# A temporary file whose writer still runs is left alone, unless it is this
# old (the pid was reused by an unrelated process).
STALE_AFTER_S = 24 * 3600
_TEMPORARY = re.compile(r"\.stockade-(\d+)-[0-9a-f]{12}\.tmp\Z")


class WriteError(Exception):
    """A file could not be read, written, backed up or restored."""

    def __init__(self, path, cause):
        super().__init__("%s: %s" % (path, cause))
        self.path = path
        self.cause = cause


def create_temporary(target, mode=0o600):
    """(fd, path) of a new, empty temporary file next to `target`, open for
    writing; only this process uses the name."""
    directory, name = os.path.split(target)
    while True:
        path = os.path.join(directory, ".%s.stockade-%d-%s.tmp" % (name, os.getpid(), secrets.token_hex(6)))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
        except FileExistsError:
            continue
        return fd, path


def stale_temporaries(target, now=None):
    """Temporary files of `target` left by writers that no longer run."""
    directory, name = os.path.split(target)
    prefix = "." + name
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return []
    now = time.time() if now is None else now
    stale = []
    for entry in sorted(names):
        match = _TEMPORARY.match(entry[len(prefix):]) if entry.startswith(prefix) else None
        if not match:
            continue
        path = os.path.join(directory, entry)
        pid = int(match.group(1))
        try:
            old = now - os.lstat(path).st_mtime > STALE_AFTER_S
        except FileNotFoundError:
            continue
        if pid != os.getpid() and (old or not _running(pid)):
            stale.append(path)
    return stale


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temporaries(target):
    """Remove what killed writers of `target` left; returns the paths removed."""
    removed = []
    for path in stale_temporaries(target):
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise WriteError(path, "cannot remove this temporary file left by a killed writer: %s"
                             % (exc.strerror or exc))
        removed.append(path)
    return removed


def chown_if_permitted(path, uid, gid):
    # As Ansible's atomic_move: a non-root writer cannot give files away, and
    # that must not stop it from writing a file it owns.
    try:
        os.chown(path, uid, gid)
    except OSError as exc:
        if exc.errno != errno.EPERM:
            raise


def copy_selinux_label(source, target):
    try:
        label = os.getxattr(source, SELINUX_XATTR)
    except OSError:  # no SELinux, no label, or a file system without xattrs
        return
    try:
        os.setxattr(target, SELINUX_XATTR, label)
    except OSError:
        pass  # the new file keeps the label its directory gives it


def fsync_directory(directory):
    fd = os.open(directory or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd, data):
    """Write `data` to `fd`, then flush it to disk; closes `fd`."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path, data, mode=None, owner=None):
    """Replace `path` with `data` (bytes) in one step; returns the stale
    temporary files of earlier, killed writers that were removed.

    An existing file keeps its mode, owner, group and SELinux label unless
    `mode` or `owner` ((uid, gid)) is given; a new file gets `mode` or 0644.
    A symlink is written through (its target is replaced), as the program
    reading the link would see it.
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
    removed = remove_stale_temporaries(target)
    try:
        fd, temporary = create_temporary(target)
    except OSError as exc:
        raise WriteError(path, "cannot create a temporary file in %s: %s" % (directory, exc.strerror or exc))
    replaced = False
    try:
        write_all(fd, data)
        os.chmod(temporary, mode)
        if owner is not None:
            chown_if_permitted(temporary, owner[0], owner[1])
        if current is not None:
            copy_selinux_label(target, temporary)
        os.replace(temporary, target)
        replaced = True
        fsync_directory(directory)
    except OSError as exc:
        raise WriteError(path, "cannot write: %s" % (exc.strerror or exc))
    finally:
        if not replaced and os.path.lexists(temporary):
            os.unlink(temporary)
    return removed
