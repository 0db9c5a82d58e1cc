# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The versions of its consumer a version-dependent reader mirrors, and the
refusal to judge a newer one.

A reader that picks its semantics by the installed version (containers_conf
by Podman's, dockerd_flags and daemon_json by dockerd's, systemd_units'
environment files by systemd's) declares one `Mirrored` next to its code,
its oldest and newest mirrored versions. A version newer than the newest, at the granularity its consumer changes behaviour
(`parts`: 2 for major.minor, 1 for the major), is read by nobody the audit
has checked: `newer()` says so and `refusal()` is the ConfigError that makes
every control depending on that reading an error, naming both versions.
Never the newest mirrored version's verdict: "A version newer than any a
reader mirrors is never a pass."

A version with fewer parts than `parts` is compared as written (systemd
`258`); one that starts with no number (or no version at all) is unknown
and left to the reader's own rule for an unknown version. Versions are
compared as rpm compares them (rpmdb.rpmvercmp) after the epoch and
everything past the first `parts` numbers are cut: for those leading
numbers dpkg and rpm agree, and a pre-release of an unmirrored minor
(`6.0~rc1`, `5.5.0~rc2`) is as unmirrored as its release.

Tests: tests/unit/plugins/module_utils/posture/test_mirrored.py.
"""

from __future__ import annotations

import re

from .hostfs import ConfigError
from .rpmdb import rpmvercmp

_LEADING = re.compile(r"(?:[0-9]+:)?([0-9]{1,9}(?:\.[0-9]{1,9})*)")


class Mirrored:
    """The oldest and newest versions of `package` a reader mirrors.

    package: what the version found is the version of ("podman", "dockerd", "systemd")
    oldest, newest: the oldest and newest mirrored, at the reader's granularity
             ("4.3" and "5.4", "20.10" and "26.1", "252" and "257")
    consumer: who reads the file, as the refusal names it ("containers-common")
    mirrors:  what the reader mirrors at that version ("Podman 5.4, containers-common 0.62")
    reading:  what cannot be vouched for ("containers.conf")"""

    def __init__(self, package, oldest, newest, consumer, mirrors, reading):
        if oldest.count(".") != newest.count("."):
            raise ValueError("%s: %s and %s are not of one granularity" % (package, oldest, newest))
        self.package = package
        self.oldest = oldest
        self.newest = newest
        self.parts = newest.count(".") + 1
        self.consumer = consumer
        self.mirrors = mirrors
        self.reading = reading

    def cut(self, found):
        """The first `parts` numbers of a version text (epoch dropped), or None when it starts with none."""
        match = _LEADING.match(found.strip()) if isinstance(found, str) else None
        if not match:
            return None
        return ".".join(match.group(1).split(".")[:self.parts])

    def newer(self, found):
        """Whether version text `found` is newer than the newest mirrored, at this granularity."""
        numbers = self.cut(found)
        return numbers is not None and rpmvercmp(numbers, self.newest) > 0

    def older(self, found):
        """Whether version text `found` is older than the oldest mirrored, at this granularity."""
        numbers = self.cut(found)
        return numbers is not None and rpmvercmp(numbers, self.oldest) < 0

    def refusal(self, path, found, package=None):
        """The ConfigError of a reading done for version `found` (read from `path`, of `package`)."""
        return ConfigError(path, "%s %s is newer than the newest %s this reader mirrors (%s): its reading of %s "
                                 "cannot be vouched for" % (package or self.package, found, self.consumer,
                                                            self.mirrors, self.reading))

    def check(self, path, found, package=None):
        """Raise refusal() when `found` is newer; nothing otherwise."""
        if self.newer(found):
            raise self.refusal(path, found, package)
