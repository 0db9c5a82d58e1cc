# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Role variables an operator set to switch a control off on purpose, as
policy waivers: the variable is the justification ("waived by
stockade_userns_docker_remap: null"), so the control reads waived, not fail,
in harden.yml's final verify and in every report of it.

Which variable fixes which control is each control's own remediation
(registry.control(remediation=Remediation(role, {variable: wanted}))), so
the two cannot drift apart. A control is waived when, among the variables the
operator set (not the roles' defaults):
- the role of its remediation is switched off (`stockade_<role>_enabled: false`), or
- a variable of its remediation whose wanted value is a scalar is set to
  null ("leave it unmanaged", as in linux-system-roles) or to another scalar
  (`stockade_seccomp_docker: false`, `stockade_selinux_state: permissive`).
Variables whose wanted value is a list or a mapping (sysctls, capability
sets) are values, not switches: never a waiver. Only controls required by
default are waived: an opt-in control fails nobody's verify.

Not a waiver: `--skip-tags <layer>`. A skip is one run's choice, recorded
nowhere the next audit can read, so the verify says what the host is.

The user's policy comes first: a control it waives itself keeps that waiver,
and a control it requires (`require`) is never waived by a variable.
"""

from __future__ import annotations

from ..catalogue import all_controls

_FALSE_WORDS = ("false", "no", "off", "n", "0")
_TRUE_WORDS = ("true", "yes", "on", "y", "1")


def _as_bool(value):
    """A YAML or `-e key=value` boolean as Ansible's `bool` filter reads it; None when it is none."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _FALSE_WORDS:
        return False
    if text in _TRUE_WORDS:
        return True
    return None


def shown(value):
    """A variable's value as the operator wrote it in YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _switched_off(wanted, value):
    if isinstance(wanted, (list, dict)):
        return False
    if value is None:
        return wanted is not None
    if isinstance(wanted, bool):
        chosen = _as_bool(value)
        return chosen is not None and chosen != wanted
    return str(value) != str(wanted)


def role_waivers(variables, controls=None):
    """[{control, justification}] for the controls required by default that
    the role variables in `variables` (name: value, those the operator set)
    switch off, in catalogue order; one waiver per control, the first
    variable that switches it off named."""
    waivers = []
    for control in controls if controls is not None else all_controls():
        remediation = control.remediation
        if not control.required or remediation is None:
            continue
        enabled = "stockade_%s_enabled" % remediation.role
        reason = None
        if enabled in variables and _as_bool(variables[enabled]) is False:
            reason = (enabled, variables[enabled])
        else:
            for name, wanted in sorted(remediation.variables.items()):
                if name in variables and _switched_off(wanted, variables[name]):
                    reason = (name, variables[name])
                    break
        if reason:
            waivers.append({"control": control.id,
                            "justification": "waived by %s: %s" % (reason[0], shown(reason[1]))})
    return waivers


def with_role_waivers(policy, variables):
    """`policy` (posture_verify's policy mapping) with the waivers of
    role_waivers(variables) added, except for the controls the policy itself
    waives or requires."""
    policy = dict(policy or {})
    own = list(policy.get("waivers") or [])
    taken = {w.get("control") for w in own if isinstance(w, dict)} | set(policy.get("require") or [])
    policy["waivers"] = own + [w for w in role_waivers(variables) if w["control"] not in taken]
    return policy
