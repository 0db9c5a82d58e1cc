# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.systemd_units expands ExecStart= and reads Environment=,
EnvironmentFile= and UnsetEnvironment= as systemd did at start in the lab VM
(recorded in systemd_env_cases.py; re-taken by
tests/lab/stock/test_systemd_environment.py)."""

import os

import pytest

from env_reader import SYSTEMD_LIBDIR, reader_verdict, write_case
from systemd_env_cases import CASES


@pytest.mark.parametrize("version", (252, 257))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reader_runs_what_systemd_ran(case, version, tmp_path):
    root = write_case(tmp_path, case, version)
    assert reader_verdict(root, case) == case.expected(version)


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("version", (None, 255))
def test_manager_path_of_an_untested_systemd_is_not_guessed(version, tmp_path):
    """The manager's PATH was read from 252 and 257 only: elsewhere ${PATH} is an error."""
    case = next(c for c in CASES if c.id == "manager-path")
    root = write_case(tmp_path, case, 252)
    os.remove(os.path.join(root, SYSTEMD_LIBDIR, "libsystemd-shared-252.so"))
    if version:
        open(os.path.join(root, SYSTEMD_LIBDIR, "libsystemd-shared-%d.so" % version), "w").close()
    assert reader_verdict(root, case)[0] == "error"


def test_manager_path_of_257_leaves_out_a_merged_sbin(tmp_path):
    """257's default_PATH (source): /usr/sbin a link to bin -> only /usr/local/sbin stays."""
    case = next(c for c in CASES if c.id == "manager-path")
    root = write_case(tmp_path, case, 257)
    os.rmdir(os.path.join(root, "usr", "sbin"))
    os.symlink("bin", os.path.join(root, "usr", "sbin"))
    assert reader_verdict(root, case) == ("ran", ["/usr/local/sbin:/usr/local/bin:/usr/bin"])
