# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a report (after policy.apply) as a table for people, JSON, or JUnit XML."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from .model import ENGINES, ERROR, FAIL, LAYERS, NOT_APPLICABLE, PASS

# Cell verdicts, worst first: what a layer x engine cell shows.
CELL_ORDER = ("ERROR", "FAIL", "warn", "waived", "reboot", "pass", "n/a")


def verdict(entry):
    """The verdict of one control once policy is applied."""
    status = entry["status"]
    if status == NOT_APPLICABLE:
        return "n/a"
    if status == PASS:
        return "pass"
    if entry.get("waived"):
        return "waived"
    if entry.get("reboot_pending"):
        return "reboot"
    if not entry.get("required", entry.get("required_by_default")):
        return "warn"
    return "ERROR" if status == ERROR else "FAIL"


def matrix(report):
    """{layer: {engine: cell verdict or None}}."""
    cells = {layer: {engine: None for engine in ENGINES} for layer in LAYERS}
    for entry in report["controls"]:
        current = cells[entry["layer"]][entry["engine"]]
        new = verdict(entry)
        if current is None or CELL_ORDER.index(new) < CELL_ORDER.index(current):
            cells[entry["layer"]][entry["engine"]] = new
    return cells


def render_table(report, verbose=False):
    lines = []
    summary = report.get("summary", {})
    engines = ", ".join(
        "%s%s" % (name, " (live)" if info["live"] else "")
        for name, info in report["engines"].items() if info["installed"]) or "none"
    lines.append("Stockade posture  root=%s  host=%s  engines: %s" % (
        report["root"], report["host"] or "-", engines))
    lines.append("")
    width = max(len(layer) for layer in LAYERS) + 2
    lines.append("".ljust(width) + "".join(e.ljust(9) for e in ENGINES))
    for layer, row in matrix(report).items():
        lines.append(layer.ljust(width) + "".join((row[e] or "-").ljust(9) for e in ENGINES))
    lines.append("")
    for entry in report["controls"]:
        mark = verdict(entry)
        if mark in ("pass", "n/a") and not verbose:
            continue
        lines.append("%-7s %-40s %s" % (mark, entry["id"], entry["title"]))
        for evidence in entry["evidence"]:
            lines.append("          %s" % evidence)
        if mark not in ("pass", "n/a"):
            if entry.get("waiver") and entry["waived"]:
                lines.append("          waived: %s" % entry["waiver"]["justification"])
            lines.append("          fix: %s%s" % (
                entry["remediation"]["text"],
                " (role %s)" % entry["remediation"]["role"] if entry["remediation"]["role"] else ""))
    counts = summary.get("counts", {})
    lines.append("")
    lines.append("%s: %d pass, %d fail, %d error, %d not applicable; %s" % (
        "COMPLIANT" if summary.get("compliant") else "NOT COMPLIANT",
        counts.get(PASS, 0), counts.get(FAIL, 0), counts.get(ERROR, 0),
        counts.get(NOT_APPLICABLE, 0),
        "required failures: " + ", ".join(summary["failed_required"])
        if summary.get("failed_required") else "no required failures"))
    if summary.get("reboot_pending"):
        lines.append("reboot pending for: %s" % ", ".join(summary["reboot_pending"]))
    return "\n".join(lines) + "\n"


def render_json(report):
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def render_junit(report):
    """One testsuite per layer, one testcase per control."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    controls = report["controls"]
    out.append('<testsuites name="stockade" tests="%d">' % len(controls))
    for layer in LAYERS:
        members = [c for c in controls if c["layer"] == layer]
        fails = sum(1 for c in members if verdict(c) in ("FAIL", "warn", "reboot"))
        errors = sum(1 for c in members if verdict(c) == "ERROR")
        skips = sum(1 for c in members if verdict(c) in ("n/a", "waived"))
        out.append('  <testsuite name=%s tests="%d" failures="%d" errors="%d" skipped="%d">' % (
            quoteattr(layer), len(members), fails, errors, skips))
        for entry in members:
            out.append('    <testcase classname=%s name=%s>' % (
                quoteattr("stockade.%s.%s" % (layer, entry["engine"])), quoteattr(entry["id"])))
            mark = verdict(entry)
            body = escape("\n".join(entry["evidence"] + ["fix: " + entry["remediation"]["text"]]))
            if mark in ("FAIL", "warn", "reboot"):
                out.append('      <failure message=%s>%s</failure>' % (quoteattr(entry["title"]), body))
            elif mark == "ERROR":
                out.append('      <error message=%s>%s</error>' % (quoteattr(entry["title"]), body))
            elif mark in ("n/a", "waived"):
                reason = entry["waiver"]["justification"] if mark == "waived" else \
                    (entry["evidence"] or ["not applicable"])[0]
                out.append('      <skipped message=%s/>' % quoteattr(reason))
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return "\n".join(out) + "\n"


RENDERERS = {"table": render_table, "json": render_json, "junit": render_junit}
