# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subordinate id ranges (/etc/subuid, /etc/subgid) and the users they must
not collide with."""

from __future__ import annotations

from .hostfs import ConfigError

MIN_RANGE = 65536


class SubidRange:
    def __init__(self, owner, start, count, path, line):
        self.owner = owner
        self.start = start
        self.count = count
        self.path = path
        self.line = line

    @property
    def end(self):
        return self.start + self.count

    def __repr__(self):
        return "%s:%d:%d" % (self.owner, self.start, self.count)


def read_ranges(host, path):
    """All ranges of a subid file; garbage lines are a ConfigError."""
    text = host.read_text(path) or ""
    ranges = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(":")
        if len(fields) != 3 or not fields[0] or not fields[1].isdigit() or not fields[2].isdigit():
            raise ConfigError(path, "line %d is not owner:start:count: %r" % (number, line[:60]))
        ranges.append(SubidRange(fields[0], int(fields[1]), int(fields[2]), path, number))
    return ranges


def read_ids(host, path):
    """{name: id} from /etc/passwd or /etc/group."""
    text = host.read_text(path) or ""
    ids = {}
    for number, raw in enumerate(text.splitlines(), 1):
        fields = raw.split(":")
        if len(fields) < 3 or not raw.strip() or raw.startswith("#"):
            continue
        if not fields[2].isdigit():
            raise ConfigError(path, "line %d has a non-numeric id: %r" % (number, raw[:60]))
        ids[fields[0]] = int(fields[2])
    return ids


def problems(ranges, real_ids, owners, user_ids):
    """Human-readable problems for the ranges of `owners` in one file.
    `real_ids` are the ids a range must not contain (uids for subuid, gids for
    subgid); an entry's owner is a user name or that user's uid (`user_ids`),
    in both files, as shadow's newuidmap and newgidmap match them."""
    found = []
    for owner in owners:
        mine = [r for r in ranges if r.owner in (owner, str(user_ids.get(owner)))]
        if not mine:
            found.append("%s has no range" % owner)
        elif not any(r.count >= MIN_RANGE for r in mine[:5]):
            found.append("%s has no range of at least %d ids" % (owner, MIN_RANGE))
    for index, first in enumerate(ranges):
        for second in ranges[index + 1:]:
            if first.start < second.end and second.start < first.end and first.owner != second.owner:
                found.append("%s (line %d) overlaps %s (line %d)" % (
                    first, first.line, second, second.line))
        clashes = sorted(i for i in set(real_ids.values()) if first.start <= i < first.end)
        if clashes:
            found.append("%s (line %d) includes the real id %d" % (first, first.line, clashes[0]))
    return found
