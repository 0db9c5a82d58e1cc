# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which controls a host must pass, and which failures are waived.

A policy is a mapping:
  layers:   layers whose controls are required (default: every layer)
  require:  further control ids to require (e.g. the opt-in ones)
  waivers:  [{control, justification, expires (YYYY-MM-DD, optional)}]
  selinux_booleans_allowed: container booleans that may be on; the audit is
            given them (run_audit(allowed_booleans=...)) and
            host-selinux-container-booleans fails only for any other one on
  sandbox_required: {names: [patterns], labels: [KEY or KEY=VALUE]}: the
            containers that must run in the gVisor sandbox (sandbox_rule.py)
  rootless_users: user names whose rootless engines are audited besides
            the owners of /etc/subuid and /etc/subgid ranges (engines/rootless.py)
  mac:      selinux (default) or apparmor: which MAC meets the selinux layer;
            the other MAC's controls (controls/selinux.mac_of) are advisory,
            with the reason in the report (`not_required`)
A required control fails the verdict when its status is fail or error (an
unreadable file is never a pass); not_applicable never does.
"""

from __future__ import annotations

import datetime
import re

from ..controls.selinux import CONTAINER_BOOLEANS, MAC_NAMES, mac_of
from ..model import ERROR, FAIL, LAYERS
from ..reports.verdicts import verdict_counts

POLICY_KEYS = ("layers", "require", "waivers", "selinux_booleans_allowed", "sandbox_required", "rootless_users", "mac")
MACS = ("selinux", "apparmor")
# The control whose evidence says how the MAC layer is met, per MAC.
MAC_EVIDENCE = {"selinux": "host-selinux-enforcing", "apparmor": "host-apparmor-enabled"}
WAIVER_KEYS = ("control", "justification", "expires")


class PolicyError(ValueError):
    """The policy itself is wrong (a usage error, not a finding)."""


def _string_list(policy, key, source):
    value = policy.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError("%s: %s must be a list of strings" % (source, key))
    return value


def validate(policy, known_ids, source="policy"):
    """Check a policy against the catalogue; return it normalised."""
    if policy is None:
        policy = {}
    if not isinstance(policy, dict):
        raise PolicyError("%s: expected a mapping with %s" % (source, ", ".join(POLICY_KEYS)))
    unknown = _unknown_keys(policy, POLICY_KEYS)
    if unknown:
        raise PolicyError("%s: unknown key(s) %s; expected %s" % (
            source, ", ".join(unknown), ", ".join(POLICY_KEYS)))
    layers = _string_list(policy, "layers", source) or list(LAYERS)
    bad_layers = sorted(set(layers) - set(LAYERS))
    if bad_layers:
        raise PolicyError("%s: unknown layer(s) %s; layers are %s" % (
            source, ", ".join(bad_layers), ", ".join(LAYERS)))
    require = _string_list(policy, "require", source)
    _known(require, known_ids, source, "require")
    waivers = policy.get("waivers") or []
    if not isinstance(waivers, list):
        raise PolicyError("%s: waivers must be a list" % source)
    normalised = {}
    for index, waiver in enumerate(waivers, 1):
        where = "%s: waiver %d" % (source, index)
        if not isinstance(waiver, dict):
            raise PolicyError("%s must be a mapping with control and justification" % where)
        extra = _unknown_keys(waiver, WAIVER_KEYS)
        if extra:
            raise PolicyError("%s: unknown key(s) %s" % (where, ", ".join(extra)))
        control_id = waiver.get("control")
        justification = waiver.get("justification")
        if not isinstance(control_id, str):
            raise PolicyError("%s: control must be a control id" % where)
        _known([control_id], known_ids, source, "waivers")
        if not isinstance(justification, str) or not justification.strip():
            raise PolicyError("%s (%s): a justification is required" % (where, control_id))
        if control_id in normalised:
            raise PolicyError("%s (%s): a second waiver for the same control; keep one" % (where, control_id))
        expires = _date(waiver.get("expires"), "%s (%s): expires" % (where, control_id))
        normalised[control_id] = {"justification": justification.strip(), "expires": expires}
    mac = "selinux" if policy.get("mac") is None else policy["mac"]
    if mac not in MACS:
        raise PolicyError("%s: mac must be one of %s, found %r" % (source, ", ".join(MACS), mac))
    from .sandbox_rule import parse as sandbox_rule  # it imports PolicyError from here
    return {"layers": layers, "require": require, "waivers": normalised,
            "selinux_booleans_allowed": _allowed_booleans(policy, source),
            "sandbox_required": sandbox_rule(policy.get("sandbox_required"), source),
            "rootless_users": sorted(set(_string_list(policy, "rootless_users", source))), "mac": mac}


def _unknown_keys(mapping, known):
    """The keys of `mapping` that are not `known`, as sorted text (a YAML
    key may be a number or a boolean)."""
    return sorted(str(key) for key in mapping if key not in known)


_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")


def _date(value, where):
    """A YYYY-MM-DD date (a datetime.date, as some YAML loaders give it, is
    taken as its day); None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    text = str(value)
    if isinstance(value, str) and _ISO_DATE.match(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise PolicyError("%s must be a date YYYY-MM-DD; %s is not one (%s)" % (where, text, exc))
    raise PolicyError("%s must be a date YYYY-MM-DD, found %r" % (where, value))


def _allowed_booleans(policy, source):
    key = "selinux_booleans_allowed"
    value = policy.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PolicyError("%s: %s must be a list of SELinux boolean names, not a %s" % (
            source, key, type(value).__name__))
    for index, name in enumerate(value, 1):
        if not isinstance(name, str):
            raise PolicyError("%s: %s item %d (%r) must be a boolean name (a string)" % (
                source, key, index, name))
    unknown = sorted(set(value) - set(CONTAINER_BOOLEANS))
    if unknown:
        raise PolicyError("%s: %s names unknown container boolean(s) %s; known: %s" % (
            source, key, ", ".join(unknown), ", ".join(CONTAINER_BOOLEANS)))
    return sorted(set(value))


def _known(ids, known_ids, source, key):
    unknown = sorted(set(ids) - set(known_ids))
    if unknown:
        raise PolicyError("%s: %s names unknown control(s) %s" % (
            source, key, ", ".join(with_suggestion(name, known_ids) for name in unknown)))


def closest(name, known):
    """The known name nearest to a mistyped one (difflib's ratio), or None when none is near."""
    import difflib  # only for a mistyped name
    matches = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def with_suggestion(name, known):
    """`name (did you mean KNOWN?)`, or the name alone when nothing known is near."""
    near = closest(name, known)
    return "%s (did you mean %s?)" % (name, near) if near else name


def apply(report, policy, today=None):
    """Annotate report controls with required/waived; return failing entries."""
    today = today or datetime.date.today()
    failures = []
    mac = policy["mac"]
    for entry in report["controls"]:
        other_mac = mac_of(entry["id"]) not in (None, mac) and entry["id"] not in policy["require"]
        required = entry["id"] in policy["require"] or (
            entry["required_by_default"] and entry["layer"] in policy["layers"] and not other_mac)
        if other_mac and entry["required_by_default"]:
            entry["not_required"] = "the policy's MAC is %s" % MAC_NAMES[mac]
        waiver = policy["waivers"].get(entry["id"])
        expired = bool(waiver and waiver["expires"] and waiver["expires"] < today)
        entry["required"] = required
        entry["waived"] = bool(waiver) and not expired
        entry["waiver"] = None if not waiver else {
            "justification": waiver["justification"],
            "expires": waiver["expires"].isoformat() if waiver["expires"] else None,
            "expired": expired,
        }
        if required and entry["status"] in (FAIL, ERROR) and not entry["waived"]:
            failures.append(entry)
    report["policy"] = {"layers": policy["layers"], "require": policy["require"],
                        "waived": sorted(policy["waivers"]),
                        "selinux_booleans_allowed": list(policy.get("selinux_booleans_allowed", [])),
                        "sandbox_required": policy["sandbox_required"].as_dict() if policy.get("sandbox_required")
                        else None, "mac": mac}
    report["summary"] = summarise(report["controls"], failures)
    report["summary"]["mac"] = mac_summary(report["controls"], mac)
    return failures


def mac_summary(controls, mac):
    """How the MAC layer is met: {mac, name, control, status, evidence} from the
    control that proves the policy's MAC runs (MAC_EVIDENCE)."""
    key = MAC_EVIDENCE[mac]
    entry = next((e for e in controls if e["id"] == key), None)
    return {"mac": mac, "name": MAC_NAMES[mac], "control": key,
            "status": entry["status"] if entry else None, "evidence": list(entry["evidence"]) if entry else []}


def summarise(controls, failures):
    """`verdicts` is the one set of counts every format shows; `counts` are the
    checks' statuses before the policy (an advisory failure is a fail there)."""
    counts = {}
    for entry in controls:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    return {"counts": counts, "verdicts": verdict_counts(controls), "failed_required": [f["id"] for f in failures],
            "compliant": not failures,
            "reboot_pending": sorted(e["id"] for e in controls if e["reboot_pending"])}
