# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan one user's subordinate id ranges in /etc/subuid and /etc/subgid: a
range that collides with nothing, touching no other user's lines (the
subid_ranges module writes the plan, subid_ranges.py).

Parsing is the posture engine's (posture/readers/subids.py), so the module
writes exactly what the audit then accepts. Standard library only: runs on
the managed host.
"""

from __future__ import annotations

import bisect

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import (
    ID_LIMIT, RANGES_USED, read_ranges, split_lines,
)

# shadow-utils' SUB_UID_MIN / SUB_GID_MIN: where useradd and dockerd start.
DEFAULT_START = 100000


class AllocationError(Exception):
    """No range can be given; the message names the file and why."""


def _overlaps(start, count, other_start, other_count):
    return start < other_start + other_count and other_start < start + count


class _Intervals:
    """Ranges sorted by start with the furthest end so far: an overlap query
    is two binary searches, so allocating among 100k ranges stays fast."""

    def __init__(self, ranges):
        pairs = sorted((start, start + count) for start, count in ranges if count > 0)
        self.starts = [pair[0] for pair in pairs]
        self.reach = []
        furthest = 0
        for _start, end in pairs:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def overlaps(self, start, count):
        before = bisect.bisect_left(self.starts, start + count)   # ranges starting before our end
        return before > 0 and self.reach[before - 1] > start


class FilePlan:
    """What one subid file needs so that `user` owns a good range there."""

    def __init__(self, host, path, user, aliases, count, real_ids):
        self.path = path
        self.user = user
        self.count = count
        self.text = host.read_text(path)
        ranges = read_ranges(host, path)  # ConfigError names file and line
        self.others = [r for r in ranges if r.owner not in aliases]
        self._taken = _Intervals((r.start, r.count) for r in self.others)
        self.real_ids = sorted(set(real_ids))
        mine = [r for r in ranges if r.owner in aliases]
        self.dropped = [r for r in mine if not self.is_free(r.start, r.count)]
        self.kept = [r for r in mine if r not in self.dropped]
        self.new_start = None

    def is_free(self, start, count):
        """True when [start, start+count) holds no other owner's ids and no real id."""
        if start + count > ID_LIMIT or self._taken.overlaps(start, count):
            return False
        position = bisect.bisect_left(self.real_ids, start)
        return position == len(self.real_ids) or self.real_ids[position] >= start + count

    @property
    def good_range(self):
        """The user's first usable range of at least `count` ids, or None."""
        for entry in self.kept[:RANGES_USED]:
            if entry.count >= self.count:
                return entry
        return None

    def needs_range(self):
        return self.good_range is None

    def allocate(self, start):
        """Give the user [start, start+count); its short ranges go when it has
        too many for the new one to be among the first five."""
        self.new_start = start
        if len(self.kept) >= RANGES_USED:
            self.dropped.extend(self.kept)
            self.kept = []

    @property
    def changed(self):
        return bool(self.dropped) or self.new_start is not None

    def render(self):
        """The file's new text: other lines byte for byte, dropped lines out,
        the new range appended."""
        lines = split_lines(self.text or "")
        drop = set(r.line for r in self.dropped)
        kept = [line for number, line in enumerate(lines, 1) if number not in drop]
        if kept and not kept[-1].endswith("\n"):
            kept[-1] += "\n"
        if self.new_start is not None:
            kept.append("%s:%d:%d\n" % (self.user, self.new_start, self.count))
        return "".join(kept)

    @property
    def range(self):
        """(start, count) the user has after the plan."""
        if self.new_start is not None:
            return self.new_start, self.count
        entry = self.good_range
        return entry.start, entry.count


def first_free_start(plans, count, minimum=DEFAULT_START, preferred=()):
    """The first start free in every plan: a `preferred` one (the user's range
    in the other file, so subuid and subgid match), else the first of the grid
    minimum + k * count, the layout useradd and dockerd produce."""
    def free(start):
        # The user's own kept ranges count too: the kernel refuses a uid_map
        # whose extents overlap.
        return start >= minimum and all(
            p.is_free(start, count) and not any(_overlaps(start, count, r.start, r.count) for r in p.kept)
            for p in plans)

    for start in preferred:
        if free(start):
            return start
    start = minimum
    while start + count <= ID_LIMIT:
        if free(start):
            return start
        start += count
    raise AllocationError("no free range of %d ids at or above %d in %s"
                          % (count, minimum, ", ".join(p.path for p in plans)))


def plan(host, user, uid, count, minimum, passwd_ids, group_ids, subuid="/etc/subuid", subgid="/etc/subgid"):
    """[subuid plan, subgid plan] that give `user` a good range in both files.

    A user's lines are those naming it or its uid. Its lines that overlap
    another owner's range or a real id are dropped; when it has no usable range
    of `count` ids, a new one is appended, at the same start in both files
    when they need one.
    """
    aliases = {user} if uid is None else {user, str(uid)}
    plans = [FilePlan(host, subuid, user, aliases, count, passwd_ids),
             FilePlan(host, subgid, user, aliases, count, group_ids)]
    needing = [p for p in plans if p.needs_range()]
    preferred = [p.good_range.start for p in plans if not p.needs_range()]
    if len(needing) == 2:
        start = first_free_start(needing, count, minimum)
        for entry in needing:
            entry.allocate(start)
    else:
        for entry in needing:
            entry.allocate(first_free_start([entry], count, minimum, preferred))
    return plans
