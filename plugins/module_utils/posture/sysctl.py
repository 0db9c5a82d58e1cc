# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kernel parameters: the running value in /proc/sys and the value the
sysctl.d files will set at the next boot (systemd-sysctl's order)."""

from __future__ import annotations

import posixpath

from .hostfs import ConfigError

SYSCTL_DIRS = ("/usr/lib/sysctl.d", "/lib/sysctl.d", "/usr/local/lib/sysctl.d",
               "/run/sysctl.d", "/etc/sysctl.d")


def running_value(host, name):
    """The value in /proc/sys, or None where /proc/sys is not under the root."""
    path = "/proc/sys/" + name.replace(".", "/")
    text = host.read_text(path)
    return None if text is None else " ".join(text.split())


def persisted_values(host):
    """{name: (value, file)} as systemd-sysctl applies them: files from all dirs
    sorted by name (a name in a later dir masks the earlier), then sysctl.conf."""
    by_name = {}
    for directory in SYSCTL_DIRS:
        for name in host.list_dir(directory, ".conf"):
            by_name[name] = posixpath.join(directory, name)
    files = [by_name[n] for n in sorted(by_name)] + ["/etc/sysctl.conf"]
    values = {}
    for path in files:
        text = host.read_text(path)
        for number, raw in enumerate((text or "").splitlines(), 1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            key, sep, value = line.lstrip("-").partition("=")
            if not sep or not key.strip():
                raise ConfigError(path, "line %d is not key = value: %r" % (number, line[:60]))
            values[key.strip().replace("/", ".")] = (" ".join(value.split()), path)
    return values
