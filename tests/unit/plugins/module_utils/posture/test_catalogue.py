# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The catalogue's promises: stable unique ids, complete metadata, every
layer covered, remediation pointing at the role of the control's layer."""

import re

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture import registry
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import ENGINES, LAYERS

CONTROLS = all_controls()


def test_ids_are_unique_and_tag_friendly():
    ids = [c.id for c in CONTROLS]
    assert len(ids) == len(set(ids))
    for control_id in ids:
        assert re.fullmatch(r"(host|docker|podman|crio)-[a-z0-9-]+", control_id), control_id


def test_id_prefix_is_the_engine():
    for control in CONTROLS:
        assert control.id.startswith(control.engine + "-"), control.id


def test_every_layer_has_controls_and_every_engine_appears():
    assert {c.layer for c in CONTROLS} == set(LAYERS)
    assert {c.engine for c in CONTROLS} == set(ENGINES)


def test_metadata_is_complete():
    for control in CONTROLS:
        assert control.title and control.rationale and control.remediation.text, control.id
        assert control.cis is None or re.fullmatch(r"\d+(\.\d+)+", control.cis), control.id
        role = control.remediation.role
        assert role is None or role in LAYERS or role == "kernel", control.id


def test_cis_ids_are_the_ones_the_reference_names():
    cis = {c.id: c.cis for c in CONTROLS if c.cis}
    assert cis["docker-icc-disabled"] == "2.2"
    assert cis["docker-userns-remap"] == "2.9"
    assert cis["docker-no-new-privileges"] == "2.14"
    assert cis["docker-userland-proxy-disabled"] == "2.16"
    assert cis["docker-seccomp-enabled"] == "2.17"
    assert cis["docker-containers-privileged"] == "5.5"
    assert cis["docker-containers-seccomp"] == "5.22"
    assert cis["docker-containers-host-userns"] == "5.31"


def test_an_id_declared_twice_is_refused_and_not_registered():
    existing = all_controls()[0]
    before = len(registry.registered())
    with pytest.raises(ValueError, match="declared twice"):
        registry.control(id=existing.id, layer=existing.layer, engine=existing.engine, title="again",
                         rationale="again", remediation=existing.remediation, check=existing.check)
    assert len(registry.registered()) == before
