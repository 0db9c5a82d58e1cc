# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture_verify's failure stays small: `register` plus `ignore_errors` prints the
whole result, so the full report goes to report_path and the result carries the
verdicts, the failed ids and one line each."""

import json

from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.html import layer_verdicts
from ansible_collections.stockade.hardening.plugins.modules import posture_verify
from hosttree import STOCK, write_tree

# The stock fixture host fails ~15 required controls of ~150; its full report is ~100 KB of JSON.
FAILURE_BUDGET = 16 * 1024


def test_a_failure_is_small_and_the_full_report_is_in_report_path(run_module, tmp_path, monkeypatch):
    # a module runs in a process of its own: none of the warnings earlier tests left in this one
    from ansible.module_utils.common import warnings
    monkeypatch.setattr(warnings, "_global_warnings", {})
    monkeypatch.setattr(warnings, "_global_deprecations", {})
    root = write_tree(tmp_path / "host", STOCK)
    path = tmp_path / "verify.json"
    result, failed = run_module(posture_verify.main, {"root": root, "report_path": str(path)}, check_mode=True)
    assert failed
    size = len(json.dumps(result))
    assert size < FAILURE_BUDGET, size
    full = json.loads(path.read_text())
    assert len(path.read_text()) > 4 * size  # what the result leaves out
    assert (path.stat().st_mode & 0o777) == 0o600
    assert result["report_path"] == str(path)
    assert [line.split(" ", 1)[0] for line in result["failures"]] == result["failed_controls"]
    assert result["summary"] == full["summary"]
    # the slim report still draws the same matrix row (posture_matrix) and carries every control
    assert layer_verdicts(result["report"]) == layer_verdicts(full)
    assert [c["id"] for c in result["report"]["controls"]] == [c["id"] for c in full["controls"] if c["status"] != "not_applicable"]
    assert "evidence" not in result["report"]["controls"][0]


def test_a_pass_returns_the_full_report(run_module, tmp_path):
    from hosttree import HARDENED
    result, failed = run_module(posture_verify.main, {"root": write_tree(tmp_path, HARDENED)})
    assert not failed and "evidence" in result["report"]["controls"][0] and "report_path" not in result


def test_report_path_in_a_missing_directory_is_refused(run_module, tmp_path):
    result, failed = run_module(posture_verify.main, {"root": write_tree(tmp_path / "host", STOCK),
                                                      "report_path": str(tmp_path / "no" / "verify.json")})
    assert failed and result["msg"].startswith("report_path %s" % (tmp_path / "no" / "verify.json"))
    assert "failed_controls" not in result
