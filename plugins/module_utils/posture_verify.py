# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture_verify module's work: audit the host, apply the policy, fail
on what it requires (the audit options it shares with posture_facts are in
posture_module.py)."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.render import failure_message
from ansible_collections.stockade.hardening.plugins.module_utils.posture_module import (
    AUDIT_ARGUMENT_SPEC,
    audit_from_params,
    known_control_ids,
)

POLICY_SPEC = dict(
    layers=dict(type="list", elements="str", choices=list(LAYERS)),
    require=dict(type="list", elements="str", default=[]),
    waivers=dict(type="list", elements="dict", default=[], options=dict(
        control=dict(type="str", required=True),
        justification=dict(type="str", required=True),
        expires=dict(type="str"),
    )),
    selinux_booleans_allowed=dict(type="list", elements="str", default=[]),
    sandbox_required=dict(type="dict", options=dict(
        names=dict(type="list", elements="str", default=[]),
        labels=dict(type="list", elements="str", default=[]),
    )),
)
ARGUMENT_SPEC = dict(AUDIT_ARGUMENT_SPEC, policy=dict(type="dict", default={}, options=POLICY_SPEC))


def policy_from_params(params):
    """The policy option as posture.policy reads a policy file (unset keys left out)."""
    raw_policy = {k: v for k, v in (params["policy"] or {}).items() if v is not None}
    for waiver in raw_policy.get("waivers", []):
        if waiver.get("expires") is None:
            waiver.pop("expires", None)
    return raw_policy


def run_module(module):
    """Everything posture_verify does, on an AnsibleModule."""
    try:
        policy = validate(policy_from_params(module.params), known_control_ids(), source="policy")
    except PolicyError as exc:
        module.fail_json(msg=str(exc))
    report = audit_from_params(module.params, check_mode=module.check_mode,
                               allowed_booleans=policy["selinux_booleans_allowed"],
                               sandbox_required=policy["sandbox_required"])
    failures = apply(report, policy)
    result = dict(changed=False, report=report, summary=report["summary"],
                  failed_controls=[f["id"] for f in failures])
    if failures:
        module.fail_json(msg=failure_message(failures, report["summary"]), **result)
    module.exit_json(**result)
