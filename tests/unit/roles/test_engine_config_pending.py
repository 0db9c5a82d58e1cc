# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""engine_config run twice in a play (two layer roles run alone): the second run
passes only the declarations that are new or changed, so a drop-in is written, and
its diff shown, once (roles/engine_config/vars/main.yml, *_pending)."""

import os

import pytest
import yaml

ROLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                    "roles", "engine_config")
NAMESPACES = {"50-stockade-namespaces.conf": {"containers": {"ipcns": "private"}}}
VM_ISOLATION = {"50-stockade-vm-isolation.conf": {"engine": {"runtime": "runsc"}}}


def pending(engine, **facts):
    """__stockade_engine_config_<engine>_pending for these facts, as Ansible renders it."""
    templar_module = pytest.importorskip("ansible.template")
    loader = pytest.importorskip("ansible.parsing.dataloader").DataLoader()
    with open(os.path.join(ROLE, "vars", "main.yml"), encoding="utf-8") as handle:
        role_vars = yaml.safe_load(handle)
    variables = {key: templar_module.trust_as_template(value) if isinstance(value, str) else value
                 for key, value in role_vars.items()}
    variables.update(facts)
    templar = templar_module.Templar(loader=loader, variables=variables)
    return templar.template(templar_module.trust_as_template("{{ __stockade_engine_config_%s_pending }}" % engine))


def test_the_first_run_passes_every_declaration():
    assert pending("podman", stockade_podman_dropins=NAMESPACES) == NAMESPACES
    assert pending("docker") == {}


def test_a_later_run_passes_only_what_is_new_or_changed():
    both = dict(NAMESPACES, **VM_ISOLATION)
    passed = {"docker": {"no-new-privileges": True}, "podman": NAMESPACES, "crio": {}}
    assert pending("podman", stockade_podman_dropins=both, __stockade_engine_config_passed=passed) == VM_ISOLATION
    changed = {"50-stockade-namespaces.conf": {"containers": {"ipcns": "shareable"}}}
    assert pending("podman", stockade_podman_dropins=changed, __stockade_engine_config_passed=passed) == changed
    assert pending("docker", stockade_docker_settings={"no-new-privileges": True, "icc": False},
                   __stockade_engine_config_passed=passed) == {"icc": False}
