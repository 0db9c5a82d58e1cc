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
import time

from ansible_collections.stockade.hardening.plugins.module_utils.posture import atomic_files
from ansible_collections.stockade.hardening.plugins.module_utils.posture.atomic_files import (  # noqa: F401 (API)
    WriteError,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import hostfs

try:  # inside a module, what is removed shows in the task's warnings
    from ansible.module_utils.common.warnings import warn as _warn
except ImportError:  # pragma: no cover - outside Ansible
    _warn = None

DEFAULT_NEW_FILE_MODE = atomic_files.DEFAULT_NEW_FILE_MODE


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
    """The file's content, or None when it does not exist; read by the audit's
    rules (hostfs.read_regular: stat first, no FIFO or device, at most
    hostfs.MAX_FILE_BYTES), so that a backup or base file never hangs a writer."""
    try:
        return hostfs.read_regular(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError as exc:
        raise WriteError(path, str(exc))
    except OSError as exc:
        raise WriteError(path, "cannot read: %s" % (exc.strerror or exc))


def backup_name(path, now=None):
    """Where a backup of `path` goes: ``path.PID.YYYY-MM-DD@HH:MM:SS~``, the
    name Ansible's own backup_local uses, so operators find it where they look."""
    stamp = time.strftime("%Y-%m-%d@%H:%M:%S~", time.localtime(now))
    return "%s.%d.%s" % (path, os.getpid(), stamp)


def make_backup(path):
    """Copy `path` next to itself with its mode, owner, times and extended
    attributes; return the backup's path. Never overwrites an earlier backup.

    The copy is made under a temporary name, flushed to disk, and only then
    linked to the backup's name: a writer killed at any moment leaves either
    no backup or a complete one (its temporary file is removed by the next
    write of `path`)."""
    remove_stale_temporaries(path)
    base = backup_name(path)
    try:
        fd, temporary = atomic_files.create_temporary(path)
    except OSError as exc:
        raise WriteError(path, "cannot make a backup: %s" % (exc.strerror or exc))
    candidate = base
    try:
        os.close(fd)
        shutil.copy2(path, temporary)  # content, mode, times
        status = os.stat(path)
        atomic_files.chown_if_permitted(temporary, status.st_uid, status.st_gid)
        atomic_files.copy_xattrs(path, temporary)  # after chown, which drops security.capability
        os.chmod(temporary, status.st_mode & 0o7777)  # chown cleared set-id bits
        atomic_files.fsync_file(temporary)
        counter = 0
        while not _link_new(temporary, candidate):
            counter += 1
            candidate = "%s%d" % (base, counter)
        atomic_files.fsync_directory(os.path.dirname(os.path.abspath(candidate)))
    except OSError as exc:
        raise WriteError(path, "cannot make a backup at %s: %s" % (candidate, exc.strerror or exc))
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return candidate


def _link_new(source, name):
    """Give `source` the new name `name`; False when `name` exists."""
    try:
        os.link(source, name)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(name):  # a file system without hard links
            return False
        os.rename(source, name)
    return True


def check_replaceable(paths, own_links=()):
    """WriteError, before anything is written or backed up, when one of the existing `paths` cannot be
    replaced (hard-linked to a name other than `own_links`, or not a regular file): a writer checks all its
    files first, so that a run never stops half-way through them."""
    for path in paths:
        try:
            status = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise WriteError(path, "cannot stat: %s" % (exc.strerror or exc))
        atomic_files.refuse_unreplaceable(path, status, own_links)


def atomic_write(path, data, mode=None, owner=None, own_links=()):
    """Replace `path` with `data` (bytes) in one step (see
    posture.atomic_files.atomic_write); temporary files that earlier,
    killed writers left are removed and reported as warnings."""
    removed = atomic_files.atomic_write(path, data, mode=mode, owner=owner, own_links=own_links)
    _report(removed)
    return removed


def remove_stale_temporaries(path):
    """Remove the temporary files that killed writers of `path` left (a
    writer calls this on every run that is not in check mode, also when it
    has nothing to change); they are reported as warnings and returned."""
    removed = atomic_files.remove_stale_temporaries(os.path.realpath(path))
    _report(removed)
    return removed


def clean_up_killed_writers(module, paths, **result):
    """What a writer module runs before it decides there is nothing to
    change: remove the temporary files killed runs left next to `paths`
    (not in check mode, which changes nothing); fail the module with
    `result` when one cannot be removed."""
    if module.check_mode:
        return
    try:
        for path in paths:
            remove_stale_temporaries(path)
    except WriteError as exc:
        module.fail_json(msg=str(exc), **result)


def _report(removed):
    if _warn is None:
        return
    for path in removed:
        _warn("removed %s, a temporary file left by a writer that was killed" % path)


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
