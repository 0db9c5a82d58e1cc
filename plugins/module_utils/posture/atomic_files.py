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
(returned to the caller, who reports it).

The new file keeps what the old one carried besides its bytes: mode, owner
and every extended attribute the writer may set (the SELinux label, ACLs,
user.* attributes). A target that is not a regular file (a FIFO, a device,
a socket) is never replaced: it is not a configuration file, and the readers
refuse it with the same words. A target with other hard links is refused:
a rename gives the name a new inode and would silently split the links (the
other names keeping the old content), and no atomic rewrite keeps them.
Standard library only.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time

from .readers.hostfs import not_regular

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
        path = os.path.join(directory, ".%s.stockade-%d-%s.tmp" % (name, os.getpid(), os.urandom(6).hex()))
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


def copy_xattrs(source, target):
    """Copy every extended attribute of `source` that this process may set
    onto `target`; returns the names that could not be copied (a file system
    without them, trusted.* without CAP_SYS_ADMIN). The SELinux label comes
    first: a policy may forbid relabelling once other attributes are set."""
    try:
        names = os.listxattr(source)
    except OSError:  # a file system without extended attributes
        return []
    names = sorted(names, key=lambda name: name != SELINUX_XATTR)
    missed = []
    for name in names:
        try:
            os.setxattr(target, name, os.getxattr(source, name))
        except OSError:
            missed.append(name)  # the new file keeps what its directory gives it
    return missed


def refuse_unreplaceable(path, status, own_links=()):
    """WriteError when the file with `status` must not be replaced: not a
    regular file, or hard-linked to a name other than `own_links` (links the
    caller made itself, to the same inode)."""
    reason = not_regular(status)
    if reason:
        raise WriteError(path, "%s; it was left untouched" % reason)
    ours = 0
    for link in own_links:
        try:
            other = os.lstat(link)
        except OSError:
            continue
        if stat.S_ISREG(other.st_mode) and (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino):
            ours += 1
    if status.st_nlink > 1 + ours:
        raise WriteError(path, "has %d hard links: replacing it would give this name a new file and leave the "
                               "other names with the old content, and no rewrite keeps the links atomically; it "
                               "was left untouched: remove the other links (find / -xdev -samefile %s) and run "
                               "again" % (status.st_nlink, path))


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


def atomic_write(path, data, mode=None, owner=None, own_links=()):
    """Replace `path` with `data` (bytes) in one step; returns the stale
    temporary files of earlier, killed writers that were removed.

    An existing file keeps its mode, owner, group and extended attributes
    (SELinux label, ACLs, user.*) unless `mode` or `owner` ((uid, gid)) is
    given; a new file gets `mode` or 0644. A symlink is written through (its
    target is replaced), as the program reading the link would see it. A
    target that is not a regular file, or that has hard links other than
    `own_links`, is refused (WriteError) and left as it is.
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
    if current is not None:
        refuse_unreplaceable(path, current, own_links)
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
        if owner is not None:  # before the attributes: chown drops security.capability
            chown_if_permitted(temporary, owner[0], owner[1])
        if current is not None:
            copy_xattrs(target, temporary)
        os.chmod(temporary, mode)  # after an ACL copy, so that the mode asked for wins
        os.replace(temporary, target)
        replaced = True
        fsync_directory(directory)
    except OSError as exc:
        raise WriteError(path, "cannot write: %s" % (exc.strerror or exc))
    finally:
        if not replaced and os.path.lexists(temporary):
            os.unlink(temporary)
    return removed
