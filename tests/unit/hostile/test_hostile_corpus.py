# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every hostile input gives the verdict of its real consumer: no false pass,
no traceback, no hang, no memory blow-up (see corpus.py)."""

import concurrent.futures
import glob
import importlib
import importlib.util
import os
import shutil
import tempfile

import pytest

import corpus

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "cases_*.py")))
ROOM_FILES = sorted(glob.glob(os.path.join(HERE, os.pardir, "readers", "*", "hostile_cases.py")))


def _room_cases(path):
    """The CASES of a reader room's hostile_cases.py (tests/unit/readers/<format>/),
    loaded under its room's name: every room's module has the same file name."""
    room = os.path.basename(os.path.dirname(path))
    spec = importlib.util.spec_from_file_location("hostile_cases_" + room, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


CASES = ([case for name in MODULES for case in importlib.import_module(name).CASES]
         + [case for path in ROOM_FILES for case in _room_cases(path)])


@pytest.fixture(scope="module")
def scratch():
    """A directory every uid may traverse (the unreadable-file cases run as
    nobody). Not under pytest's own temporary directory: every pytest run of
    the same user sets that back to 0700."""
    path = tempfile.mkdtemp(prefix="stockade-hostile-", dir="/tmp")
    os.chmod(path, 0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def outcomes(scratch):
    """Every case audited once, several child processes at a time: each run is
    mostly a Python start-up, and each has its own limits, so they do not
    disturb one another."""
    workers = 2 * (os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        runs = pool.map(lambda case: corpus.run(case, scratch), CASES)
        return {case.id: run for case, run in zip(CASES, runs)}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_consumer_verdict(case, outcomes):
    assert not corpus.problems(case, outcomes[case.id])


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_case_names_its_consumer():
    assert [c.id for c in CASES if not c.consumer.strip()] == []
