# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Effective settings of engines configured by layered TOML files.

Podman (containers.conf, see containers_conf.py for exactly how) and CRI-O
(crio.conf) both read several files in order, a later file overriding a key
set earlier. The audit must judge the merged result and say which file set
each value, because a late drop-in silently undoes a hardened main file.
"""

from __future__ import annotations

import posixpath

from ..readers import containers_conf as podman_reading
from ..readers.go_json import fold
from ..readers.hostfs import ConfigError
from ..model import render_value
from ..readers.toml_lite import TomlError, loads


class Setting:
    """One effective value and the file that set it (None: engine default)."""

    def __init__(self, value, source, ignored_in=None):
        self.value = value
        self.source = source
        self.ignored_in = ignored_in   # a file that sets the key, which the engine ignores

    def describe(self, key):
        where = self.source or "engine default"
        if self.ignored_in:
            where += "; %s sets it, but this engine version does not know the key and ignores it" % self.ignored_in
        return "%s = %s (%s)" % (key, render_value(self.value), where)


class LayeredConfig:
    """Merged view over TOML files; keys are dotted paths like 'containers.userns'."""

    def __init__(self, files, reading=None):
        self.files = files  # the files that exist, in the order applied
        self.reading = reading  # how Podman's version reads them (containers_conf.Reading), None: plain merge
        self.reading_note = ""
        self._values = {}
        self._sources = {}
        self._append = {}    # path -> the append attribute in force (containers-common 0.57+)
        self._ignored = {}   # dotted key -> a file that set it although the engine ignores it

    @classmethod
    def load(cls, host, paths):
        config = cls([])
        for path in paths:
            data = read_toml(host, path)
            if data is not None:
                config.add(data, path)
        return config

    def add(self, data, source):
        """Apply one more file's parsed data on top, as the engine reads the next file."""
        self.files.append(source)
        if self.reading is None:
            self._merge(data, (), source)
            return
        decoded = podman_reading.decode(data, self.reading, source)
        for prefix in decoded.replaced:
            for path in [p for p in self._values if p[:len(prefix)] == prefix]:
                del self._values[path], self._sources[path]
        for path, value in decoded.sets:
            self._values[path] = value
            self._sources[path] = source
        for path, strings, flag in decoded.appends:
            if flag is not None:
                self._append[path] = flag
            if self._append.get(path) and path in self._values:
                self._values[path] = self._values[path] + strings
                self._sources[path] = "%s + %s" % (self._sources[path], source)
            else:
                self._values[path] = strings
                self._sources[path] = source
        self._note_ignored(data, decoded, source)

    def _note_ignored(self, data, decoded, source):
        known = {".".join(path[:2]) for path, dummy in decoded.sets}
        known.update(".".join(path[:2]) for path, dummy, dummy2 in decoded.appends)
        for table, value in data.items():
            if isinstance(value, dict):
                for key in value:
                    dotted = "%s.%s" % (table, key)
                    if dotted not in known and fold(table) in self.reading.fields:
                        self._ignored[dotted] = source

    def _merge(self, data, prefix, source):
        for key, value in data.items():
            path = prefix + (key,)
            if isinstance(value, dict):
                self._merge(value, path, source)
            else:
                self._values[path] = value
                self._sources[path] = source

    def get(self, dotted, default=None):
        """The effective Setting for a key, with its source file."""
        path = tuple(dotted.split("."))
        if path in self._values:
            return Setting(self._values[path], self._sources[path])
        return Setting(default, None, self._ignored.get(dotted))

    def settings(self):
        """Every effective value: {dotted key: Setting}."""
        return {".".join(path): Setting(value, self._sources[path]) for path, value in self._values.items()}

    def table(self, dotted):
        """Effective sub-keys below a table: {name: Setting}."""
        prefix = tuple(dotted.split("."))
        found = {}
        for path, value in self._values.items():
            if path[:len(prefix)] == prefix and len(path) > len(prefix):
                found[".".join(path[len(prefix):])] = Setting(value, self._sources[path])
        return found

    def typed(self, dotted, kind, default=None):
        """Like get(), but a value of the wrong type is a ConfigError naming its file."""
        setting = self.get(dotted, default)
        if setting.source and not isinstance(setting.value, kind):
            raise ConfigError(setting.source, "%s must be %s, found %s" % (
                dotted, _kind_name(kind), render_value(setting.value)))
        return setting


def read_toml(host, path):
    """One file's parsed TOML (None when it does not exist); ConfigError naming it when it cannot be
    read or parsed."""
    text = host.read_text(path)
    if text is None:
        return None
    try:
        return loads(text)
    except TomlError as exc:
        raise ConfigError(path, "TOML syntax error at %s" % exc)


def _kind_name(kind):
    names = {str: "a string", bool: "a boolean", list: "a list", int: "an integer"}
    return names.get(kind, kind.__name__)


def dropin_paths(host, main_files, dropin_dirs):
    """main files in order, then *.conf of each drop-in dir, by directory then name."""
    paths = list(main_files)
    for directory in dropin_dirs:
        paths.extend(posixpath.join(directory, n) for n in host.list_dir(directory, ".conf"))
    return paths


def containers_conf(host, user_home=None, before_read=None):
    """Podman's effective containers.conf as its version reads it: the rootful engine's, or with
    `user_home` a rootless user's; `before_read(path)` vets each listed file before it is read."""
    reading, note = podman_reading.reading_for(host)
    config = LayeredConfig([], reading)
    config.reading_note = note
    environment = podman_reading.login_environment(host)
    for path, required in podman_reading.file_order(host, reading, environment, user_home=user_home):
        if before_read is not None:
            before_read(path)
        data = read_toml(host, path)
        if data is None:
            if required:
                raise ConfigError(path, "listed for Podman but it does not exist or is a dangling symlink "
                                        "(%s refuses to start)" % reading.name)
            continue
        config.add(data, path)
    return config


def crio_conf(host):
    """CRI-O's effective configuration: crio.conf, then crio.conf.d in name order."""
    return LayeredConfig.load(host, dropin_paths(
        host, ["/etc/crio/crio.conf"], ["/etc/crio/crio.conf.d"]))
