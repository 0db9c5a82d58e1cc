# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy key selinux_booleans_allowed through the real bin/stockade-audit
(a policy file, a clean environment) and through posture_verify as Ansible runs
it, on a fixture tree where SELinux container booleans are on."""

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AGENT = os.path.join(REPO, "bin", "stockade-audit")
CONTROL = "host-selinux-container-booleans"
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from ansible_cli import ansible, json_document  # noqa: E402
from hosttree import HARDENED, write_tree  # noqa: E402

BOOLEANS_ON = {
    "sys/fs/selinux/booleans/container_manage_cgroup": "1 1",
    "sys/fs/selinux/booleans/container_use_devices": "0 0",
    "var/lib/selinux/default/active/booleans.local": "container_manage_cgroup=1\n",
}


def agent(*args):
    env = {"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"}
    return subprocess.run([AGENT] + list(args), capture_output=True, text=True, env=env, timeout=120, check=False)


def control(report):
    return next(c for c in report["controls"] if c["id"] == CONTROL)


def test_agent_policy_file_allows_a_boolean_and_still_catches_another(tmp_path):
    root = write_tree(tmp_path / "root", HARDENED, BOOLEANS_ON)
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"selinux_booleans_allowed": ["container_manage_cgroup"]}))

    default = agent("--root", root, "--format", "json")
    assert default.returncode == 1, default.stderr
    assert json.loads(default.stdout)["summary"]["failed_required"] == [CONTROL]

    allowed = agent("--root", root, "--policy", str(policy), "--format", "json")
    assert allowed.returncode == 0, allowed.stdout[-2000:] + allowed.stderr
    report = json.loads(allowed.stdout)
    assert control(report)["status"] == "pass"
    assert "container_manage_cgroup on (allowed by policy)" in control(report)["evidence"]
    assert report["policy"]["selinux_booleans_allowed"] == ["container_manage_cgroup"]

    # container_use_devices turned on later: not allowed, so it fails, named alone.
    later = write_tree(tmp_path / "later", HARDENED, BOOLEANS_ON,
                       {"sys/fs/selinux/booleans/container_use_devices": "1 1"})
    table = agent("--root", later, "--policy", str(policy))
    assert table.returncode == 1, table.stderr
    lines = [line for line in table.stdout.splitlines() if "container_" in line]
    assert lines == ["          container_use_devices is on (runtime 1, persisted None)"], table.stdout


def test_agent_refuses_an_unknown_boolean_with_exit_2(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"selinux_booleans_allowed": ["container_magic"]}))
    result = agent("--root", str(tmp_path), "--policy", str(policy))
    assert result.returncode == 2
    assert "unknown container boolean(s) container_magic; known: container_manage_cgroup" in result.stderr


def test_posture_verify_through_ansible_takes_the_key(tmp_path):
    root = write_tree(tmp_path / "root", HARDENED, BOOLEANS_ON)
    playbook = tmp_path / "verify.yml"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
        "    - stockade.hardening.posture_verify:\n        root: %s\n        policy:\n"
        "          selinux_booleans_allowed: [container_manage_cgroup]\n"
        "      register: allowed\n"
        "    - stockade.hardening.posture_verify:\n        root: %s\n        policy:\n"
        "          selinux_booleans_allowed: [container_magic]\n"
        "      register: unknown\n      ignore_errors: true\n" % (root, root))
    result = ansible("ansible-playbook", "--check", str(playbook))
    assert result.returncode == 0, result.stdout[-3000:]
    # the json stdout callback's document; the posture_matrix callback (ansible.cfg) prints after it
    tasks = json_document(result.stdout)["plays"][0]["tasks"]
    allowed, unknown = (task["hosts"]["localhost"] for task in tasks)
    assert allowed["failed_controls"] == []
    assert "container_manage_cgroup on (allowed by policy)" in control(allowed["report"])["evidence"]
    assert unknown["failed"] and "unknown container boolean(s) container_magic" in unknown["msg"]
