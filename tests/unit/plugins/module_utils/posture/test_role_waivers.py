# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A control a role variable switched off on purpose is waived by that variable
in harden.yml's final verify (posture/policy/role_waivers.py, the filter
stockade.hardening.with_role_waivers), not failed: the finding was that the
userns guard offers `stockade_userns_docker_remap: null` and the same run's
verify then failed docker-userns-remap."""

import os
import re

import pytest
import yaml

from hosttree import HARDENED, daemon_json, write_tree
from ansible_collections.stockade.hardening.plugins.filter.with_role_waivers import FilterModule
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import apply, validate
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.role_waivers import (
    role_waivers, with_role_waivers,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.render import render_table, verdict

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
IDS = [c.id for c in all_controls()]


def waived(variables):
    return {w["control"]: w["justification"] for w in role_waivers(variables)}


def test_docker_unremapped_waives_the_remap_and_its_subids():
    assert waived({"stockade_userns_docker_remap": None}) == {
        "docker-userns-remap": "waived by stockade_userns_docker_remap: null",
        "docker-userns-subids": "waived by stockade_userns_docker_remap: null"}


@pytest.mark.parametrize("variables,expected", [
    ({"stockade_no_new_privs_docker": False}, {"docker-no-new-privileges": "stockade_no_new_privs_docker: false"}),
    # -e key=value gives a string, read as Ansible's bool filter reads it
    ({"stockade_no_new_privs_docker": "no"}, {"docker-no-new-privileges": "stockade_no_new_privs_docker: no"}),
    ({"stockade_seccomp_docker": False}, {"docker-seccomp-enabled": "stockade_seccomp_docker: false",
                                          "docker-seccomp-no-32bit": "stockade_seccomp_docker: false"}),
    ({"stockade_namespaces_docker_icc": True}, {"docker-icc-disabled": "stockade_namespaces_docker_icc: true"}),
    ({"stockade_selinux_state": "permissive"}, {"host-selinux-enforcing": "stockade_selinux_state: permissive",
                                                "host-selinux-container-policy": "stockade_selinux_state: permissive"}),
])
def test_a_switch_set_against_its_control_waives_it(variables, expected):
    assert waived(variables) == {k: "waived by " + v for k, v in expected.items()}


def test_a_layer_switched_off_waives_every_required_control_its_role_fixes():
    found = waived({"stockade_no_new_privs_enabled": False, "stockade_kernel_enabled": "false"})
    assert found["docker-no-new-privileges"] == "waived by stockade_no_new_privs_enabled: false"
    # by the role that fixes it, whatever the layer: user.max_user_namespaces is the kernel role's
    assert found["host-max-user-namespaces"] == "waived by stockade_kernel_enabled: false"
    assert found["host-sysctl-ptrace-scope"] == "waived by stockade_kernel_enabled: false"
    # opt-in controls fail nobody's verify, and running containers are no role's to fix
    assert "host-ia32-emulation-off" not in found and "docker-containers-no-new-privileges" not in found


@pytest.mark.parametrize("variables", [
    {},
    {"stockade_userns_docker_remap": "default", "stockade_seccomp_docker": True, "stockade_kernel_enabled": True},
    {"stockade_userns_docker_remap": "default", "stockade_no_new_privs_docker": "yes"},
    # values, not switches: a changed sysctl or capability set is judged, never waived
    {"stockade_kernel_sysctls": {"kernel.yama.ptrace_scope": 0}, "stockade_capabilities_podman_default": ["ALL"]},
    # the play's own variables and facts named stockade_*
    {"stockade_engine_config_deferred": True, "stockade_reboot_required": False, "stockade_policy": {}},
])
def test_defaults_values_and_other_variables_waive_nothing(variables):
    assert role_waivers(variables) == []


def test_every_default_of_every_role_waives_nothing():
    """The roles' own defaults are the hardened choice: were one to waive its control, the table would lie."""
    defaults = {}
    for role in os.listdir(os.path.join(REPO, "roles")):
        path = os.path.join(REPO, "roles", role, "defaults", "main.yml")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                defaults.update(yaml.safe_load(handle) or {})
    assert role_waivers(defaults) == []


def test_the_policy_of_the_user_comes_first():
    policy = {"require": ["docker-userns-subids"],
              "waivers": [{"control": "docker-userns-remap", "justification": "ticket OPS-12"}]}
    merged = with_role_waivers(policy, {"stockade_userns_docker_remap": None, "stockade_no_new_privs_docker": False})
    assert merged["waivers"] == [{"control": "docker-userns-remap", "justification": "ticket OPS-12"},
                                 {"control": "docker-no-new-privileges",
                                  "justification": "waived by stockade_no_new_privs_docker: false"}]
    assert policy["waivers"] == [{"control": "docker-userns-remap", "justification": "ticket OPS-12"}]  # not changed
    validate(merged, IDS)       # one waiver per control: the policy stays valid
    assert FilterModule().filters()["with_role_waivers"] is with_role_waivers


def test_an_unremapped_docker_reads_waived_not_failed_in_the_verify(tmp_path):
    """A lived-in Docker host that took the guard's way out: daemon.json without userns-remap."""
    report = run_audit(write_tree(tmp_path, HARDENED, daemon_json(userns_remap=None)), machine="x86_64")
    entry = next(e for e in report["controls"] if e["id"] == "docker-userns-remap")
    assert entry["status"] == "fail"

    failures = apply(report, validate({}, IDS))
    assert "docker-userns-remap" in [f["id"] for f in failures]     # the finding, without the waiver

    report = run_audit(write_tree(tmp_path / "again", HARDENED, daemon_json(userns_remap=None)), machine="x86_64")
    policy = validate(with_role_waivers({}, {"stockade_userns_docker_remap": None}), IDS)
    failures = apply(report, policy)
    entry = next(e for e in report["controls"] if e["id"] == "docker-userns-remap")
    assert "docker-userns-remap" not in [f["id"] for f in failures]
    assert entry["status"] == "fail" and entry["waived"] and verdict(entry) == "waived"
    assert entry["waiver"]["justification"] == "waived by stockade_userns_docker_remap: null"
    assert "waived by stockade_userns_docker_remap: null" in render_table(report)
    assert report["summary"]["verdicts"]["waived"] >= 1


def test_harden_yml_verifies_with_the_role_waivers_of_every_stockade_variable_in_scope():
    with open(os.path.join(REPO, "playbooks", "harden.yml"), encoding="utf-8") as handle:
        play = yaml.safe_load(handle)
    verify = next(t for t in play[0]["tasks"] if "stockade.hardening.posture_verify" in t)
    assert "stockade.hardening.with_role_waivers(__stockade_operator_choices)" in verify[
        "stockade.hardening.posture_verify"]["policy"]
    assert re.search(r"varnames', '\^stockade_'", verify["vars"]["__stockade_operator_choices"])


def test_ansible_renders_the_verify_policy_with_the_variables_the_operator_set(tmp_path):
    """harden.yml's verify expressions, rendered by ansible-playbook (the collection's filter loaded as on a
    controller): inventory and extra vars count, null survives, the roles' defaults do not."""
    import json
    import subprocess
    import sys
    with open(os.path.join(REPO, "playbooks", "harden.yml"), encoding="utf-8") as handle:
        verify = next(t for t in yaml.safe_load(handle)[0]["tasks"] if "stockade.hardening.posture_verify" in t)
    play = [{"hosts": "all", "gather_facts": False, "vars": {"stockade_engine_config_deferred": True},
             "tasks": [{"ansible.builtin.copy": {
                 "content": "{{ __policy | to_json }}", "dest": str(tmp_path / "policy.json"), "mode": "0600"},
                 "vars": dict(verify["vars"], __policy=verify["stockade.hardening.posture_verify"]["policy"])}]}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump({"all": {"hosts": {"lived-in": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "stockade_userns_docker_remap": None,
        "stockade_policy": {"waivers": [{"control": "docker-icc-disabled", "justification": "OPS-7"}]}}}}}))
    collections = os.path.join(REPO, ".cache", "collections")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_RETRY_FILES_ENABLED="false")
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                           "-i", str(tmp_path / "inventory.yml"), str(tmp_path / "play.yml"),
                           "-e", "stockade_no_new_privs_docker=false"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    policy = json.loads((tmp_path / "policy.json").read_text())
    assert {w["control"]: w["justification"] for w in policy["waivers"]} == {
        "docker-icc-disabled": "OPS-7",
        "docker-userns-remap": "waived by stockade_userns_docker_remap: null",
        "docker-userns-subids": "waived by stockade_userns_docker_remap: null",
        "docker-no-new-privileges": "waived by stockade_no_new_privs_docker: false"}
    validate(policy, IDS)
