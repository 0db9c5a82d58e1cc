# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way to declare a control (the layer modules call it; catalogue.py
imports them all):

    control(id="podman-selinux-label", layer="selinux", engine="podman",
            title=..., rationale=..., remediation=Remediation(...),
            check=check_podman_label, cis=None, required=True, evidence="config")

Keyword arguments only; `check(ctx)` returns a model.Outcome. Where many
controls share a shape, their checks come from a factory and their metadata
from a table of keyword rows (see controls/__init__.py)."""

from __future__ import annotations

from .model import Control

_CONTROLS = {}  # id -> Control, in the order they were declared


def control(*, id, layer, engine, title, rationale, remediation, check,  # pylint: disable=redefined-builtin
            cis=None, required=True, evidence="config"):
    """Declare one control; `evidence` is one of model.EVIDENCE."""
    new = Control(id=id, layer=layer, engine=engine, title=title, rationale=rationale,
                  remediation=remediation, check=check, cis=cis, required=required, evidence=evidence)
    if new.id in _CONTROLS:
        raise ValueError("control id %s declared twice" % new.id)
    _CONTROLS[new.id] = new
    return new


def registered():
    return list(_CONTROLS.values())
