# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real dockerd 20.10 (started here) and 26.1 (--validate) accept or
refuse every daemon.json and command line of dockerd_cases.py as recorded,
and posture's readers agree with them (see dockerd_oracle.py)."""

import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.abspath(os.path.join(HERE, os.pardir, "unit", "consumers")))

import dockerd_oracle  # noqa: E402
from dockerd_cases import CASES  # noqa: E402
from dockerd_reader import reader_verdict  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, os.pardir, os.pardir))


def _unavailable(message):
    if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def dockerd_26():
    if os.geteuid() != 0:
        _unavailable("dockerd runs as root")
    result = subprocess.run([os.path.join(REPO, "scripts", "debian13-consumers.sh")], capture_output=True,
                            text=True, timeout=600, check=False)
    if result.returncode != 0:
        _unavailable("Debian 13 consumers not available: %s" % result.stderr[-500:])
    return os.path.join(result.stdout.strip(), "root", "usr", "sbin", "dockerd")


@pytest.fixture(scope="module")
def workdir():
    if not os.path.exists(dockerd_oracle.DOCKERD_20):
        _unavailable("dockerd 20.10 not installed (docker.io)")
    path = tempfile.mkdtemp(prefix="stockade-dockerd-", dir="/tmp")
    yield path
    subprocess.run(["rm", "-rf", path], check=False)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_dockerd_20_10_starts_as_recorded(case, workdir):
    outcome, words = dockerd_oracle.verdict_20(case.config, case.flags, workdir)
    assert outcome == case.verdicts["20.10"], words
    assert reader_verdict(case, "20.10") == outcome


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_dockerd_26_1_validates_as_recorded(case, dockerd_26, workdir):
    outcome, words = dockerd_oracle.verdict_26(dockerd_26, case.config, case.flags, workdir)
    assert outcome == case.verdicts["26.1"], words
    assert reader_verdict(case, "26.1") == outcome
