# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture_verify module's work: audit the host, apply the policy, fail
on what it requires (the audit options it shares with posture_facts are in
posture_module.py).

A failed task's result is printed whole, and `register` plus `ignore_errors`
is how a play goes on after drift: a failure returns a slim report (each
control's verdict, no evidence or remediation text: what the posture_matrix
callback and tasks/publish_posture.yml read), one line per failed control,
and the full report only in the file report_path names."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS, NOT_APPLICABLE
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.atomic_files import WriteError, atomic_write
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.render import (
    failure_line, failure_message, render_json,
)
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
    rootless_users=dict(type="list", elements="str", default=[]),
    mac=dict(type="str", choices=["selinux", "apparmor"]),
)
ARGUMENT_SPEC = dict(AUDIT_ARGUMENT_SPEC, policy=dict(type="dict", default={}, options=POLICY_SPEC),
                     report_path=dict(type="path"), mac=dict(type="str", choices=["selinux", "apparmor"]))
# What a failure's slim report keeps of each control that applies: what render.verdict()
# and publish_posture.yml read, so the matrix and the published summary need no more
# (a false waived or reboot_pending is left out, as verdict() reads a missing one).
SLIM_CONTROL_KEYS = ("id", "layer", "engine", "status", "required", "waived", "reboot_pending")


def policy_from_params(params):
    """The policy option as posture.policy reads a policy file (unset keys left out), with
    the mac option (the operator's stockade_mac) as its mac."""
    raw_policy = {k: v for k, v in (params["policy"] or {}).items() if v is not None}
    mac = params.get("mac")
    if mac:
        if raw_policy.get("mac", mac) != mac:
            raise PolicyError("policy: mac is %s but the mac option (stockade_mac) is %s; give one"
                              % (raw_policy["mac"], mac))
        raw_policy["mac"] = mac
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
                               sandbox_required=policy["sandbox_required"], mac=policy["mac"])
    failures = apply(report, policy)
    result = dict(changed=False, summary=report["summary"], failed_controls=[f["id"] for f in failures])
    if module.params["report_path"]:
        write_report(module, module.params["report_path"], report)
        result["report_path"] = module.params["report_path"]
    if failures:
        module.fail_json(msg=failure_message(failures, report["summary"]), report=slim_report(report),
                         failures=[failure_line(entry) for entry in failures], **result)
    module.exit_json(report=report, **result)


def slim_report(report):
    """The report with the controls that apply, each cut to its verdict (SLIM_CONTROL_KEYS);
    the summary still counts every control."""
    slim = {key: value for key, value in report.items() if key != "controls"}
    slim["controls"] = [{key: entry[key] for key in SLIM_CONTROL_KEYS if key in entry and entry[key] is not False
                         or key == "required"}
                        for entry in report["controls"] if entry["status"] != NOT_APPLICABLE]
    return slim


def write_report(module, path, report):
    """The full report as JSON at `path` on the target, also in check mode: it is the
    run's output, as stockade-audit --output, not host configuration."""
    try:
        atomic_write(path, render_json(report).encode("utf-8"), mode=0o600)
    except (WriteError, OSError) as exc:
        module.fail_json(msg="report_path %s: cannot write the report: %s (give a file in an existing directory)"
                         % (path, exc))
