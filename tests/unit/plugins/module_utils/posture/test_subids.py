# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The subid checks: the sorted overlap sweep finds exactly what comparing
every pair finds, and lines the readers would disagree on are errors."""

import random

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import (
    SubidRange, file_problems, owner_problems, read_ranges,
)


def pairwise_overlapping(ranges, users):
    """Ranges that share ids with an earlier-starting range of another owner (every pair compared)."""
    def owner(r):
        return str(users.get(r.owner, r.owner))
    order = sorted(ranges, key=lambda r: (r.start, r.line))
    flagged = []
    for index, current in enumerate(order):
        if current.count and any(o.count and owner(o) != owner(current) and o.start < current.end
                                 and current.start < o.end for o in order[:index]):
            flagged.append(current)
    return flagged


@pytest.mark.parametrize("seed", range(40))
def test_overlap_sweep_matches_every_pair(seed):
    rng = random.Random(seed)
    users = {"alice": 1000, "bob": 1001}
    owners = ["alice", "1000", "bob", "1001", "carol", "dave"]
    ranges = [SubidRange(rng.choice(owners), rng.randrange(0, 400), rng.randrange(0, 60), "/etc/subuid", n)
              for n in range(1, rng.randrange(2, 40))]
    found = [p for p in file_problems(ranges, {}, users) if "overlaps" in p]
    assert len(found) == len(pairwise_overlapping(ranges, users))


@pytest.mark.parametrize("line,why", [
    ("dockremap:0x186a0:65536", "dockerd and containers/storage"),
    ("dockremap: 100000:65536", "dockerd and containers/storage"),
    ("dockremap:0100000:65536", "dockerd and containers/storage"),
    ("dockremap:100000:65536\r", "shadow ignores it"),
    ("dockremap:100000", "shadow ignores it"),
    ("dockremap:\u0661\u0660\u0660:65536", "shadow ignores it"),
    ("dockremap:18446744073709551616:1", "shadow ignores it"),
])
def test_lines_readers_disagree_on_are_errors(tmp_path, line, why):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "subuid").write_text("containers:165536:65536\n" + line + "\n")
    with pytest.raises(ConfigError) as caught:
        read_ranges(HostRoot(str(tmp_path)), "/etc/subuid")
    assert "line 2" in str(caught.value) and why in str(caught.value)


def test_comments_blank_lines_and_extra_fields(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "subuid").write_text("# c\n\n  \ndockremap:100000:65536\n")
    assert [repr(r) for r in read_ranges(HostRoot(str(tmp_path)), "/etc/subuid")] == ["dockremap:100000:65536"]


def test_an_owner_missing_from_passwd_is_not_a_user_named_none():
    ranges = [SubidRange("None", 100000, 65536, "/etc/subuid", 1)]
    assert owner_problems(ranges, "dockremap", {}) == ["dockremap has no range"]
    assert owner_problems([SubidRange("998", 100000, 65536, "/etc/subuid", 1)], "dockremap", {"dockremap": 998}) == []
