# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy's per-boolean allow-list (selinux_booleans_allowed) for control
host-selinux-container-booleans: on fixture trees, through the agent's command
line, and as harden.yml builds it from the selinux role's stockade_selinux_booleans_on."""

import json
import os

import pytest
import yaml

from hosttree import HARDENED, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture import cli
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.selinux import CONTAINER_BOOLEANS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.role_waivers import with_role_waivers
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.render import failure_line

IDS = [c.id for c in all_controls()]
CONTROL = "host-selinux-container-booleans"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))

# container_manage_cgroup on now and persistently (what stockade_selinux_booleans_on does).
CGROUP_ON = {
    "sys/fs/selinux/booleans/container_manage_cgroup": "1 1",
    "var/lib/selinux/default/active/booleans.local": "container_manage_cgroup=1\n",
}
# ... and container_use_devices on as well, at runtime only.
DEVICES_ON_TOO = dict(CGROUP_ON, **{"sys/fs/selinux/booleans/container_use_devices": "1 1"})


def verify(tmp_path, raw_policy, *layers):
    """(report, failures) of the fixture tree under a policy, as posture_verify and the agent run it."""
    policy = validate(raw_policy, IDS)
    report = run_audit(write_tree(tmp_path / "root", HARDENED, *layers), machine="x86_64",
                       allowed_booleans=policy["selinux_booleans_allowed"])
    return report, apply(report, policy)


def entry_of(report):
    return next(c for c in report["controls"] if c["id"] == CONTROL)


def test_hardened_tree_passes_without_an_allow_list(tmp_path):
    report, failures = verify(tmp_path, None)
    assert failures == []
    assert entry_of(report)["status"] == "pass"
    assert report["policy"]["selinux_booleans_allowed"] == []


def test_a_boolean_on_fails_by_default(tmp_path):
    report, failures = verify(tmp_path, {}, CGROUP_ON)
    assert [f["id"] for f in failures] == [CONTROL]
    assert entry_of(report)["evidence"] == ["container_manage_cgroup is on (runtime 1, persisted 1)"]


def test_allowed_boolean_on_passes_with_evidence_and_counts_follow(tmp_path):
    before = dict(verify(tmp_path / "before", None, CGROUP_ON)[0]["summary"]["counts"])
    report, failures = verify(tmp_path, {"selinux_booleans_allowed": ["container_manage_cgroup"]}, CGROUP_ON)
    assert failures == []
    entry = entry_of(report)
    assert entry["status"] == "pass"
    assert "container_manage_cgroup on (allowed by policy)" in entry["evidence"]
    assert not entry["waived"]
    summary = report["summary"]
    assert summary["compliant"] is True and summary["failed_required"] == []
    assert summary["counts"]["pass"] == before["pass"] + 1
    assert summary["counts"].get("fail", 0) == before["fail"] - 1
    assert report["policy"]["selinux_booleans_allowed"] == ["container_manage_cgroup"]


def test_persisted_only_boolean_is_allowed_too(tmp_path):
    report, failures = verify(tmp_path, {"selinux_booleans_allowed": ["container_manage_cgroup"]},
                              {"var/lib/selinux/default/active/booleans.local": "container_manage_cgroup=1\n"})
    assert failures == []
    assert entry_of(report)["evidence"][0] == "container_manage_cgroup on (allowed by policy)"


def test_another_boolean_on_fails_naming_only_that_one(tmp_path):
    report, failures = verify(tmp_path, {"selinux_booleans_allowed": ["container_manage_cgroup"]}, DEVICES_ON_TOO)
    assert [f["id"] for f in failures] == [CONTROL]
    entry = entry_of(report)
    assert entry["status"] == "fail"
    assert entry["evidence"] == ["container_use_devices is on (runtime 1, persisted None)"]
    assert not any("container_manage_cgroup" in line for line in entry["evidence"])
    line = failure_line(failures[0])
    assert "container_use_devices" in line and "container_manage_cgroup" not in line
    assert report["summary"]["compliant"] is False


def test_allowing_a_boolean_that_is_off_changes_nothing(tmp_path):
    report, failures = verify(tmp_path, {"selinux_booleans_allowed": ["container_manage_cgroup"]}, {"sys/fs/selinux/booleans/container_use_devices": "1 1"})
    assert [f["id"] for f in failures] == [CONTROL]
    assert entry_of(report)["evidence"] == ["container_use_devices is on (runtime 1, persisted None)"]


def test_a_waiver_still_covers_the_whole_control(tmp_path):
    report, failures = verify(tmp_path, {"selinux_booleans_allowed": ["container_manage_cgroup"],
                                         "waivers": [{"control": CONTROL, "justification": "devices for the GPU runners"}]},
                              DEVICES_ON_TOO)
    assert failures == []
    assert entry_of(report)["status"] == "fail" and entry_of(report)["waived"]


def test_an_unreadable_boolean_stays_an_error(tmp_path):
    report, failures = verify(tmp_path, {"selinux_booleans_allowed": ["container_manage_cgroup"]}, {"sys/fs/selinux/booleans/container_manage_cgroup": "on"})
    assert [(f["id"], f["status"]) for f in failures] == [(CONTROL, "error")]


@pytest.mark.parametrize("allowed,message", [
    ("container_manage_cgroup", "selinux_booleans_allowed must be a list of SELinux boolean names, not a str"),
    ({"container_manage_cgroup": True}, "must be a list of SELinux boolean names, not a dict"),
    (["container_manage_cgroup", 1], r"item 2 \(1\) must be a boolean name \(a string\)"),
    ([None], r"item 1 \(None\) must be a boolean name"),
    (["container_manage_cgroup", "virt_use_nfs", "container_magic"],
     "names unknown container boolean\\(s\\) container_magic, virt_use_nfs; known: "
     + ", ".join(CONTAINER_BOOLEANS)),
])
def test_bad_allow_lists_are_refused_with_the_reason(allowed, message):
    with pytest.raises(PolicyError, match=message) as caught:
        validate({"selinux_booleans_allowed": allowed}, IDS, source="p.yml")
    assert str(caught.value).startswith("p.yml: selinux_booleans_allowed")


def test_allow_list_is_normalised():
    assert validate({"selinux_booleans_allowed": None}, IDS)["selinux_booleans_allowed"] == []
    policy = validate({"selinux_booleans_allowed": ["container_use_dri", "container_manage_cgroup",
                                                    "container_use_dri"]}, IDS)
    assert policy["selinux_booleans_allowed"] == ["container_manage_cgroup", "container_use_dri"]


@pytest.mark.parametrize("suffix", [".json", ".yml"])
def test_agent_command_line_reads_the_key_from_a_policy_file(tmp_path, capsys, suffix):
    root = write_tree(tmp_path / "root", HARDENED, DEVICES_ON_TOO)
    policy = tmp_path / ("policy" + suffix)
    dump = json.dumps if suffix == ".json" else yaml.safe_dump
    policy.write_text(dump({"selinux_booleans_allowed": ["container_manage_cgroup"]}))
    assert cli.main(["--root", root, "--policy", str(policy), "--format", "json"]) == cli.EXIT_FAILED
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["failed_required"] == [CONTROL]
    entry = entry_of(data)
    assert entry["evidence"] == ["container_use_devices is on (runtime 1, persisted None)"]
    policy.write_text(dump({"selinux_booleans_allowed": ["container_manage_cgroup", "container_use_devices"]}))
    assert cli.main(["--root", root, "--policy", str(policy)]) == cli.EXIT_COMPLIANT
    assert "COMPLIANT" in capsys.readouterr().out


def test_agent_command_line_refuses_an_unknown_boolean(tmp_path, capsys):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"selinux_booleans_allowed": ["virt_use_nfs"]}))
    assert cli.main(["--root", str(tmp_path), "--policy", str(policy)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown container boolean(s) virt_use_nfs" in err and "container_manage_cgroup" in err


def test_posture_verify_documents_the_known_booleans():
    from ansible_collections.stockade.hardening.plugins.modules import posture_verify
    doc = yaml.safe_load(posture_verify.DOCUMENTATION)
    option = doc["options"]["policy"]["suboptions"]["selinux_booleans_allowed"]
    text = " ".join(option["description"])
    assert [name for name in CONTAINER_BOOLEANS if "C(%s)" % name not in text] == []
    from ansible_collections.stockade.hardening.plugins.module_utils.posture_verify import POLICY_SPEC
    assert POLICY_SPEC["selinux_booleans_allowed"] == dict(type="list", elements="str", default=[])


# harden.yml's verify task: its policy expression, rendered by Ansible.
def _harden_policy(variables):
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template
    with open(os.path.join(REPO, "playbooks", "harden.yml"), encoding="utf-8") as handle:
        play = yaml.safe_load(handle)[0]
    task = next(t for t in play["tasks"] if "stockade.hardening.posture_verify" in t)
    # the role variables' waivers come last, through a collection filter that this process's Templar
    # cannot load: applied here as that filter does (rendered by ansible-playbook in test_role_waivers.py)
    expression, waivers = task["stockade.hardening.posture_verify"]["policy"].rsplit(" | ", 1)
    assert waivers == "stockade.hardening.with_role_waivers(__stockade_operator_choices) }}"
    rendered = Templar(loader=DataLoader(), variables=variables).template(trust_as_template(expression + " }}"))
    return with_role_waivers(rendered, {})


@pytest.mark.parametrize("variables,allowed", [
    ({}, []),
    ({"stockade_policy": None, "stockade_selinux_booleans_on": None}, []),
    ({"stockade_selinux_booleans_on": ["container_manage_cgroup"]}, ["container_manage_cgroup"]),
    ({"stockade_policy": {"selinux_booleans_allowed": ["container_use_dri"]}}, ["container_use_dri"]),
    ({"stockade_policy": {"selinux_booleans_allowed": ["container_use_dri", "container_manage_cgroup"]},
      "stockade_selinux_booleans_on": ["container_manage_cgroup"]}, ["container_manage_cgroup", "container_use_dri"]),
])
def test_harden_allows_the_booleans_the_selinux_role_turned_on(variables, allowed):
    policy = _harden_policy(variables)
    assert sorted(policy["selinux_booleans_allowed"]) == allowed
    assert validate(policy, IDS)["selinux_booleans_allowed"] == allowed


def test_harden_keeps_the_rest_of_the_users_policy(tmp_path):
    user = {"require": ["host-ia32-emulation-off"],
            "waivers": [{"control": "docker-icc-disabled", "justification": "x"}]}
    policy = _harden_policy({"stockade_policy": user, "stockade_selinux_booleans_on": ["container_manage_cgroup"]})
    assert policy == dict(user, selinux_booleans_allowed=["container_manage_cgroup"])
    report, failures = verify(tmp_path, policy, CGROUP_ON)
    assert CONTROL not in [f["id"] for f in failures]
    assert entry_of(report)["evidence"][0] == "container_manage_cgroup on (allowed by policy)"
