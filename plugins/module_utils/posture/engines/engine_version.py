# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which version of a container engine a verdict is about, for the controls
whose answer depends on it (a daemon.json value dockerd reads differently
before and after Docker 23, a containers.conf key Podman does or does not
know), and so that their evidence names it.

The running engine answers first (`docker info` ServerVersion, `podman info`
version.Version); without it, the package database: dpkg's status file
(dpkg_status.py), else rpm's (rpmdb.py: RHEL 9, Fedora), whose versions are
compared as rpm compares them (rpmvercmp: 1.0~rc1 is older than 1.0). Hosts
with another package manager, or an engine installed by hand, have no
offline version: None."""

from __future__ import annotations

import re

from ..readers import rpmdb
from ..readers.packages import package_version

# Debian's, Docker Inc.'s and Fedora-style names of the engine packages.
PACKAGES = {"docker": ("docker.io", "docker-ce", "moby-engine"), "podman": ("podman",)}
_NUMBERS = re.compile(r"(?:\d+:)?(\d+(?:\.\d+)*)")


class EngineVersion:
    """A version string, its leading numbers and where it was read."""

    def __init__(self, engine, text, source, rpm_version=None):
        self.engine = engine
        self.text = text
        self.source = source
        self.rpm_version = rpm_version    # the VERSION of an rpm package: compared with rpmvercmp
        match = _NUMBERS.match(text)
        self.numbers = tuple(int(n) for n in match.group(1).split(".")) if match else ()

    def at_least(self, *numbers):
        if self.rpm_version is not None:
            return rpmdb.rpmvercmp(self.rpm_version, ".".join(str(n) for n in numbers)) >= 0
        return bool(self.numbers) and self.numbers >= numbers

    def describe(self):
        return "%s %s (%s)" % (self.engine.capitalize(), self.text, self.source)


def from_info(engine, info):
    """The version a running engine reports in its `info`, or None."""
    if engine == "docker":
        text = info.get("ServerVersion")
    else:
        text = (info.get("version") or {}).get("Version") if isinstance(info.get("version"), dict) else None
    return EngineVersion(engine, text, "%s info" % engine) if isinstance(text, str) and text else None


def from_packages(engine, host):
    """The installed engine package's version from dpkg or rpm, or None."""
    found = package_version(host, PACKAGES[engine])
    if found is None:
        return None
    package, text, source, rpm_version = found
    return EngineVersion(engine, text, "%s: %s" % (source, package), rpm_version)
