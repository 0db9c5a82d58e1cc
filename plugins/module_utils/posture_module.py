# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible glue shared by the posture modules: their common options and the
audit run that both perform (the engine itself lives in posture/)."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.container import ProbeRequest
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS

AUDIT_ARGUMENT_SPEC = dict(
    root=dict(type="path", default="/"),
    live=dict(type="bool", default=True),
    layers=dict(type="list", elements="str", choices=list(LAYERS)),
    probe=dict(type="bool", default=False),
    probe_image=dict(type="str"),
)


def audit_from_params(params, check_mode=False, extra_args=None, allowed_booleans=(), sandbox_required=None,
                      mac="selinux"):
    """Run the audit that the module's options ask for; returns the report.
    `allowed_booleans`: the policy's selinux_booleans_allowed; `sandbox_required` its sandbox rule;
    `mac` its MAC layer."""
    controls = [c for c in all_controls() if not params["layers"] or c.layer in params["layers"]]
    probe = None
    if params["probe"] or params["probe_image"] or extra_args:
        probe = ProbeRequest(image=params["probe_image"], extra_args=extra_args)
    return run_audit(params["root"], live="auto" if params["live"] else False, controls=controls,
                     probe=probe, may_import=not check_mode, allowed_booleans=allowed_booleans,
                     sandbox_required=sandbox_required, mac=mac)


def known_control_ids():
    return [c.id for c in all_controls()]
