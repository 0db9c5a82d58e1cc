# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Effective settings of engines configured by layered TOML files.

Podman (containers.conf) and CRI-O (crio.conf) both read a main file and then
drop-in directories in name order, a later file overriding a key set earlier.
The audit must judge the merged result and say which file set each value,
because a late drop-in silently undoes a hardened main file.
"""

from __future__ import annotations

import posixpath

from .hostfs import ConfigError
from .model import render_value
from .toml_lite import TomlError, loads


class Setting:
    """One effective value and the file that set it (None: engine default)."""

    def __init__(self, value, source):
        self.value = value
        self.source = source

    def describe(self, key):
        where = self.source or "engine default"
        return "%s = %s (%s)" % (key, render_value(self.value), where)


class LayeredConfig:
    """Merged view over TOML files; keys are dotted paths like 'containers.userns'."""

    def __init__(self, files):
        self.files = files  # the files that exist, in the order applied
        self._values = {}
        self._sources = {}

    @classmethod
    def load(cls, host, paths):
        config = cls([])
        for path in paths:
            if host.exists(path):
                config.add(read_toml(host, path), path)
        return config

    def add(self, data, source):
        """Apply one more file's parsed data on top, as the engine reads the next file."""
        self.files.append(source)
        self._merge(data, (), source)

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
        return Setting(default, None)

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
    """One file's parsed TOML; ConfigError naming it when it cannot be read or parsed."""
    try:
        return loads(host.read_text(path) or "")
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


def containers_conf(host):
    """Podman's effective containers.conf for a rootful engine (containers-config(5))."""
    return LayeredConfig.load(host, dropin_paths(
        host,
        ["/usr/share/containers/containers.conf"],
        ["/usr/share/containers/containers.conf.d",
         "/usr/share/containers/containers.rootful.conf.d"],
    ) + dropin_paths(
        host,
        ["/etc/containers/containers.conf"],
        ["/etc/containers/containers.conf.d",
         "/etc/containers/containers.rootful.conf.d"],
    ))


def crio_conf(host):
    """CRI-O's effective configuration: crio.conf, then crio.conf.d in name order."""
    return LayeredConfig.load(host, dropin_paths(
        host, ["/etc/crio/crio.conf"], ["/etc/crio/crio.conf.d"]))
