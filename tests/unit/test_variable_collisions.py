# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No variable of a Stockade role shares a name with a variable of the roles
many hosts run beside it: linux-system-roles selinux, podman, firewall,
kernel_settings and dev-sec's os_hardening (their names, taken from their own
defaults, argument specs, READMEs, vars and tasks, are in
data/anchor_variables.yml, made by scripts/anchor_variables.py). A group_var
written for one role must not reach into the other: LSR's
`selinux_state: disabled` once made Stockade's selinux role fail.

Checked for every role: the options of its argument spec, its defaults, its
vars/ and the names its tasks and handlers register, set_fact or loop over
(one test per name, so `pytest -v` lists every name checked)."""

import os
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))

import anchor_variables  # noqa: E402  (the same reading of a role as the anchors')

ROLES_DIR = os.path.join(REPO, "roles")
ROLES = sorted(d for d in os.listdir(ROLES_DIR) if os.path.isdir(os.path.join(ROLES_DIR, d)))
ANCHORS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "anchor_variables.yml")

# Names that mean the same, with the same values, in the anchor role (allowed to
# be shared): none today.
SAME_MEANING = {}


def anchors():
    with open(ANCHORS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def anchor_owners():
    """name -> the anchor roles that use it."""
    owners = {}
    for anchor, lists in anchors().items():
        for name in lists["public"] + lists["private"]:
            owners.setdefault(name, []).append(anchor)
    return owners


def spec_options(role):
    path = os.path.join(ROLES_DIR, role, "meta", "argument_specs.yml")
    with open(path, encoding="utf-8") as handle:
        return set((yaml.safe_load(handle)["argument_specs"]["main"].get("options") or {}))


def stockade_names():
    """(role, name) for every variable a Stockade role declares or sets."""
    found = set()
    for role in ROLES:
        public, private = anchor_variables.names(os.path.join(ROLES_DIR, role), "stockade_" + role)
        found |= {(role, name) for name in set(public) | set(private) | spec_options(role)}
    return sorted(found)


NAMES = stockade_names()


def test_the_anchor_lists_are_the_real_ones():
    # A check against empty or wrong lists could not fail: pin well-known names of each anchor.
    data = anchors()
    assert set(data) == {"linux-system-roles/selinux", "linux-system-roles/podman", "linux-system-roles/firewall",
                         "linux-system-roles/kernel_settings", "dev-sec/ansible-collection-hardening:os_hardening"}
    assert all(len(lists["commit"]) == 40 for lists in data.values())
    assert {"selinux_state", "selinux_policy", "selinux_booleans", "selinux_reboot_required"} \
        <= set(data["linux-system-roles/selinux"]["public"])
    assert {"podman_containers_conf", "podman_storage_conf", "podman_firewall"} \
        <= set(data["linux-system-roles/podman"]["public"])
    assert {"firewall", "firewall_disable_conflicting_services"} <= set(data["linux-system-roles/firewall"]["public"])
    assert {"kernel_settings_sysctl", "kernel_settings_reboot_ok"} \
        <= set(data["linux-system-roles/kernel_settings"]["public"])
    assert {"os_hardening_enabled", "os_selinux_state", "sysctl_overwrite"} \
        <= set(data["dev-sec/ansible-collection-hardening:os_hardening"]["public"])
    assert "__selinux_item" in data["linux-system-roles/selinux"]["private"]


def test_the_collision_check_reads_every_role():
    roles = {role for role, name in NAMES}
    assert roles == set(ROLES)
    assert ("selinux", "stockade_selinux_state") in NAMES and ("selinux", "__stockade_selinux_item") in NAMES
    assert len(NAMES) > 100


def collisions(name):
    """The anchor roles that use this name too, unless it means the same there."""
    return [] if name in SAME_MEANING else anchor_owners().get(name, [])


@pytest.mark.parametrize("role,name", NAMES, ids=["%s:%s" % pair for pair in NAMES])
def test_no_variable_shares_a_name_with_linux_system_roles_or_dev_sec(role, name):
    owners = collisions(name)
    assert not owners, "%s: variable %s is also a variable of %s; rename it (stockade_%s_...)" % (
        role, name, ", ".join(owners), role)


def test_the_names_used_before_the_stockade_prefix_are_caught():
    # Before the stockade_ prefix the selinux role read selinux_state and looped with __selinux_item, as LSR's selinux role does.
    assert collisions("selinux_state") == ["linux-system-roles/selinux"]
    assert collisions("__selinux_item") == ["linux-system-roles/selinux"]
    assert collisions("stockade_selinux_state") == []
