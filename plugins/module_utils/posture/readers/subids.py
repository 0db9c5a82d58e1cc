# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subordinate id ranges (/etc/subuid, /etc/subgid) and the users they must
not collide with.

Mirrors shadow 4.13 (Debian 12; tested against its `getsubids` from the
uidmap package, tests/unit/consumers/test_shadow_subids.py) and, from its
source, 4.17 (Debian 13): lib/commonio.c reads lines (up to `\\n`; a NUL
in a line makes the whole file unreadable), lib/subordinateio.c `subordinate_parse()` takes
`owner:start:count` (a line of 1024 bytes or more, fewer than three fields
or an empty field is ignored; fields after the third are ignored; a line
starting with `+` or `-` is a NIS entry, ignored), and the numbers are
`strtoul(s, &end, 0)` in 4.13 (`getulong`, numbers.shadow_getulong): blanks before, a sign, `0x` hex
and leading-zero octal accepted, trailing characters or ERANGE refused;
4.17's `str2ul` refuses negative numbers too. An owner is a user name or,
for newuidmap/newgidmap (find_range), that user's uid.

dockerd (pkg/idtools) and containers/storage read the same files with Go
parsers that skip `#` comments and blank lines, trim blanks, refuse any
other line that is not three fields and read numbers with strconv.Atoi:
where they and shadow would disagree (a line shadow ignores, a number that
is not plain decimal, a carriage return), the line is an error naming the
file, never a guess. A range that reaches past the 32-bit id space
(start + count > 4294967295) is refused by the kernel's uid_map and is
reported as such.
"""

from __future__ import annotations

import bisect
import re

from .hostfs import ConfigError
from .numbers import passwd_id, shadow_getulong

MIN_RANGE = 65536
ID_LIMIT = 2 ** 32 - 1      # ids are 32 bits and 4294967295 means "no id"
RANGES_USED = 5             # newuidmap and dockerd use only a user's first five ranges
_LINE_MAX = 1024            # subordinate_parse()'s rangebuf
_ULONG_MAX = 2 ** 64 - 1
# What every reader (shadow, dockerd, containers/storage) reads the same way.
_CANONICAL = re.compile(r"([^:\s+#-][^:\s]*):(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,19})")
SUBID_FILES = ("/etc/subuid", "/etc/subgid")


class SubidRange:
    __slots__ = ("owner", "start", "count", "path", "line")

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


def shadow_parse(line):
    """(owner, start, count) as subordinate_parse() reads one line's text, or None."""
    if line.startswith(("+", "-")) or len(line.encode("utf-8")) >= _LINE_MAX:
        return None
    fields = line.split(":", 3)[:3]
    if len(fields) != 3 or not all(fields):
        return None
    start, count = shadow_getulong(fields[1]), shadow_getulong(fields[2])
    if start is None or count is None:
        return None
    return fields[0], start, count


def split_lines(text):
    """The file's lines as commonio reads them: split at `\\n` only, endings kept."""
    lines = text.split("\n")
    kept = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        kept.append(lines[-1])
    return kept


def shadow_lines(text):
    """[(line number, text)] as commonio_open() reads them; ValueError when it
    cannot read the file at all: a NUL before a line's newline makes its
    buffer look unterminated, and the read of the rest fails."""
    if "\0" not in text:
        lines = text.split("\n")
        if not lines[-1]:
            lines.pop()
        return list(enumerate(lines, 1))
    found = []
    for number, raw in enumerate(split_lines(text), 1):
        if raw.endswith("\n"):
            if "\0" in raw:
                raise ValueError("line %d has a NUL byte: shadow cannot read the file at all "
                                 "(newuidmap and newgidmap fail for every user)" % number)
            raw = raw[:-1]
        found.append((number, raw.split("\0", 1)[0]))
    return found


def read_ranges(host, path):
    """All ranges of a subid file, as shadow reads them; lines shadow and the
    engines' own readers would disagree on are a ConfigError naming the line."""
    try:
        lines = shadow_lines(host.read_text(path) or "")
    except ValueError as exc:
        raise ConfigError(path, str(exc))
    ranges = []
    canonical_match = _CANONICAL.fullmatch
    for number, line in lines:
        canonical = canonical_match(line)
        if canonical and len(line) < _LINE_MAX // 4:     # short: under shadow's 1024 bytes in any encoding
            owner, start, count = canonical.groups()
            start, count = int(start), int(count)
            if start <= _ULONG_MAX and count <= _ULONG_MAX:
                ranges.append(SubidRange(owner, start, count, path, number))
                continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parsed = shadow_parse(line)
        if parsed is None or canonical is None:
            raise ConfigError(path, "line %d is not owner:start:count in plain decimal (%s): %r" % (
                number, "shadow ignores it" if parsed is None else
                "shadow reads %s:%d:%d, dockerd and containers/storage read it otherwise or refuse it"
                % parsed, line[:60]))
        ranges.append(SubidRange(parsed[0], parsed[1], parsed[2], path, number))
    return ranges


def read_ids(host, path):
    """{name: id} from /etc/passwd or /etc/group."""
    text = host.read_text(path) or ""
    ids = {}
    for number, raw in enumerate(text.splitlines(), 1):
        fields = raw.split(":")
        if len(fields) < 3 or not raw.strip() or raw.startswith("#"):
            continue
        found = passwd_id(fields[2])
        if found is None:
            raise ConfigError(path, "line %d has an id that is not a decimal number below 4294967295 "
                                    "(a 32-bit id; 4294967295 is the kernel's \"no id\"): %r" % (number, raw[:60]))
        ids[fields[0]] = found
    return ids


class SubidFiles:
    """/etc/subuid and /etc/subgid with /etc/passwd and /etc/group, read once
    per audit; the file-wide checks (overlaps, real ids, id space) run once."""

    def __init__(self, host):
        self.users = read_ids(host, "/etc/passwd")
        self.groups = read_ids(host, "/etc/group")
        self.ranges = {path: read_ranges(host, path) for path in SUBID_FILES}
        self._file_problems = {}

    def problems(self, owner):
        """["path: problem"] for one owner's ranges in both files."""
        found = []
        for path, real_ids in zip(SUBID_FILES, (self.users, self.groups)):
            ranges = self.ranges[path]
            if path not in self._file_problems:
                self._file_problems[path] = file_problems(ranges, real_ids, self.users)
            found.extend("%s: %s" % (path, p) for p in owner_problems(ranges, owner, self.users)
                         + self._file_problems[path])
        return self.unpaired(owner) + found

    def unpaired(self, owner):
        """["problem"] when `owner` (by name or uid) has ranges in one file and none in the other: a user
        namespace needs both maps (newuidmap and newgidmap, dockerd), and a subid writer killed between
        the two files leaves exactly this until its next run completes the pair."""
        names = {owner} | ({str(self.users[owner])} if owner in self.users else set())
        has = [path for path in SUBID_FILES if any(r.owner in names for r in self.ranges[path])]
        if len(has) != 1:
            return []
        other = [path for path in SUBID_FILES if path not in has][0]
        return ["%s has a range in %s but none in %s: its containers cannot start with a user namespace (a "
                "subid_ranges run interrupted between the two files leaves this; its next run completes the "
                "pair)" % (owner, has[0], other)]


def problems(ranges, real_ids, owners, user_ids):
    """Human-readable problems for the ranges of `owners` in one file.

    `real_ids` ({name: id}) are the ids a range must not contain (uids for subuid, gids for
    subgid); an entry's owner is a user name or that user's uid (`user_ids`),
    in both files, as shadow's newuidmap and newgidmap match them. Sorting
    makes it O(n log n): a 100k-line file is checked in well under a second.
    """
    found = []
    for owner in owners:
        found.extend(owner_problems(ranges, owner, user_ids))
    return found + file_problems(ranges, real_ids, user_ids)


def owner_problems(ranges, owner, user_ids):
    """Why `owner` (by name or uid) has no usable range of MIN_RANGE ids, if so."""
    names = {owner} | ({str(user_ids[owner])} if owner in user_ids else set())   # an unknown owner has no uid
    mine = [r for r in ranges if r.owner in names]
    if not mine:
        return ["%s has no range" % owner]
    if not any(r.count >= MIN_RANGE and r.end <= ID_LIMIT for r in mine[:RANGES_USED]):
        return ["%s has no range of at least %d ids within the 32-bit id space%s" % (
            owner, MIN_RANGE, " among its first %d" % RANGES_USED if len(mine) > RANGES_USED else "")]
    return []


def file_problems(ranges, real_ids, user_ids):
    """Ranges past the id space, overlapping another owner's, or holding a real id."""
    return (_beyond_id_space(ranges) + _overlaps(ranges, _owner_keys(ranges, user_ids))
            + _real_ids_inside(ranges, real_ids))


def _owner_keys(ranges, user_ids):
    names = {name: "uid:%d" % uid for name, uid in user_ids.items()}
    return [names.get(r.owner) or ("uid:%s" % r.owner if r.owner.isdigit() and r.owner.isascii()
                                   else "name:" + r.owner) for r in ranges]


def _beyond_id_space(ranges):
    return ["%s (line %d) reaches past the 32-bit id space: the kernel refuses it in a uid_map"
            % (r, r.line) for r in ranges if r.end > ID_LIMIT]


def _overlaps(ranges, keys):
    """Each range that shares ids with an earlier-starting range of another owner."""
    found = []
    # the two furthest-reaching ranges so far that belong to different owners
    widest = None       # (end, key, range)
    runner_up = None    # the furthest-reaching one whose owner differs from widest's
    order = sorted(zip(ranges, keys), key=lambda pair: (pair[0].start, pair[0].line))
    for current, key in order:
        if current.count == 0:
            continue
        other = widest if widest and widest[1] != key else runner_up
        if other and other[0] > current.start:
            first, second = sorted((other[2], current), key=lambda r: r.line)
            found.append("%s (line %d) overlaps %s (line %d)" % (first, first.line, second, second.line))
        entry = (current.end, key, current)
        if widest is None or entry[0] > widest[0]:
            if widest and widest[1] != key:
                runner_up = widest
            widest = entry
        elif key != widest[1] and (runner_up is None or entry[0] > runner_up[0]):
            runner_up = entry
    return found


def _real_ids_inside(ranges, real_ids):
    ids = sorted(set(real_ids.values()))
    found = []
    for entry in ranges:
        position = bisect.bisect_left(ids, entry.start)
        if position < len(ids) and ids[position] < entry.end:
            found.append("%s (line %d) includes the real id %d" % (entry, entry.line, ids[position]))
    return found
