# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduled enforcement as AWX runs it, on the guest Molecule hardened: the
audit job (playbooks/audit.yml in check mode) through ansible-runner reports no
drift; three kinds of hand-made drift are each reported by the audit as exactly
their control; the enforce job (playbooks/harden.yml, with the scenario's
variables and the reboots allowed, as in a maintenance window) repairs them all
and the audit is clean again. (Taking a stock host to compliant is Molecule's
converge of the same playbook; tests/lab/stock has the audit job on the stock host.)
Tests run in file order and build on each other (one VM, minutes per step)."""

import pytest

from runner_jobs import published, run_job

# ansible-runner and the playbooks are the same on every release: on the Debian 12 guest, which would
# otherwise wait while the Debian 13 guest runs the agent and ansible-pull tests (the guests run side by side).
pytestmark = pytest.mark.lab_suites("bookworm")

LATE_DROPIN = "/etc/containers/containers.conf.d/99-local-drift.conf"
# Each hand-made change, and the controls the audit must name for it.
DRIFTS = [
    (["docker-no-new-privileges"],
     """sed -i 's/"no-new-privileges": true/"no-new-privileges": false/' /etc/docker/daemon.json"""
     """ && grep -q '"no-new-privileges": false' /etc/docker/daemon.json"""),
    # a site's own key next to the one that undoes the hardening: it must keep applying after the repair.
    # A system drop-in is read by every rootless user's Podman too, and the hardened guest's accounts
    # dockremap and containers hold subordinate ranges (the userns layer's), so they may run it.
    (["podman-seccomp-no-32bit", "podman-rootless-seccomp-no-32bit"],
     "printf '[containers]\\nseccomp_profile = \"/usr/share/containers/seccomp.json\"\\npids_limit = 4096\\n' > %s"
     % LATE_DROPIN),
    (["host-selinux-enforcing"], "setenforce 0"),
]


def audit(tmp_path, lab_inventory, host):
    result, artifacts = run_job(tmp_path, lab_inventory, "playbooks/audit.yml", check=True)
    return result, published(artifacts)["stockade_posture"][host]


def enforce(tmp_path, lab_inventory, host):
    # the scenario's variables (the maintenance window's reboots included) come with the inventory
    result, artifacts = run_job(tmp_path, lab_inventory, "playbooks/harden.yml")
    assert result.status == "successful" and result.rc == 0, result.stdout.read()
    data = published(artifacts)
    assert data["stockade_drift_hosts"] == [], data
    return data["stockade_posture"][host]


def test_audit_job_on_the_hardened_host_reports_no_drift(tmp_path, lab_inventory, lab_vm, guest):
    result, posture = audit(tmp_path, lab_inventory, lab_vm["instance"])
    assert result.status == "successful", result.stdout.read()
    assert posture["compliant"] is True and posture["failed_controls"] == []


def test_each_hand_made_drift_is_reported_as_exactly_its_control(tmp_path, lab_inventory, lab_vm, guest):
    expected = []
    for controls, change in DRIFTS:
        guest(change)
        expected += controls
        result, posture = audit(tmp_path, lab_inventory, lab_vm["instance"])
        assert result.status == "failed", result.stdout.read()
        assert sorted(posture["failed_controls"]) == sorted(expected), (controls, posture)


def test_enforce_job_repairs_every_drift(tmp_path, lab_inventory, lab_vm, guest):
    enforce(tmp_path, lab_inventory, lab_vm["instance"])
    assert guest("getenforce").stdout.strip() == "Enforcing"
    assert '"no-new-privileges": true' in guest("cat /etc/docker/daemon.json").stdout
    # The late drop-in is set aside, not deleted: the original is kept as it was, and the file is written
    # again with its other key, which keeps applying (issue 9, item 7b).
    assert "seccomp_profile" in guest("cat %s.stockade-disabled" % LATE_DROPIN).stdout
    kept = guest("cat %s" % LATE_DROPIN).stdout
    assert "pids_limit = 4096" in kept and "seccomp_profile" not in kept.split("\n", 1)[1]
    # ...and Podman applies it: a new container's pids cgroup has that limit
    # -t as in test_engines_current.py: without a tty this short-lived container printed nothing over ssh
    pids_max = guest("podman run --rm -t --network none stockade/busybox cat /sys/fs/cgroup/pids.max").stdout
    assert pids_max.strip() == "4096", pids_max
    result, posture = audit(tmp_path, lab_inventory, lab_vm["instance"])
    assert result.status == "successful", result.stdout.read()
    assert posture["compliant"] is True and posture["failed_controls"] == []
