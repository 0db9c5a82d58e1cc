# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.daemon_json and posture.dockerd_flags say dockerd starts exactly
when the real dockerd 20.10 and 26.1 did (verdicts in dockerd_cases.py,
re-taken by tests/engines/test_dockerd_consumer.py), and read the values
dockerd applies."""

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import (
    daemon_json, dockerd_flags,
)

from dockerd_cases import CASES
from dockerd_reader import reader_verdict


@pytest.mark.parametrize("version", dockerd_flags.VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reader_matches_dockerd(case, version):
    assert reader_verdict(case, version) == case.verdicts[version]


@pytest.mark.parametrize("word, value", [("--no-new-privileges=0", False), ("--no-new-privileges=F", False),
                                         ("--no-new-privileges=t", True), ("--no-new-privileges", True),
                                         ("--no-new-privileges=TRUE", True)])
def test_go_booleans(word, value):
    assert dockerd_flags.parse(["dockerd", word], "20.10").settings == {"no-new-privileges": value}


def test_value_flag_swallows_the_next_flag():
    line = dockerd_flags.parse(["dockerd", "--seccomp-profile", "--no-new-privileges"], "20.10")
    assert line.settings == {"seccomp-profile": "--no-new-privileges"}


def test_nested_boolean_applies_from_its_text():
    document = daemon_json.decode("/d.json", b'{"x": {"no-new-privileges": 1}}', "20.10")
    assert document.refusal is None and document.effective("no-new-privileges") is True
    document = daemon_json.decode("/d.json", b'{"x": {"no-new-privileges": "no"}}', "20.10")
    assert document.effective("no-new-privileges") is None


def test_duplicate_key_last_wins_but_is_inexact():
    document = daemon_json.decode("/d.json", b'{"icc": true, "icc": false}', "26.1")
    assert document.effective("icc") is False and document.inexact
