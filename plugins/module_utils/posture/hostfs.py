# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only access to a host's files under a root directory.

The same audit runs on a live host (`/`), a chroot or an unpacked image, so
every path is resolved inside the root, including absolute symlinks (which
would otherwise escape to the auditing machine's own files). Reads are cached:
several controls look at the same files, and the audit must stay cheap.
"""

from __future__ import annotations

import json
import os
import posixpath


class ConfigError(Exception):
    """A file exists but cannot be used: the control that needs it reports error."""

    def __init__(self, path, cause):
        super().__init__("%s: %s" % (path, cause))
        self.path = path
        self.cause = cause


_MAX_SYMLINKS = 40
_MISSING = object()


class HostRoot:
    """A host file system seen through a root directory; never writes."""

    def __init__(self, root="/"):
        self.root = os.path.abspath(root)
        self.is_live = os.path.realpath(self.root) == "/"
        self._text_cache = {}
        self._listing_cache = {}
        self._resolved = {}

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
            if os.path.islink(local):
                hops += 1
                if hops > _MAX_SYMLINKS:
                    raise ConfigError(path, "too many levels of symbolic links")
                target = os.readlink(local)
                if target.startswith("/"):
                    resolved = []
                parts = [p for p in target.split("/") if p and p != "."] + parts
                continue
            resolved = candidate
        return self._local(resolved)

    def _local(self, parts):
        if not parts:
            return self.root
        return os.path.join(self.root, *parts)

    def exists(self, path):
        try:
            return os.path.exists(self.resolve(path))
        except ConfigError:
            return False

    def is_dir(self, path):
        try:
            return os.path.isdir(self.resolve(path))
        except ConfigError:
            return False

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
            local = self.resolve(path)
            with open(local, "rb") as handle:
                data = handle.read()
            value = data.decode("utf-8")
        except FileNotFoundError:
            value = None
        except IsADirectoryError:
            value = ConfigError(path, "is a directory, expected a file")
        except NotADirectoryError:
            value = None
        except UnicodeDecodeError as exc:
            value = ConfigError(path, "not UTF-8 text (byte %d)" % exc.start)
        except ConfigError as exc:
            value = exc
        except OSError as exc:
            value = ConfigError(path, "cannot read: %s" % (exc.strerror or exc))
        self._text_cache[path] = value
        if isinstance(value, ConfigError):
            raise value
        return value

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
            return json.loads(text)
        except ValueError as exc:
            raise ConfigError(path, "invalid JSON: %s" % exc)

    def list_dir(self, path, suffix=""):
        """Sorted names of regular files in a directory (empty when absent)."""
        key = (path, suffix)
        if key not in self._listing_cache:
            try:
                names = os.listdir(self.resolve(path))
            except (FileNotFoundError, NotADirectoryError, ConfigError):
                names = []
            except OSError as exc:
                raise ConfigError(path, "cannot list: %s" % (exc.strerror or exc))
            self._listing_cache[key] = sorted(
                n for n in names
                if n.endswith(suffix) and not n.startswith(".")
                and os.path.isfile(self.resolve(posixpath.join(path, n)))
            )
        return self._listing_cache[key]

    def first_existing(self, paths):
        """The first of `paths` that exists, or None."""
        for path in paths:
            if self.exists(path):
                return path
        return None

    def which(self, name, dirs=("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                "/usr/bin", "/sbin", "/bin")):
        """Where an executable is installed under the root (None if nowhere)."""
        for directory in dirs:
            path = posixpath.join(directory, name)
            try:
                local = self.resolve(path)
            except ConfigError:
                continue
            if os.path.isfile(local) and os.access(local, os.X_OK):
                return path
        return None
