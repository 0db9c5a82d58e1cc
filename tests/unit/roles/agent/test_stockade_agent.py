# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""roles/agent/files/stockade-agent, run as systemd runs it, with a stand-in
stockade-audit that writes the report the test wants: the journal line, drift
as "new failures since the previous run", the hook and its environment."""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
AGENT = os.path.join(REPO, "roles", "agent", "files", "stockade-agent")

FAKE_AUDIT = r'''#!%s
import json, sys
args = sys.argv[1:]
with open(%r) as handle:
    wanted = json.load(handle)
with open(%r, "a") as handle:
    handle.write(json.dumps(args) + "\n")
if wanted.get("usage_error"):
    sys.stderr.write("stockade-audit: error: policy.json: unknown key(s) x\n")
    sys.exit(2)
with open(args[args.index("--output") + 1], "w") as handle:
    json.dump(wanted["report"], handle)
sys.exit(1 if wanted["report"]["summary"]["failed_required"] else 0)
'''


def report(failing, reboot=()):
    return {"host": "h1", "controls": [], "summary": {
        "compliant": not failing, "failed_required": list(failing), "reboot_pending": list(reboot),
        "counts": {"pass": 40, "fail": len(failing) + 3, "error": 0, "not_applicable": 30},
        # as policy.summarise counts them: the 3 advisory failures are warn, not fail
        "verdicts": {"pass": 40, "fail": len(failing), "error": 0, "warn": 3, "waived": 0, "reboot": 0,
                     "not_applicable": 30}}}


@pytest.fixture
def agent(tmp_path):
    wanted = tmp_path / "wanted.json"
    calls = tmp_path / "calls.log"
    audit = tmp_path / "stockade-audit"
    audit.write_text(FAKE_AUDIT % (sys.executable, str(wanted), str(calls)))
    audit.chmod(0o755)
    hook_log = tmp_path / "hook.log"
    config = {"audit": str(audit), "fact": str(tmp_path / "stockade.fact"), "policy": str(tmp_path / "p.json"),
              "live": False, "hook_timeout": 30,
              "drift_hook": 'echo "$STOCKADE_HOST|$STOCKADE_NEW_FAILURES|$STOCKADE_FAILED_CONTROLS|'
                            '$STOCKADE_FACT" >> %s; echo hook-says-hi' % hook_log}
    (tmp_path / "agent.json").write_text(json.dumps(config))

    def run(**wanted_report):
        wanted.write_text(json.dumps(wanted_report))
        done = subprocess.run([sys.executable, AGENT, str(tmp_path / "agent.json")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
        hooks = hook_log.read_text().splitlines() if hook_log.exists() else []
        return done, hooks
    run.calls = calls
    run.fact = tmp_path / "stockade.fact"
    return run


def test_first_run_reports_every_failure_as_new_and_calls_the_hook(agent):
    done, hooks = agent(report=report(["a", "b"]))
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == ("<4>NOT COMPLIANT: 40 pass, 2 fail, 0 error, 3 warn, 0 waived, 0 reboot, 30 n/a; "
                        "failing: a, b; new: a, b; reboot pending: none")
    assert lines[1] == "<6>drift hook exited 0: hook-says-hi"
    assert hooks == ["h1|a b|a b|%s" % agent.fact]
    assert json.loads(agent.calls.read_text().splitlines()[0]) == [
        "--format", "json", "--output", str(agent.fact), "--policy", os.path.join(
            os.path.dirname(str(agent.fact)), "p.json"), "--offline"]


def test_unchanged_failures_do_not_call_the_hook_again(agent):
    agent(report=report(["a"]))
    done, hooks = agent(report=report(["a"]))
    assert "new: none" in done.stdout and len(hooks) == 1


def test_only_the_new_failure_is_drift_and_fixed_ones_are_logged(agent):
    agent(report=report(["a", "b"]))
    done, hooks = agent(report=report(["b", "c"], reboot=["k"]))
    assert "failing: b, c; new: c; fixed: a; reboot pending: k" in done.stdout
    assert hooks[-1].startswith("h1|c|b c|")


def test_compliant_run_logs_at_info_and_calls_no_hook(agent):
    done, hooks = agent(report=report([]))
    assert done.stdout == "<6>COMPLIANT: 40 pass, 0 fail, 0 error, 3 warn, 0 waived, 0 reboot, 30 n/a; " \
                          "failing: none; new: none; reboot pending: none\n"
    assert hooks == []


def test_audit_usage_error_is_an_agent_error_and_keeps_the_last_fact(agent):
    agent(report=report(["a"]))
    before = agent.fact.read_text()
    done, hooks = agent(usage_error=True, report=report([]))
    assert done.returncode == 2
    assert done.stdout.startswith("<3>stockade-audit exited 2 without a report in %s: " % agent.fact)
    assert "unknown key(s) x" in done.stdout
    assert agent.fact.read_text() == before and len(hooks) == 1
