# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's playbooks as AWX does, through ansible-runner, and
read what AWX would read: the status, the events and the set_stats data
(ansible-runner puts it into the playbook_on_stats event as
event_data.artifact_data; AWX copies exactly that into the job's artifacts)."""

import json
import os
import pathlib
import shutil
import tempfile

import ansible_runner

from conftest import REPO, SSH_TIMEOUT


def run_job(tmp_path, lab_inventory, playbook, extravars=None, check=False):
    """ansible_runner.run() of `playbook` (relative to the checkout) -> (result, artifacts dir)."""

    # a directory of its own per job: a test may run several
    private = pathlib.Path(tempfile.mkdtemp(prefix=os.path.basename(playbook).replace(".yml", "-"), dir=str(tmp_path)))
    (private / "inventory").mkdir()
    shutil.copy(lab_inventory, private / "inventory" / "hosts.yml")
    result = ansible_runner.run(
        private_data_dir=str(private),
        project_dir=REPO,  # so the checkout's ansible.cfg applies, as a project's does in AWX
        playbook=playbook,
        cmdline="--check" if check else None,
        extravars=extravars or {},
        envvars={
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(REPO, ".cache", "collections"),
            "ANSIBLE_CALLBACKS_ENABLED": "stockade.hardening.posture_matrix",
            "ANSIBLE_TIMEOUT": str(SSH_TIMEOUT),
        },
        quiet=True,
        timeout=3600,
    )
    artifacts = private / "artifacts" / result.config.ident
    return result, artifacts


def stats_event(artifacts):
    """The playbook_on_stats event, read from the artifacts on disk (job_events/*.json)."""
    for path in sorted((artifacts / "job_events").glob("*.json")):
        event = json.loads(path.read_text())
        if event.get("event") == "playbook_on_stats":
            return event
    raise AssertionError("no playbook_on_stats event under %s" % artifacts)


def published(artifacts):
    """The set_stats data of the job: {stockade_posture: {host: ...}, stockade_drift_hosts: [...]}."""
    return stats_event(artifacts)["event_data"]["artifact_data"]


def task_results(result, task_prefix):
    return [e["event_data"] for e in result.events
            if e.get("event") in ("runner_on_ok", "runner_on_failed")
            and e["event_data"].get("task", "").startswith(task_prefix)]
