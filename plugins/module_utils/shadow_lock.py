# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lock shadow's tools (useradd, usermod, userdel, libsubid) take before
they change /etc/passwd, /etc/subuid and their kin, taken the same way, so
that a useradd running at the same moment as a Stockade writer waits for it
(or it for useradd) instead of one of them losing the other's update.

The protocol is shadow's lib/commonio.c (4.13, Debian 12, and 4.17, Debian
13, the same in substance; see the project notes, shop/notes.md section 3):

1. the global lock: glibc's lckpwdf(), a POSIX write lock (fcntl F_SETLKW)
   on the whole of /etc/.pwd.lock, waited for at most 15 seconds. shadow
   takes it before its first file lock and keeps it until its last file is
   unlocked. POSIX locks belong to the process: closing any descriptor of
   the file drops it, so this process opens it once.
2. per file FILE.lock: write "PID\\0" (decimal, one NUL) into FILE.PID,
   hard-link it to FILE.lock, and hold the lock only when FILE.PID then has
   exactly two links; FILE.PID is removed either way. An existing FILE.lock
   whose pid does not answer kill(pid, 0) is stale: it is removed and the
   link tried once more. A FILE.lock whose content is not a pid is never
   taken for stale (shadow fails on it too): the writer fails, naming it.
   With the global lock held, shadow tries each file once; so does this.
3. unlock: remove FILE.lock of each file, then close /etc/.pwd.lock.

The files are replaced while the locks are held (posture/atomic_files, a
temporary file and rename, as shadow's FILE+ and rename). A writer killed
while holding them leaves FILE.lock with its dead pid, which the next taker
(shadow or this) breaks; a FILE.PID it leaves is removed by the next run
here. Standard library only.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import time

PWD_LOCK = "/etc/.pwd.lock"
LCKPWDF_TIMEOUT_S = 15     # glibc lckpwdf(): alarm(15)
_POLL_S = 0.05
_PID_TEXT = re.compile(rb"([0-9]{1,19})\0?\Z")


class LockError(Exception):
    """A lock could not be taken; the message names the lock file and why."""


def _alive(pid):
    """kill(pid, 0) as shadow asks it: only a clean answer means alive (EPERM
    counts as stale in shadow too)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _lock_holder(lock):
    """The pid recorded in `lock`, or None when it holds none; LockError when
    it holds something shadow would not read as a pid."""
    try:
        with open(lock, "rb") as handle:
            text = handle.read(32).split(b"\0", 1)[0]
    except FileNotFoundError:
        return None
    match = _PID_TEXT.fullmatch(text)
    if not match or int(match.group(1)) <= 0:
        raise LockError("%s: existing lock file with an invalid PID %r; shadow refuses it too: remove it once no "
                        "useradd, usermod or userdel runs" % (lock, text[:20]))
    return int(match.group(1))


def _remove_dead_temporaries(path):
    """FILE.PID files of processes that no longer run, left by a killed holder
    (ours, or shadow's: both write "PID\\0" into them)."""
    directory, name = os.path.split(path)
    pattern = re.compile(re.escape(name) + r"\.([0-9]+)\Z")
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry)
        if not match or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
            continue
        candidate = os.path.join(directory, entry)
        try:
            with open(candidate, "rb") as handle:
                # "PID\0", or a part of it when its writer was killed while writing it; anything else is not
                # a lock temporary (an operator's copy named subuid.2024, say): left alone
                if not (b"%s\0" % match.group(1).encode("ascii")).startswith(handle.read(32)):
                    continue
            os.unlink(candidate)
        except OSError:
            continue


def _take_file_lock(path):
    """One attempt at FILE.lock (shadow's do_lock_file): True when held."""
    temporary = "%s.%d" % (path, os.getpid())
    lock = path + ".lock"
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.write(fd, b"%d\0" % os.getpid())
        os.fdatasync(fd)
    finally:
        os.close(fd)
    try:
        for attempt in (1, 2):
            try:
                os.link(temporary, lock)
            except FileExistsError:
                if attempt == 2:
                    return False
                holder = _lock_holder(lock)
                if holder is not None and _alive(holder):
                    return False
                try:
                    os.unlink(lock)   # stale: its holder is gone
                except FileNotFoundError:
                    pass
                continue
            if os.stat(temporary).st_nlink != 2:
                raise LockError("%s: lock file already used (a file system without hard links?)" % lock)
            return True
        return False
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


class ShadowLock:
    """`with ShadowLock(root, ["/etc/subuid", "/etc/subgid"]):` holds shadow's
    global lock and the lock of each file (paths on the host, under `root`);
    LockError when one is busy or cannot be taken. Hold it briefly: a
    useradd waiting for /etc/.pwd.lock gives up after 15 seconds."""

    def __init__(self, root, files, timeout=LCKPWDF_TIMEOUT_S, clock=time.monotonic, sleep=time.sleep):
        self.root = root
        self.files = [self._local(path) for path in files]
        self.pwd_lock = self._local(PWD_LOCK)
        self.timeout = timeout
        self._clock, self._sleep = clock, sleep
        self._fd = None
        self._held = []

    def _local(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _lckpwdf(self):
        """glibc lckpwdf(): the POSIX write lock on /etc/.pwd.lock, waited for
        by polling (no SIGALRM, which the module's process may not own)."""
        try:
            fd = os.open(self.pwd_lock, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise LockError("%s: cannot open shadow's global lock: %s" % (self.pwd_lock, exc.strerror or exc))
        deadline = self._clock() + self.timeout
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    os.close(fd)
                    raise LockError("%s: %s" % (self.pwd_lock, exc.strerror or exc))
                if self._clock() >= deadline:
                    os.close(fd)
                    raise LockError("%s: not obtained within %d s: useradd, usermod or another user tool holds "
                                    "it; run again when it is done" % (self.pwd_lock, self.timeout))
                self._sleep(_POLL_S)
                continue
            self._fd = fd
            return

    def __enter__(self):
        self._lckpwdf()
        try:
            for path in self.files:
                _remove_dead_temporaries(path)
                if not _take_file_lock(path):
                    raise LockError("%s.lock: held by PID %s (a user tool is changing %s); run again when it "
                                    "is done" % (path, _lock_holder(path + ".lock"), path))
                self._held.append(path)
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, *exc):
        self.release()
        return False

    def release(self):
        """Unlock the files, newest first, then drop the global lock."""
        while self._held:
            try:
                os.unlink(self._held.pop() + ".lock")
            except FileNotFoundError:
                pass
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
