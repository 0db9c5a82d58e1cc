# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The conventions of docs/ROLES.md, checked for every role in roles/:
the argument spec is the single source of the public variables (defaults
agree with it, names carry the role's prefix, the README is generated from
it), and every task carries its layer tag and ends its name with `| ids`."""

import glob
import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import anchor_variables  # noqa: E402  (the reading of a role's variables that the collision test uses)

ROLES_DIR = os.path.join(REPO, "roles")
ROLES = sorted(d for d in os.listdir(ROLES_DIR) if os.path.isdir(os.path.join(ROLES_DIR, d))) \
    if os.path.isdir(ROLES_DIR) else []
TASK_KEYWORDS_WITH_TASKS = ("block", "rescue", "always")


def load(role, *parts):
    path = os.path.join(ROLES_DIR, role, *parts)
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def spec_options(role):
    return (load(role, "meta", "argument_specs.yml")["argument_specs"]["main"].get("options") or {})


def _as_list(tags):
    return [tags] if isinstance(tags, str) else list(tags or [])


def _import_target(task):
    """(file name, tags handed to its tasks) of an import_tasks or include_tasks, else None."""
    for key in ("import_tasks", "ansible.builtin.import_tasks", "include_tasks", "ansible.builtin.include_tasks"):
        if key in task:
            target = task[key]
            target = target.get("file") if isinstance(target, dict) else target
            if "import" in key:  # static: the import's tags go to every task
                return target, _as_list(task.get("tags"))
            return target, _as_list(((task.get("apply") or {}).get("tags")))
    return None


def tasks_of(role):
    """(file, task, effective tags) for every task of the role, blocks included;
    tags of blocks and of import_tasks (or include_tasks with apply) are inherited."""
    task_dir = os.path.join(ROLES_DIR, role, "tasks")
    found = []
    seen = set()

    def walk(filename, inherited):
        seen.add(filename)
        with open(os.path.join(task_dir, filename), encoding="utf-8") as handle:
            stack = [(t, inherited) for t in (yaml.safe_load(handle) or [])]
        while stack:
            task, above = stack.pop(0)
            tags = above + _as_list(task.get("tags"))
            found.append((filename, task, tags))
            stack[0:0] = [(t, tags) for key in TASK_KEYWORDS_WITH_TASKS for t in (task.get(key) or [])]
            target = _import_target(task)
            if target and target[0] and "{{" not in target[0] and os.path.isfile(os.path.join(task_dir, target[0])):
                walk(target[0], above + target[1])

    if os.path.isfile(os.path.join(task_dir, "main.yml")):
        walk("main.yml", [])
    for path in sorted(glob.glob(os.path.join(task_dir, "*.yml"))):
        if os.path.basename(path) not in seen:
            walk(os.path.basename(path), [])
    return found


def test_there_are_roles():
    assert {"engine_config", "no_new_privs", "namespaces", "capabilities", "kernel_fs", "vm_isolation"} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_role_has_the_expected_files(role):
    for parts in (("meta", "main.yml"), ("meta", "argument_specs.yml"), ("defaults", "main.yml"),
                  ("tasks", "main.yml"), ("README.md",)):
        assert os.path.isfile(os.path.join(ROLES_DIR, role, *parts)), "%s has no %s" % (role, os.path.join(*parts))
    assert load(role, "meta", "main.yml")["galaxy_info"]["role_name"] == role


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_and_defaults_agree(role):
    options = spec_options(role)
    defaults = load(role, "defaults", "main.yml") or {}
    assert sorted(defaults) == sorted(options), "defaults/main.yml and meta/argument_specs.yml name different variables"
    for name, option in options.items():
        assert (option or {}).get("default") == defaults[name], "%s: default differs between spec and defaults" % name


# Operator words for the whole collection, declared by the role that reads them: stockade_mac is the
# selinux role's choice of MAC and the final verify's (harden.yml passes it to posture_verify's mac).
COLLECTION_WORDS = {"selinux": ("stockade_mac",)}


@pytest.mark.parametrize("role", ROLES)
def test_public_variables_carry_the_role_prefix(role):
    # stockade_ keeps them apart from linux-system-roles and dev-sec (test_variable_collisions.py)
    for name in spec_options(role):
        if name in COLLECTION_WORDS.get(role, ()):
            continue
        assert name.startswith("stockade_%s_" % role), "%s is not prefixed with stockade_%s_" % (name, role)
    for name in load(role, "defaults", "main.yml") or {}:
        assert not name.startswith("_"), "%s: private variables belong in vars/, not defaults/" % name


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_a_role_sets_carries_the_stockade_prefix(role):
    # vars/, register, set_fact and loop_var names: private ones __stockade_<role>_, the hand-over
    # between roles __stockade_<engine>_..., published facts stockade_ (stockade_reboot_required)
    private = anchor_variables.names(os.path.join(ROLES_DIR, role), "stockade_" + role)[1]
    for name in private:
        assert name.startswith(("__stockade_", "stockade_")), "%s: %s lacks the __stockade_%s_ prefix" % (
            role, name, role)


@pytest.mark.parametrize("role", [r for r in ROLES if r in LAYERS])
def test_a_layer_role_owns_its_enabled_flag_and_obeys_it(role):
    flag = "stockade_%s_enabled" % role
    assert spec_options(role)[flag]["type"] == "bool" and spec_options(role)[flag]["default"] is True
    # main.yml runs the role-alone pre-flight and imports the layer, both under the flag, so no task
    # runs when it is false
    main = load(role, "tasks", "main.yml")
    for task in main:
        conditions = task["when"] if isinstance(task["when"], list) else [task["when"]]
        assert conditions[0] == "%s | bool" % flag, "every task of tasks/main.yml must run under %s" % flag
    assert [task.get("ansible.builtin.include_role", {}).get("tasks_from") for task in main[:-1]] == ["preflight"]
    assert main[-1]["ansible.builtin.import_tasks"] == "layer.yml"


def test_every_remediation_names_a_role_and_its_options():
    """A failed control's fix (report, SARIF, HTML) names variables the user can set on that role."""
    checked = 0
    for control in all_controls():
        remediation = control.remediation
        if not remediation or not remediation.role:
            continue
        role = remediation.role.rsplit(".", 1)[-1]
        assert role in ROLES, "%s: remediation names unknown role %s" % (control.id, remediation.role)
        for variable in remediation.variables:
            assert variable in spec_options(role), "%s: %s is not an option of role %s" % (control.id, variable, role)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("role", ROLES)
def test_every_option_is_documented(role):
    for name, option in spec_options(role).items():
        assert option.get("description"), "%s has no description" % name
        assert option.get("type"), "%s has no type" % name


@pytest.mark.parametrize("role", ROLES)
def test_readme_is_generated_from_the_spec(role):
    result = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "role_docs.py"), "--check", role],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("role", ROLES)
def test_every_task_is_tagged_with_its_layer_and_named_with_ids(role):
    tasks = tasks_of(role)
    assert tasks, "%s has no tasks" % role
    for filename, task, tags in tasks:
        name = task.get("name") or "(unnamed task in %s)" % filename
        assert role in tags, "%s: %r lacks the layer tag %r (tags %s)" % (filename, name, role, tags)
        # docs/ROLES.md: task names of the layer roles end with the control ids
        if role in LAYERS and not any(key in task for key in TASK_KEYWORDS_WITH_TASKS):
            assert " | " in name and name.rsplit(" | ", 1)[1].strip(), \
                "%s: %r does not end with '| <control ids>'" % (filename, name)


@pytest.mark.parametrize("role", ROLES)
def test_tags_that_look_like_control_ids_are_real_controls(role):
    known = {c.id for c in all_controls()}
    for filename, task, tags in tasks_of(role):
        for tag in tags:
            if tag.startswith(("docker-", "podman-", "crio-", "host-")):
                assert tag in known, "%s: tag %s is not a control id of the catalogue" % (filename, tag)


def shared_facts():
    """The fact names of docs/ROLES.md's "Shared facts" table."""
    with open(os.path.join(REPO, "docs", "ROLES.md")) as handle:
        text = handle.read()
    table = text.split("### Shared facts", 1)[1].split("\n\n```", 1)[0]
    return {name for row in table.splitlines() if row.startswith("| `")
            for name in re.findall(r"`(stockade_\w+)`", row.split("|")[1])}


def test_the_shared_facts_are_documented():
    assert {"stockade_docker_settings", "stockade_podman_dropins", "stockade_crio_dropins",
            "stockade_restart_engines", "stockade_reboot_required"} <= shared_facts()


@pytest.mark.parametrize("role", ROLES)
def test_a_variable_a_role_sets_is_its_own_or_a_documented_shared_fact(role):
    """`__stockade_<role>_` is private to the role (as in linux-system-roles); what
    roles share is a fact of docs/ROLES.md's table, without the private `__`."""
    private = anchor_variables.names(os.path.join(ROLES_DIR, role), "stockade_" + role)[1]
    stray = [name for name in private
             if not name.startswith("__stockade_%s_" % role) and name not in shared_facts()]
    assert stray == []
