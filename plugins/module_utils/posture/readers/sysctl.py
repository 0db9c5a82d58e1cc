# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kernel parameters: the running value in /proc/sys and the value the
sysctl.d files will set at the next boot.

Mirrors systemd-sysctl 252 (Debian 12; run against test trees on the CI
machine, tests/unit/consumers/test_systemd_sysctl.py) and, from its source,
257 (Debian 13), both built for merged /usr:
- the directories are /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d
  and /usr/lib/sysctl.d (no /lib/sysctl.d: on merged-/usr hosts it is
  /usr/lib/sysctl.d, and /etc/sysctl.conf is read only through Debian's
  /etc/sysctl.d/99-sysctl.conf symlink);
- a `*.conf` name (not starting with a dot) in a higher directory hides the
  same name in every lower one, whatever it is: a symlink to /dev/null or an
  empty file masks it, a dangling symlink hides it silently, a directory
  hides it and fails systemd-sysctl;
- the winning files are read in the order of their names; a later
  assignment of a key replaces an earlier one;
- lines end at `\\n`, `\\r` or NUL; blanks around keys and values are cut
  (blanks inside a value are kept, quotes and backslashes too); lines
  starting with `#` or `;` are comments; a line without `=` is ignored and
  makes systemd-sysctl fail (exit 1) while it applies the rest, and so does a
  directory or a socket of a winning name: the reader notes these failures
  (SysctlSettings.failures) and reads on; `-key = value` means "ignore a
  failure to write" (blanks after the `-` are cut too), and a `-key` line
  without `=` is a negative match: that key is not written at all, neither
  by an earlier assignment nor by any glob;
- a key is a path under /proc/sys: if its first separator is a dot, dots and
  slashes swap (`net.ipv4.conf.eth0/1.rp_filter` is
  `net/ipv4/conf/eth0.1/rp_filter`);
- a key with glob characters sets every matching entry that no explicit key
  sets.
Unreadable files and directories are an error, never skipped; so are FIFOs
and devices, which systemd-sysctl would block on or read forever.

`planned` ({path: text, or None for a file about to be removed}) reads the
files as a writer is about to leave them, so that the kernel role decides
which file wins with this reader before it writes (module coexistence_info).
"""

from __future__ import annotations

import posixpath
import re

from .hostfs import ConfigError
from .numbers import proc_dointvec_whole

SYSCTL_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d")
_GLOB = re.compile(r"[*?\[]")
_BLANKS = " \t\n\r"


def running_value(host, name):
    """The value in /proc/sys, or None where /proc/sys is not under the root."""
    text = host.read_text("/proc/sys/" + normalize(name))
    return None if text is None else " ".join(text.split())


# The int an int sysctl holds after systemd-sysctl writes a value (and a
# newline) to it, or None where the kernel refuses it: numbers.py.
sysctl_integer = proc_dointvec_whole


def normalize(key):
    """The /proc/sys path of a key (systemd's sysctl_normalize())."""
    first = re.search(r"[/.]", key)
    if first and first.group(0) == ".":
        key = key.translate(str.maketrans("./", "/."))
    parts = [p for p in key.split("/") if p and p != "."]
    return "/".join(parts)


class SysctlSettings:
    """What systemd-sysctl will write at boot: explicit keys and glob patterns,
    and what it will report as failures while applying the rest."""

    def __init__(self):
        self.explicit = {}    # normalized key: (value, file)
        self.globs = {}       # normalized pattern: (value, file), in assignment order
        self.failures = []    # "file: why" lines systemd-sysctl ignores, exiting 1

    def get(self, name):
        """(value, file) systemd-sysctl writes to `name`, or None (also when a
        negative match keeps it from writing anything)."""
        key = normalize(name)
        if key in self.explicit:
            setting = self.explicit[key]
            return None if setting[0] is None else setting
        found = None
        for pattern, setting in self.globs.items():
            if _glob_match(pattern, key):
                found = setting
        return found

    def assign(self, key, value, path):
        table = self.globs if _GLOB.search(key) else self.explicit
        table.pop(key, None)    # re-insert: a later assignment comes later
        table[key] = (value, path)


def _glob_match(pattern, key):
    import fnmatch
    parts, names = pattern.split("/"), key.split("/")
    return len(parts) == len(names) and all(
        fnmatch.fnmatchcase(n, p) and not (n.startswith(".") and not p.startswith("."))
        for p, n in zip(parts, names))


def config_files(host, planned=None):
    """[(name, path)] of the files systemd-sysctl reads, in its order; with
    `planned`, once those paths are written (text) or removed (None)."""
    planned = planned or {}
    by_name = {}
    for directory in reversed(SYSCTL_DIRS):
        names = set(_entries(host, directory))
        for path, text in planned.items():
            if posixpath.dirname(path) == directory and path.endswith(".conf"):
                (names.add if text is not None else names.discard)(posixpath.basename(path))
        for name in names:
            by_name[name] = posixpath.join(directory, name)
    return [(name, by_name[name]) for name in sorted(by_name)]


def _entries(host, directory):
    """Every `*.conf` name in a directory, whatever kind of entry it is."""
    import os
    try:
        local = host.resolve(directory)
    except ConfigError:
        return []
    try:
        names = os.listdir(local)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(directory, "cannot list: %s (systemd-sysctl would read it)"
                          % (exc.strerror or exc))
    return [n for n in names if n.endswith(".conf") and not n.startswith(".")]


def persisted_values(host, planned=None):
    """SysctlSettings as systemd-sysctl applies them at boot (with `planned`:
    once those files are written or removed). A FIFO or a device (it would
    block or read forever), a file the audit may not read and a directory it
    may not list are ConfigErrors."""
    planned = planned or {}
    settings = SysctlSettings()
    for _name, path in config_files(host, planned):
        if planned.get(path) is not None:
            _parse(planned[path], path, settings)
            continue
        if _masks(host, path):
            continue
        kind = _kind(host, path)
        if kind in ("directory", "socket"):     # fopen()/read fail: reported, the rest applied
            settings.failures.append("%s: is a %s, systemd-sysctl fails to read it" % (path, kind))
            continue
        text = host.read_text(path)
        if text is None:        # dangling symlink: fopen() fails with ENOENT, ignored
            continue
        _parse(text, path, settings)
    return settings


def _kind(host, path):
    import os
    import stat
    try:
        mode = os.stat(host.resolve(path)).st_mode
    except (OSError, ConfigError):
        return None             # read_text says what is wrong, if anything
    if stat.S_ISDIR(mode):
        return "directory"
    return "socket" if stat.S_ISSOCK(mode) else None


def _masks(host, path):
    """A symlink to /dev/null (under the audited root)."""
    try:
        return host.resolve(path) == host.resolve("/dev/null")
    except ConfigError:
        return False


def _parse(text, path, settings):
    for number, raw in enumerate(re.split(r"\r\n|[\n\r\0]", text), 1):
        line = raw.strip(_BLANKS)
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        key = key.strip(_BLANKS)
        negative = key.startswith("-")
        if negative:
            key = key[1:].strip(_BLANKS)
        if not sep and negative and normalize(key) and not _GLOB.search(normalize(key)):
            settings.assign(normalize(key), None, path)   # negative match: never written
            continue
        if not sep:
            settings.failures.append("%s: line %d is not an assignment, systemd-sysctl ignores it and "
                                     "fails: %r" % (path, number, line[:60]))
            continue
        key = normalize(key)
        if not key:
            settings.failures.append("%s: line %d has no key, systemd-sysctl fails on it: %r"
                                     % (path, number, line[:60]))
            continue
        settings.assign(key, value.strip(_BLANKS), path)
