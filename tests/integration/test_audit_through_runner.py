# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/audit.yml through ansible-runner on this machine (local
connection, check mode): the job's status, the set_stats summary in the
playbook_on_stats event's artifact_data (what AWX shows as the job's
artifacts) and the posture_matrix callback's table in stdout. The same
against the lab VM is tests/lab/stock/test_runner_audit.py."""

import json
import os
import sys

import pytest

ansible_runner = pytest.importorskip("ansible_runner")

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAYERS = ["seccomp", "kernel_fs", "capabilities", "selinux", "no_new_privs",
          "namespaces", "userns", "vm_isolation", "kernel", "engine_access", "operations"]


def run_audit(tmp_path, policy):
    private = tmp_path / "runner"
    (private / "inventory").mkdir(parents=True)
    (private / "inventory" / "hosts").write_text(
        "ci-host ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    result = ansible_runner.run(
        private_data_dir=str(private), project_dir=REPO, playbook="playbooks/audit.yml", cmdline="--check",
        # A string, as an AWX survey's textarea passes it.
        extravars={"stockade_policy": json.dumps(policy), "stockade_live": False},
        envvars={"ANSIBLE_COLLECTIONS_PATH": os.path.join(REPO, ".cache", "collections"),
                 "ANSIBLE_CALLBACKS_ENABLED": "stockade.hardening.posture_matrix"},
        quiet=True, timeout=600)
    artifacts = private / "artifacts" / result.config.ident
    stats = [json.loads(p.read_text()) for p in (artifacts / "job_events").glob("*.json")]
    stats = [e for e in stats if e.get("event") == "playbook_on_stats"]
    assert len(stats) == 1
    return result, stats[0]["event_data"]["artifact_data"], (artifacts / "stdout").read_text()


def test_compliant_run_publishes_its_summary(tmp_path):
    policy = {"layers": ["capabilities"], "waivers": [
        {"control": "podman-default-capabilities", "justification": "test waiver", "expires": "2099-01-01"}]}
    result, data, stdout = run_audit(tmp_path, policy)
    assert result.status == "successful", stdout
    summary = data["stockade_posture"]["ci-host"]
    assert summary["compliant"] is True and data["stockade_drift_hosts"] == []
    assert summary["layers_failing"] == []
    assert set(summary["layers_passing"]) | set(summary["layers_waived"]) <= set(LAYERS)
    assert set(summary) == {"compliant", "layers_passing", "layers_failing", "layers_waived", "failed_controls",
                            "reboot_pending", "reboot_required", "counts", "audited_at"}
    assert "Stockade posture, hosts x layers" in stdout and "1 host(s): 1 compliant" in stdout


def test_drift_fails_the_job_after_publishing(tmp_path):
    result, data, stdout = run_audit(tmp_path, {"require": ["host-vsyscall-none"]})
    # This machine does not boot with vsyscall=none: a required control fails.
    assert result.status == "failed" and result.rc == 2, stdout
    summary = data["stockade_posture"]["ci-host"]
    assert summary["compliant"] is False and data["stockade_drift_hosts"] == ["ci-host"]
    assert "host-vsyscall-none" in summary["failed_controls"]
    assert "kernel" in summary["layers_failing"] and "kernel" not in summary["layers_passing"]
    assert "Fail the hosts that drifted from the policy" in stdout
    assert "1 host(s): 0 compliant, 1 not compliant" in stdout


def test_a_bad_policy_fails_at_the_audit(tmp_path):
    result, data, stdout = run_audit(tmp_path, {"layers": ["no-such-layer"]})
    assert result.status == "failed"
    assert data == {}  # nothing published for a host whose audit did not run
    assert "value of layers must be one or more of" in stdout or "unknown layer" in stdout
