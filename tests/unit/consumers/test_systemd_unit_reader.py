# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.systemd_units gives, for every unit case, the verdict the real
systemd 252 and 257 gave (recorded in systemd_unit_cases.py; re-taken from
both systemd versions by tests/engines/test_systemd_consumer.py)."""

import pytest

from systemd_unit_cases import CASES
from unit_reader import verdict, write_case


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reader_matches_systemd(case, tmp_path):
    root = write_case(tmp_path, case)
    expected = case.expected(252)
    assert case.expected(257) == expected, "the versions differ: the reader must be told which one"
    assert verdict(root, case.unit) == (expected[0], expected[1])


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
