# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a report (after policy.apply) as SARIF 2.1.0, for code-scanning dashboards
(GitHub code scanning's rules included).

One rule per control of the report, with its rationale and fix as help, its CIS Docker
Benchmark id where it has one, and a GitHub `security-severity`. One result per control
whose verdict (verdicts.VERDICTS) has a SARIF level: FAIL, ERROR and reboot are level
error, warn (advisory) warning, waived note with an accepted external suppression
carrying its justification; pass and n/a are no result. run.properties.verdicts holds
the counts of every verdict, the same as every other format's.

Every result has a location, because GitHub refuses a result without one: the files
its evidence names as the source of the value (see evidence_files), else the file that
configures its engine, or for a host control the configuration root etc/ (FALLBACK_ARTIFACT);
paths are relative to the audited root (uriBaseId AUDITROOT). Its partialFingerprints
hash the control id, the host and that location, never the evidence, so a finding keeps
its identity while its evidence changes. Held to the OASIS SARIF 2.1.0 JSON schema
(errata01) and to Microsoft's SARIF multitool with GitHub's rules in
tests/unit/plugins/module_utils/posture/test_sarif.py."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from .. import __version__
from ..model import ERROR
from .verdicts import BY_MARK, verdict, verdict_counts

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
ROOT_BASE_ID = "AUDITROOT"
FINGERPRINT = "stockadeControl/v1"

# Where a result points when its evidence names no file (an engine default, a running
# container, a kernel fact): what configures its engine, relative to the audited root.
FALLBACK_ARTIFACT = {"docker": "etc/docker/daemon.json", "podman": "etc/containers/containers.conf",
                     "crio": "etc/crio/crio.conf", "host": "etc/"}

# GitHub's security-severity (a number as a string: 7.0-8.9 high, 4.0-6.9 medium) by
# whether the default policy requires the control.
SECURITY_SEVERITY = {True: "7.5", False: "5.0"}

# Where evidence names the file a value came from, by the conventions of the readers'
# describe(): "PATH: ..." and "PATH = ..." (kernel, SELinux, a file that could not be
# read), "key = value (PATH)", "(flag in PATH)" and "(PATH; ...)" (engine settings).
_LEADING_PATH = re.compile(r"^(/[^\s:=()]+)(?::|\s=\s)")
_SOURCE_PATH = re.compile(r"\((?:flag in )?(/[^\s;()]+)(?:\)|;)")


def evidence_files(evidence):
    """The files the evidence lines name as sources, in order, without repeats."""
    found = []
    for line in evidence:
        for pattern in (_LEADING_PATH, _SOURCE_PATH):
            match = pattern.search(line)
            if match and match.group(1) not in found:
                found.append(match.group(1))
    return found


def _fix_text(remediation):
    text = remediation["text"]
    if remediation["role"]:
        text += " (role %s%s)" % (remediation["role"], "".join(
            ", %s: %s" % (name, json.dumps(value)) for name, value in sorted(remediation["variables"].items())))
    return text


def _rule(entry):
    cis = entry.get("cis_docker_1_6_0")
    help_lines = [entry["rationale"] or entry["title"], "", "Fix: " + _fix_text(entry["remediation"])]
    if cis:
        help_lines += ["", "CIS Docker Benchmark 1.6.0: %s" % cis]
    tags = ["security", "container-security", entry["layer"], entry["engine"]]
    rule = {
        "id": entry["id"],
        "name": "".join(part.capitalize() for part in entry["id"].split("-")),
        "shortDescription": {"text": entry["title"]},
        "fullDescription": {"text": entry["rationale"] or entry["title"]},
        "help": {"text": "\n".join(help_lines)},
        "defaultConfiguration": {"level": "error" if entry["required_by_default"] else "warning"},
        "properties": {"layer": entry["layer"], "engine": entry["engine"], "tags": tags,
                       "security-severity": SECURITY_SEVERITY[bool(entry["required_by_default"])],
                       "remediation": entry["remediation"]},
    }
    if cis:
        rule["properties"]["cis_docker_1_6_0"] = cis
        tags.append("CIS-Docker-1.6.0-%s" % cis)
    return rule


def _uri(path):
    """A path as a URI component: a byte that is not UTF-8 (a file name read
    with surrogateescape) percent-encoded as itself."""
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a configuration value, not a file name
        data = path.encode("utf-8", "backslashreplace")
    return quote(data)


def host_identity(report):
    """What names the audited host in fingerprints and the automation id: its host
    name, or the audited root of an offline tree."""
    return report.get("host") or report["root"]


def _locations(entry):
    """The audited-root-relative paths a result points at: never empty."""
    files = [path.lstrip("/") for path in evidence_files(entry["evidence"])]
    return files or [FALLBACK_ARTIFACT[entry["engine"]]]


def fingerprint(control_id, host, location):
    """Stable while the evidence changes: the control, the host and where it points."""
    return hashlib.sha256("\0".join((control_id, host, location)).encode("utf-8", "surrogateescape")).hexdigest()


def _result(index, entry, host):
    mark = verdict(entry)
    why = "could not be judged: " if entry["status"] == ERROR else ""
    note = {"warn": " (advisory: not required by the policy)",
            "reboot": " (fixed on disk, reboot pending)"}.get(mark, "")
    paths = _locations(entry)
    result = {
        "ruleId": entry["id"],
        "ruleIndex": index,
        "kind": "fail",
        "level": BY_MARK[mark].sarif,
        "message": {"text": "%s%s: %s%s. Fix: %s" % (
            entry["title"], note, why, "; ".join(entry["evidence"]) or "no evidence",
            _fix_text(entry["remediation"]))},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path), "uriBaseId": ROOT_BASE_ID}}}
                      for path in paths],
        "partialFingerprints": {FINGERPRINT: fingerprint(entry["id"], host, paths[0])},
        "properties": {"status": entry["status"], "verdict": mark, "layer": entry["layer"],
                       "engine": entry["engine"], "reboot_pending": entry["reboot_pending"]},
    }
    waiver = entry.get("waiver")
    if waiver and entry.get("waived"):
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": waiver["justification"]}]
    elif waiver and waiver.get("expired"):
        result["message"]["text"] += " (waiver expired on %s)" % waiver["expires"]
    return result


def render_sarif(report):
    controls = report["controls"]
    root = report["root"].rstrip("/") + "/"
    host = host_identity(report)
    run = {
        "tool": {"driver": {"name": "stockade-audit", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(entry) for entry in controls]}},
        "automationDetails": {"id": "stockade-audit/%s/" % host},
        "originalUriBaseIds": {ROOT_BASE_ID: {"uri": "file://" + _uri(root),
                                              "description": {"text": "the audited root"}}},
        "results": [_result(index, entry, host) for index, entry in enumerate(controls)
                    if BY_MARK[verdict(entry)].sarif],
        "invocations": [{"executionSuccessful": True, "endTimeUtc": report["generated_at"]}],
        "properties": {"host": report["host"], "machine": report["machine"],
                       "verdicts": verdict_counts(controls), "summary": report.get("summary", {})},
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
