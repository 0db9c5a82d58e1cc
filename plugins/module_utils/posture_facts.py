# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture_facts module's work: audit the host and set
ansible_facts.stockade_posture (the audit options it shares with
posture_verify are in posture_module.py)."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import apply, validate
from ansible_collections.stockade.hardening.plugins.module_utils.posture_module import (
    AUDIT_ARGUMENT_SPEC,
    audit_from_params,
    known_control_ids,
)

ARGUMENT_SPEC = AUDIT_ARGUMENT_SPEC


def run_module(module):
    """Everything posture_facts does, on an AnsibleModule."""
    report = audit_from_params(module.params, check_mode=module.check_mode)
    apply(report, validate(None, known_control_ids()))
    module.exit_json(changed=False, ansible_facts={"stockade_posture": report})
