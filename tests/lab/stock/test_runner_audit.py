# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/audit.yml through ansible-runner (what AWX runs jobs with) against
the lab VM in check mode, asserting on the runner's artifacts: the status, the
per-host results and the set_stats data, which ansible-runner puts into the
playbook_on_stats event as event_data.artifact_data (AWX copies exactly that
into the job's artifacts)."""

import pytest

from runner_jobs import published, run_job, task_results

pytestmark = pytest.mark.lab_suites("trixie")  # ansible-runner and the playbooks: the same on every release


LAYERS = ["seccomp", "kernel_fs", "capabilities", "selinux", "no_new_privs",
          "namespaces", "userns", "vm_isolation", "kernel", "engine_access", "operations"]


def run_audit(tmp_path, lab_inventory, extravars):
    return run_job(tmp_path, lab_inventory, "playbooks/audit.yml", extravars, check=True)


def test_audit_in_check_mode_reports_drift_and_fails(tmp_path, lab_inventory, lab_vm):
    """The lab VM is not hardened: the job fails, and the artifacts say where."""
    result, artifacts = run_audit(tmp_path, lab_inventory, {})
    host = lab_vm["instance"]
    assert result.status == "failed" and result.rc == 2, result.stdout.read()
    assert (artifacts / "status").read_text() == "failed"
    assert result.stats["failures"] == {host: 1}
    data = published(artifacts)
    assert data["stockade_drift_hosts"] == [host]
    posture = data["stockade_posture"][host]
    assert posture["compliant"] is False
    assert set(posture["layers_failing"]) | set(posture["layers_passing"]) <= set(LAYERS)
    assert {"selinux", "no_new_privs", "userns"} <= set(posture["layers_failing"])
    assert "docker-no-new-privileges" in posture["failed_controls"]
    assert not set(posture["layers_failing"]) & set(posture["layers_passing"])
    # Per-host result: posture_verify's report reached the controller, and the drift task failed the host.
    verify = task_results(result, "Audit every layer")
    assert verify and verify[0]["res"]["failed_controls"] == posture["failed_controls"]
    assert len(verify[0]["res"]["report"]["controls"]) > 50
    failed = [e for e in result.events if e.get("event") == "runner_on_failed"]
    assert [e["event_data"]["task"] for e in failed] == ["Fail the hosts that drifted from the policy | verify"]
    # The end-of-play matrix of the posture_matrix callback is in the job's stdout.
    stdout = (artifacts / "stdout").read_text()
    assert "Stockade posture, hosts x layers" in stdout
    assert "1 host(s): 0 compliant, 1 not compliant" in stdout


def test_audit_with_a_waiver_is_successful(tmp_path, lab_inventory, lab_vm):
    """Two layers required, the one failing control of no_new_privs waived: the job succeeds."""
    policy = {"layers": ["capabilities", "no_new_privs"],
              "waivers": [{"control": "docker-no-new-privileges",
                           "justification": "lab VM is not hardened (test)", "expires": "2099-12-31"}]}
    result, artifacts = run_audit(tmp_path, lab_inventory, {"stockade_policy": policy})
    host = lab_vm["instance"]
    assert result.status == "successful" and result.rc == 0, result.stdout.read()
    assert (artifacts / "status").read_text() == "successful"
    data = published(artifacts)
    assert data["stockade_drift_hosts"] == []
    posture = data["stockade_posture"][host]
    assert posture["compliant"] is True
    assert posture["layers_failing"] == []
    assert posture["layers_waived"] == ["no_new_privs"]
    assert "capabilities" in posture["layers_passing"]
    assert "1 host(s): 1 compliant, 0 not compliant" in (artifacts / "stdout").read_text()
