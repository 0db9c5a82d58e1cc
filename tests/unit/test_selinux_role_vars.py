# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selinux role and the selinux audit controls describe the same things:
the booleans the role turns off are those the audit checks, every variable a
control's remediation names is an option of the role, the OS variable files
define the same keys, and the role's host facts module (selinux_host_info) runs and answers every key
the tasks read (on this machine, which has no SELinux)."""

import json
import os
import re
import sys

import pytest
import yaml

from ansible_collections.stockade.hardening.plugins.module_utils import (
    selinux_host_info,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.selinux import CONTAINER_BOOLEANS

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins", "module_utils", "posture"))
from hosttree import HARDENED, grub_cfg, write_tree  # noqa: E402  pylint: disable=wrong-import-position

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(REPO, "roles", "selinux")


def load(*parts):
    with open(os.path.join(ROLE, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def options():
    return load("meta", "argument_specs.yml")["argument_specs"]["main"]["options"]


def test_the_role_turns_off_exactly_the_booleans_the_audit_checks():
    assert load("vars", "main.yml")["__stockade_selinux_container_booleans"] == list(CONTAINER_BOOLEANS)


def test_every_remediation_of_the_selinux_layer_names_this_role_and_its_options():
    # Live per-container controls name no role: a running container is fixed by restarting it.
    controls = [c for c in all_controls() if c.layer == "selinux" and c.remediation and c.remediation.role]
    assert {c.id for c in controls} >= {"host-selinux-enforcing", "host-selinux-container-policy",
                                        "host-selinux-container-booleans", "docker-selinux-enabled",
                                        "podman-selinux-label", "crio-selinux-enabled"}
    for control in controls:
        assert control.remediation.role.rsplit(".", 1)[-1] == "selinux", control.id
        for variable, value in control.remediation.variables.items():
            assert variable in options(), "%s: remediation variable %s is not a role option" % (control.id, variable)
            spec = options()[variable]
            if "choices" in spec:
                assert value in spec["choices"], "%s: %s=%r is not a choice" % (control.id, variable, value)


def test_defaults_are_the_hardened_ones():
    defaults = load("defaults", "main.yml")
    assert defaults["stockade_selinux_state"] == "enforcing"
    assert defaults["stockade_selinux_reboot_allowed"] is False
    assert defaults["stockade_selinux_switch_from_apparmor"] is False
    assert defaults["stockade_selinux_booleans_on"] == []
    assert all(defaults["stockade_selinux_%s" % engine] is True for engine in ("docker", "podman", "crio"))


def test_nullable_options_accept_null():
    for name in ("stockade_selinux_state", "stockade_selinux_docker", "stockade_selinux_podman", "stockade_selinux_crio"):
        spec = options()[name]
        assert spec["type"] == "raw" and None in spec["choices"], name


def test_os_variable_files_define_the_same_names():
    debian, redhat = load("vars", "Debian.yml"), load("vars", "RedHat.yml")
    assert sorted(debian) == sorted(redhat)
    assert debian["__stockade_selinux_policy_type_default"] == "default"
    assert redhat["__stockade_selinux_policy_type_default"] == "targeted"
    assert "container-selinux" in redhat["__stockade_selinux_packages"]
    assert {"selinux-basics", "selinux-policy-default", "auditd"} <= set(debian["__stockade_selinux_packages"])
    assert "container" in debian["__stockade_selinux_policy_modules"]


def host_facts_keys_read_by_tasks():
    text = ""
    for directory, dummy, files in os.walk(ROLE):
        for name in files:
            if name.endswith(".yml"):
                with open(os.path.join(directory, name), encoding="utf-8") as handle:
                    text += handle.read()
    return set(re.findall(r"__stockade_selinux_host_facts\.(\w+)", text))


def test_the_host_facts_answer_every_key_the_tasks_read(tmp_path):
    params = {"policy_type": "default", "package_tool": "dpkg", "packages": ["python3", "no-such-package-xyz"],
              "label_witnesses": ["/etc"], "preflight_paths": ["/etc/passwd"],
              "grub_dropin": str(tmp_path / "absent.cfg"), "kernel_params": ["security=selinux"],
              "file_contexts": []}
    facts = selinux_host_info.host_facts(params)   # this machine, which runs no SELinux
    json.dumps(facts)                            # what the module returns must be JSON
    if facts["runtime"] == "disabled":
        # The pre-flight keys exist only where SELinux runs (the tasks read them only then).
        facts.update(dict.fromkeys(("self_domain", "sshd_domains", "sshd_denials", "unverified_labels")))
    assert host_facts_keys_read_by_tasks() <= set(facts)
    assert "no-such-package-xyz" in facts["missing_packages"]
    assert facts["grub_dropin"] is None and facts["grub_cfg_has_params"] is False


def test_the_host_facts_read_the_state_with_the_engines_readers(tmp_path):
    # a config the audit reads as "no mode" (libselinux skips the quoted line) and GRUB's entry with selinux=0
    tree = dict(HARDENED, **{"etc/selinux/config": 'SELINUX="enforcing"\nSELINUXTYPE=default\n',
                             "boot/grub/grub.cfg": grub_cfg("security=selinux selinux=0")})
    root = write_tree(tmp_path / "root", tree)
    facts = selinux_host_info.host_facts({"policy_type": "default", "packages": [], "label_witnesses": [],
                                          "preflight_paths": [], "kernel_params": ["security=selinux", "selinux=1"],
                                          "file_contexts": []}, root=root)
    assert facts["config_mode"] is None and facts["config_type"] == "default"
    assert facts["next_boot"] == "disabled" and facts["grub_cfg_has_params"] is False
    assert facts["modules"] == ["base", "container"]


def role_value(expression, facts, **overrides):
    """Evaluate one of the role's derived variables for a host facts answer, as Ansible would."""
    templar_module = pytest.importorskip("ansible.template")
    loader = pytest.importorskip("ansible.parsing.dataloader").DataLoader()

    def trusted(value):
        if isinstance(value, str):
            return templar_module.trust_as_template(value)
        if isinstance(value, list):
            return [trusted(item) for item in value]
        if isinstance(value, dict):
            return dict((key, trusted(item)) for key, item in value.items())
        return value

    variables = {}
    for parts in (("vars", "main.yml"), ("vars", "Debian.yml"), ("defaults", "main.yml")):
        variables.update(trusted(load(*parts)))
    variables.update(overrides)
    variables["__stockade_selinux_host_facts_result"] = facts
    templar = templar_module.Templar(loader=loader, variables=variables)
    return templar.template(templar_module.trust_as_template("{{ %s }}" % expression))


APPARMOR_HOST = {"lsms": ["lockdown", "capability", "yama", "apparmor", "bpf"], "runtime": "disabled",
                 "root_labelled": True, "modules": []}
SELINUX_HOST = {"lsms": ["lockdown", "capability", "yama", "selinux", "bpf"], "runtime": "permissive",
                "root_labelled": True, "modules": ["container", "docker"]}
PLAIN_HOST = {"lsms": ["lockdown", "capability", "yama"], "runtime": "disabled",
              "root_labelled": False, "modules": []}


def test_an_apparmor_host_is_left_alone_unless_the_switch_is_asked_for():
    assert role_value("__stockade_selinux_applicable", APPARMOR_HOST) is False
    assert role_value("__stockade_selinux_applicable", APPARMOR_HOST, stockade_selinux_switch_from_apparmor=True) is True
    assert role_value("__stockade_selinux_applicable", SELINUX_HOST) is True
    assert role_value("__stockade_selinux_applicable", PLAIN_HOST) is True


def test_a_boot_is_pending_only_while_selinux_does_not_run_and_the_mode_is_managed():
    assert role_value("__stockade_selinux_boot_pending", PLAIN_HOST) is True
    assert role_value("__stockade_selinux_boot_pending", PLAIN_HOST, stockade_selinux_state=None) is False
    assert role_value("__stockade_selinux_boot_pending", SELINUX_HOST) is False


def test_the_reboot_reason_says_what_the_boot_does():
    reason = role_value("__stockade_selinux_reboot_reason", PLAIN_HOST)
    assert "security=selinux" in reason and "relabelling" in reason
    assert "relabelling" not in role_value("__stockade_selinux_reboot_reason", APPARMOR_HOST)


def test_only_missing_modules_are_built():
    assert role_value("__stockade_selinux_missing_modules", SELINUX_HOST) == ["podman"]
    assert role_value("__stockade_selinux_to_enforcing", SELINUX_HOST) is True


def test_the_local_policy_module_is_built_only_when_missing():
    assert role_value("__stockade_selinux_missing_local_modules", SELINUX_HOST) == ["stockade_container_local"]
    installed = dict(SELINUX_HOST, modules=["container", "docker", "podman", "stockade_container_local"])
    assert role_value("__stockade_selinux_missing_local_modules", installed) == []
    assert role_value("__stockade_selinux_missing_modules", installed) == []


def test_every_local_policy_module_has_its_source_in_the_role():
    for os_vars in ("Debian.yml", "RedHat.yml"):
        for module in load("vars", os_vars)["__stockade_selinux_local_policy_modules"]:
            with open(os.path.join(ROLE, "files", module + ".te"), encoding="utf-8") as handle:
                assert handle.readline().startswith("policy_module(%s," % module)
