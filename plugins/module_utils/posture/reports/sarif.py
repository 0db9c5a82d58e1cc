# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a report (after policy.apply) as SARIF 2.1.0, for code-scanning dashboards.

One rule per control of the report, one result per control that failed or could not
be read (status fail or error): level error when the policy requires it, warning when
it is advisory; a waived failure carries an accepted external suppression with its
justification. A result's location is the file its evidence names as the source of
the value (see evidence_files), relative to the audited root (uriBaseId AUDITROOT), and
no location when the value is the engine's default. Held to the OASIS SARIF 2.1.0
JSON schema (errata01) in tests/unit/plugins/module_utils/posture/test_sarif.py."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from .. import __version__
from ..model import ERROR, FAIL
from .render import verdict

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
ROOT_BASE_ID = "AUDITROOT"

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


def _rule(entry):
    rule = {
        "id": entry["id"],
        "shortDescription": {"text": entry["title"]},
        "fullDescription": {"text": entry["rationale"] or entry["title"]},
        "help": {"text": entry["remediation"]["text"]},
        "defaultConfiguration": {"level": "error" if entry["required_by_default"] else "warning"},
        "properties": {"layer": entry["layer"], "engine": entry["engine"],
                       "tags": ["container-security", entry["layer"], entry["engine"]]},
    }
    if entry.get("cis_docker_1_6_0"):
        rule["properties"]["cis_docker_1_6_0"] = entry["cis_docker_1_6_0"]
    return rule


def _uri(path):
    """A path as a URI component: a byte that is not UTF-8 (a file name read
    with surrogateescape) percent-encoded as itself."""
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a configuration value, not a file name
        data = path.encode("utf-8", "backslashreplace")
    return quote(data)


def _result(index, entry):
    mark = verdict(entry)
    required = entry.get("required", entry["required_by_default"])
    why = "could not be judged: " if entry["status"] == ERROR else ""
    fix = entry["remediation"]["text"]
    if entry["remediation"]["role"]:
        fix += " (role %s)" % entry["remediation"]["role"]
    result = {
        "ruleId": entry["id"],
        "ruleIndex": index,
        "kind": "fail",
        "level": "error" if required else "warning",
        "message": {"text": "%s: %s%s. Fix: %s" % (
            entry["title"], why, "; ".join(entry["evidence"]) or "no evidence", fix)},
        "properties": {"status": entry["status"], "verdict": mark, "layer": entry["layer"],
                       "engine": entry["engine"], "reboot_pending": entry["reboot_pending"]},
    }
    files = evidence_files(entry["evidence"])
    if files:
        result["locations"] = [{"physicalLocation": {"artifactLocation": {
            "uri": _uri(path.lstrip("/")), "uriBaseId": ROOT_BASE_ID}}} for path in files]
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
    run = {
        "tool": {"driver": {"name": "stockade-audit", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(entry) for entry in controls]}},
        "originalUriBaseIds": {ROOT_BASE_ID: {"uri": "file://" + _uri(root),
                                              "description": {"text": "the audited root"}}},
        "results": [_result(index, entry) for index, entry in enumerate(controls)
                    if entry["status"] in (FAIL, ERROR)],
        "invocations": [{"executionSuccessful": True, "endTimeUtc": report["generated_at"]}],
        "properties": {"host": report["host"], "machine": report["machine"],
                       "summary": report.get("summary", {})},
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
