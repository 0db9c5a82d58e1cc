# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.docker_daemon gives, for every flag and daemon.json form, the
value dockerd 20.10 applied inside a container (recorded in
dockerd_applied_cases.py; re-taken by tests/engines/test_dockerd_applied.py)."""

import pytest

from applied_reader import reader_applied
from dockerd_applied_cases import CASES


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reader_applies_what_dockerd_applied(case, tmp_path):
    assert reader_applied(tmp_path, case) == case.applied


def test_case_ids_are_unique():
    assert len(set(c.id for c in CASES)) == len(CASES)
