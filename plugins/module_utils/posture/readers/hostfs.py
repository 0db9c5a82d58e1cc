# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only access to a host's files under a root directory.

The same audit runs on a live host (`/`), a chroot or an unpacked image, so
every path is resolved inside the root, including absolute symlinks (which
would otherwise escape to the auditing machine's own files). Reads are cached:
several controls look at the same files, and the audit must stay cheap.

Every reader opens files through here, so the audit never hangs and never
runs out of memory on a hostile tree: a file is stat'ed before it is opened
and only a regular file (or /dev/null, which reads as empty) is read; FIFOs,
sockets and device nodes are refused (reading them blocks forever or never
ends, and opening a device can have side effects); no more than
MAX_FILE_BYTES are read; JSON nested deeper than MAX_NESTING is refused.
What cannot be read (permissions, when the audit does not run as root) is a
ConfigError naming the file, never "absent": the engine, running as root,
reads it.
"""

from __future__ import annotations

import errno
import json
import os
import posixpath
import stat


class ConfigError(Exception):
    """A file exists but cannot be used: the control that needs it reports error."""

    def __init__(self, path, cause):
        super().__init__("%s: %s" % (path, cause))
        self.path = path
        self.cause = cause


_MAX_SYMLINKS = 40
_MISSING = object()

# The largest file a reader accepts. Real inputs are far smaller (a seccomp
# profile ~30 KiB, /proc/PID/mounts of a busy node ~2 MiB, a 100k-line
# /etc/subuid ~3 MiB); at 8 MiB the worst JSON ([{},{},...]) still parses into
# less than 400 MiB of objects.
MAX_FILE_BYTES = 8 * 1024 * 1024
# The deepest JSON a reader accepts: real profiles and daemon.json nest 4-5
# levels; Python's own parser stops near 1000 with a RecursionError, and
# anything deep would make every later walk over the value recursive.
MAX_NESTING = 100
_DEV_NULL = os.makedev(1, 3)


def _is_dev_null(status):
    return stat.S_ISCHR(status.st_mode) and status.st_rdev == _DEV_NULL


KINDS = ("file", "dir", "fifo", "socket", "device", "missing")
_NOT_REGULAR = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"))


def _kind_of(status):
    """One of KINDS (not "missing") for a stat result."""
    mode = status.st_mode
    if stat.S_ISREG(mode) or _is_dev_null(status):  # /dev/null reads as an empty file
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISFIFO(mode):
        return "fifo"
    return "socket" if stat.S_ISSOCK(mode) else "device"


def not_regular(status):
    """Why a file with this stat cannot be read as configuration, or None
    (also why a writer must not replace it: see posture/atomic_files)."""
    if stat.S_ISREG(status.st_mode):
        return None
    for test, kind in _NOT_REGULAR:
        if test(status.st_mode):
            return "is %s, expected a regular file" % kind
    return "is not a regular file"


_not_regular = not_regular


# What systemd 252's conf-files does with an entry of each kind, as
# systemd-sysctl lists sysctl.d (run here over a private sysctl.d,
# tests/engines/test_conf_dir_consumers.py): it reads every non-hidden name
# with the suffix; a directory, a socket or a dangling link fails to open and
# is skipped ("ignoring"); a FIFO or /dev/zero hangs it, and nothing is applied.
SKIPPED_BY_SYSTEMD = frozenset(("dir", "socket", "missing"))


def read_regular(local, limit=MAX_FILE_BYTES):
    """Bytes of the regular file at `local` (no more than `limit`).

    Raises OSError as open() would, and ValueError with the reason when the
    file is not a regular file or is too large. /dev/null reads as empty, as
    every consumer reads it. A FIFO is never opened; the file is opened with
    O_NONBLOCK and checked again after opening, in case it was swapped.
    """
    before = os.stat(local)
    if _is_dev_null(before):
        return b""
    reason = _not_regular(before)
    if reason:
        raise ValueError(reason)
    fd = os.open(local, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        after = os.fstat(fd)
        reason = _not_regular(after)
        if reason or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise ValueError(reason or "changed while it was being opened")
        if after.st_size > limit:
            raise ValueError(_too_large(after.st_size, limit))
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # /proc and /sys files report size 0
                raise ValueError(_too_large(None, limit))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(size, limit):
    found = "%d bytes" % size if size is not None else "more"
    return "is %s, larger than the %d MiB a configuration file may have" % (found, limit >> 20)


def nesting_depth(value):
    """How deeply lists and dicts nest in a parsed value (without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def lone_surrogate(value):
    """The first string (key or value) of a parsed JSON value that holds a
    lone UTF-16 surrogate (the escape "\\ud800"), or None; without recursion.

    Python's json keeps such a code point; Go's encoding/json (dockerd, the
    engines' seccomp decoding) reads it as U+FFFD. A writer that parsed the
    file with Python would reason about text the engine never sees, so the
    writers refuse such a file rather than rewrite it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


class HostRoot:
    """A host file system seen through a root directory; never writes."""

    def __init__(self, root="/"):
        self.root = os.path.abspath(root)
        self.is_live = os.path.realpath(self.root) == "/"
        self._text_cache = {}
        self._listing_cache = {}
        self._resolved = {}
        self._links = {}
        self._derived = {}

    def derived(self, key, compute):
        """compute() once per HostRoot for `key`: what a reader builds from files
        this object caches (such as dpkg's parsed status), so that several
        controls asking for it parse the file once. A ConfigError is remembered
        and raised again, like read_text's."""
        value = self._derived.get(key, _MISSING)
        if value is _MISSING:
            try:
                value = compute()
            except ConfigError as exc:
                value = exc
            self._derived[key] = value
        if isinstance(value, ConfigError):
            raise value
        return value

    def resolve(self, path):
        """Map an absolute host path to a path on this machine, following
        symlinks as the host would see them (never above the root)."""
        if path not in self._resolved:
            self._resolved[path] = self._resolve(path)
        return self._resolved[path]

    def _resolve(self, path):
        parts = [p for p in path.split("/") if p and p != "."]
        resolved = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if resolved:
                    resolved.pop()
                continue
            candidate = resolved + [part]
            local = self._local(candidate)
            target = self._link_target(local)
            if target is not None:
                hops += 1
                if hops > _MAX_SYMLINKS:
                    raise ConfigError(path, "too many levels of symbolic links")
                if target.startswith("/"):
                    resolved = []
                parts = [p for p in target.split("/") if p and p != "."] + parts
                continue
            resolved = candidate
        return self._local(resolved)

    def _local(self, parts):
        if not parts:
            return self.root
        return self.root.rstrip("/") + "/" + "/".join(parts)

    def _link_target(self, local):
        """readlink of `local`, or None when it is not a symlink; remembered,
        since most paths an audit reads share their leading directories
        (one lstat each costs tens of microseconds on an emulated host)."""
        if local not in self._links:
            self._links[local] = os.readlink(local) if os.path.islink(local) else None
        return self._links[local]

    def leaves(self, path, directory):
        """Where `path` leads, as a host path, when following its symlinks takes it out of
        `directory` (both resolved inside the root); None when it stays inside. Never opens it."""
        inside = self.resolve(directory).rstrip("/")
        local = self.resolve(path)
        if local == inside or local.startswith(inside + "/") or inside == self.root.rstrip("/"):
            return None
        return "/" + local[len(self.root.rstrip("/")):].lstrip("/")

    def exists(self, path):
        """Whether `path` exists; ConfigError when that cannot be told (a
        directory on the way that the audit may not search)."""
        return self._kind(path) != "missing"

    def is_dir(self, path):
        return self._kind(path) == "dir"

    def read_text(self, path):
        """Return the file's text, or None when it does not exist.

        Raises ConfigError when it exists but cannot be read or decoded.
        """
        cached = self._text_cache.get(path, _MISSING)
        if cached is not _MISSING:
            if isinstance(cached, ConfigError):
                raise cached
            return cached
        try:
            value = read_regular(self.resolve(path)).decode("utf-8")
        except (FileNotFoundError, NotADirectoryError):
            value = None
        except ValueError as exc:  # not a regular file, too large, not UTF-8
            value = ConfigError(path, _decode_reason(exc))
        except ConfigError as exc:
            value = exc
        except OSError as exc:
            value = ConfigError(path, "cannot read: %s" % (exc.strerror or exc))
        self._text_cache[path] = value
        if isinstance(value, ConfigError):
            raise value
        return value

    def read_bytes(self, path):
        """The file's bytes, or None when it does not exist, for a reader
        that decodes them as its consumer does (daemon.json); not cached.
        Raises ConfigError as read_text does."""
        try:
            return read_regular(self.resolve(path))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except ValueError as exc:
            raise ConfigError(path, _decode_reason(exc))
        except OSError as exc:
            raise ConfigError(path, "cannot read: %s" % (exc.strerror or exc))

    def files_read(self):
        """Local paths of the files this root has read so far (for benchmarks)."""
        return [self.resolve(path) for path, value in self._text_cache.items()
                if isinstance(value, str)]

    def read_json(self, path):
        """Parse a JSON file; None when absent, ConfigError when malformed."""
        text = self.read_text(path)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except RecursionError:
            value = None
            depth = MAX_NESTING + 1
        except ValueError as exc:
            raise ConfigError(path, "invalid JSON: %s" % exc)
        else:
            depth = nesting_depth(value)
        if depth > MAX_NESTING:
            raise ConfigError(path, "JSON nested deeper than %d levels: refused" % MAX_NESTING)
        return value

    def list_dir(self, path, suffix=""):
        """Sorted names in a drop-in directory that systemd's conf-files
        reads (empty when the directory is absent): SKIPPED_BY_SYSTEMD and
        hidden names are left out. FIFOs and devices are listed, because
        systemd reads them (and hangs): reading them here is a ConfigError.
        An entry that cannot be stat'ed (a directory readable but not
        searchable, when the audit is not root) is a ConfigError: root would
        see what it is.
        """
        key = (path, suffix)
        if key not in self._listing_cache:
            try:
                names = os.listdir(self.resolve(path))
            except (FileNotFoundError, NotADirectoryError, ConfigError):
                names = []
            except OSError as exc:
                raise ConfigError(path, "cannot list: %s" % (exc.strerror or exc))
            self._listing_cache[key] = sorted(
                n for n in names if n.endswith(suffix) and not n.startswith(".")
                and self._kind(posixpath.join(path, n)) not in SKIPPED_BY_SYSTEMD)
        return self._listing_cache[key]

    def stat(self, path):
        """os.stat of the path as the host sees it (symlinks followed inside
        the root), or None when it does not exist. Never opens the file, so
        FIFOs and devices are safe to ask about."""
        try:
            return os.stat(self.resolve(path))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise ConfigError(path, "cannot stat: %s" % (exc.strerror or exc))

    def read_link(self, path):
        """The target of the symlink at `path` (its directory resolved inside
        the root), as written; None when it is absent or not a symlink. For
        the kernel's magic links, such as /proc/PID/ns/ipc -> ipc:[4026531839]."""
        directory, name = posixpath.split(path)
        try:
            return os.readlink(os.path.join(self.resolve(directory), name))
        except (FileNotFoundError, NotADirectoryError, OSError, ConfigError):
            return None

    def list_subdirs(self, path):
        """Sorted names of the directories in `path` (empty when absent);
        ConfigError when it or an entry cannot be read."""
        try:
            names = os.listdir(self.resolve(path))
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise ConfigError(path, "cannot list: %s" % (exc.strerror or exc))
        return sorted(n for n in names if self._kind(posixpath.join(path, n)) == "dir")

    def _kind(self, path):
        """What `path` is, following links inside the root: one of KINDS
        ("missing" for absent, dangling or looping); ConfigError when it
        cannot be stat'ed."""
        try:
            status = os.stat(self.resolve(path))
        except ConfigError:
            return "missing"
        except (FileNotFoundError, NotADirectoryError):
            return "missing"
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "missing"
            raise ConfigError(path, "cannot stat: %s" % (exc.strerror or exc))
        return _kind_of(status)

    def first_existing(self, paths):
        """The first of `paths` that exists, or None."""
        for path in paths:
            if self.exists(path):
                return path
        return None

    def which(self, name, dirs=("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                "/usr/bin", "/sbin", "/bin")):
        """Where an executable is installed under the root (None if nowhere).

        Executable means an x bit for root's sake, not the auditing user's;
        ConfigError when a directory on the way cannot be searched."""
        for directory in dirs:
            path = posixpath.join(directory, name)
            if self._kind(path) == "file" and os.stat(self.resolve(path)).st_mode & 0o111:
                return path
        return None


def _decode_reason(exc):
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text (byte %d)" % exc.start
    return str(exc)
