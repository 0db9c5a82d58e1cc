# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a report (after policy.apply) as a table for people, JSON, or JUnit XML (SARIF: sarif.py)."""

from __future__ import annotations

import json
import re

from ..model import ENGINES, LAYERS
from .verdicts import BY_MARK, CELL_ORDER, VERDICTS, counts_text, verdict, verdict_counts


# What must not reach a terminal or an XML document as it is: C0 and C1
# control characters (a file name or a file's text can hold an escape
# sequence), lone surrogates (a file name that is not UTF-8 comes from
# os.listdir as \udcXX) and the two XML non-characters.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escaped(match):
    code = ord(match.group())
    if 0xdc80 <= code <= 0xdcff:   # a byte that was not UTF-8 (surrogateescape)
        return "\\x%02x" % (code - 0xdc00)
    return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code


def printable(text):
    """`text` with every unprintable character written as a backslash
    escape (a byte that was not UTF-8 as the byte, \\xff): one line of plain
    text that every encoder and XML parser accepts."""
    return _UNPRINTABLE.sub(_escaped, str(text))


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
        printable(report["root"]), printable(report["host"] or "-"), engines))
    mac = summary.get("mac")
    if mac:
        found = ": " + printable("; ".join(mac["evidence"])) if mac["evidence"] else ""
        lines.append("MAC: %s (%s %s)%s" % (mac["name"], mac["control"], mac["status"] or "not audited", found))
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
        lines.append("%-7s %-40s %s" % (mark, entry["id"], printable(entry["title"])))
        for evidence in entry["evidence"]:
            lines.append("          %s" % printable(evidence))
        if mark not in ("pass", "n/a"):
            if entry.get("not_required"):
                lines.append("          not required: %s" % printable(entry["not_required"]))
            if entry.get("waiver") and entry["waived"]:
                lines.append("          waived: %s" % printable(entry["waiver"]["justification"]))
            elif entry.get("waiver") and entry["waiver"]["expired"]:
                lines.append("          waiver expired on %s: %s" % (
                    entry["waiver"]["expires"], entry["waiver"]["justification"]))
            lines.append("          fix: %s%s" % (
                entry["remediation"]["text"],
                " (role %s)" % entry["remediation"]["role"] if entry["remediation"]["role"] else ""))
    lines.append("")
    lines.append("%s: %s; %s" % (
        "COMPLIANT" if summary.get("compliant") else "NOT COMPLIANT", counts_text(verdict_counts(report["controls"])),
        "required failures: " + ", ".join(summary["failed_required"])
        if summary.get("failed_required") else "no required failures"))
    if summary.get("reboot_pending"):
        lines.append("reboot pending for: %s" % ", ".join(summary["reboot_pending"]))
    return "\n".join(lines) + "\n"


# A failing posture_verify's message stays short (ansible prints it, and the result, on
# every failure): one line per failed control within this budget, then a count.
MESSAGE_BUDGET = 1200
EVIDENCE_WIDTH = 90


def _clip(text, width):
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."


def failure_line(entry):
    """One short line per failed control, for people and for fail_json: id, status, why
    (an expired waiver says so), the first evidence and where the fix is."""
    remediation = entry["remediation"]
    status = entry["status"].upper()
    waiver = entry.get("waiver") or {}
    if waiver.get("expired"):
        status += " (waiver expired on %s)" % waiver["expires"]
    first = _clip(entry["evidence"][0], EVIDENCE_WIDTH) if entry["evidence"] else "no evidence"
    fix = remediation["role"] or _clip(remediation["text"], EVIDENCE_WIDTH)
    return "%s %s: %s -- fix: %s" % (entry["id"], status, first, fix)


def failure_message(failures, summary):
    """posture_verify's failure message: a count, then failure lines within MESSAGE_BUDGET."""
    lines = ["%d required control(s) failed (%s):" % (len(failures), counts_text(summary["verdicts"]))]
    used = len(lines[0])
    for index, entry in enumerate(failures):
        line = failure_line(entry)
        if used + len(line) + 1 > MESSAGE_BUDGET:
            lines.append("... and %d more (failed_controls lists them all; set report_path for the full report)"
                         % (len(failures) - index))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def render_json(report):
    """JSON in ASCII: control characters and lone surrogates are \\u escapes."""
    return json.dumps(report, indent=2, sort_keys=False, ensure_ascii=True) + "\n"


def _junit_counts(members):
    """A testsuite's tests/failures/errors/skipped attributes, from the verdict counts."""
    counts = verdict_counts(members)
    outcomes = {"failure": 0, "error": 0, "skipped": 0, "passed": 0}
    for kind in VERDICTS:
        outcomes[kind.junit] += counts[kind.key]
    return 'tests="%d" failures="%d" errors="%d" skipped="%d"' % (
        len(members), outcomes["failure"], outcomes["error"], outcomes["skipped"])


def render_junit(report):
    """One testsuite per layer, one testcase per control. Only what fails the policy
    is a <failure> (FAIL; a required failure whose fix waits for a reboot, type
    "reboot pending") or an <error> (ERROR); waived and not applicable controls are
    <skipped>; an advisory failure (warn) passes, with its finding in <system-out>
    (Jenkins shows it on the test's page, GitLab in the test's details), so that a
    CI gate on the JUnit file fails exactly when stockade-audit exits 1. Every
    testcase carries its verdict as the property `verdict` (verdicts.VERDICTS)."""
    # imported here: xml.sax.saxutils pulls in urllib.request, half a second
    # of start-up on a slow host for every other format
    from xml.sax.saxutils import escape, quoteattr
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    controls = report["controls"]
    out.append('<testsuites name="stockade" %s>' % _junit_counts(controls))
    for layer in LAYERS:
        members = [c for c in controls if c["layer"] == layer]
        out.append('  <testsuite name=%s %s>' % (quoteattr(layer), _junit_counts(members)))
        for entry in members:
            out.append('    <testcase classname=%s name=%s>' % (
                quoteattr("stockade.%s.%s" % (layer, entry["engine"])), quoteattr(printable(entry["id"]))))
            mark = verdict(entry)
            outcome = BY_MARK[mark].junit
            # pytest's place for a testcase's properties (Jenkins reads them; GitLab ignores them)
            out.append('      <properties><property name="verdict" value=%s/></properties>' % quoteattr(mark))
            lines = entry["evidence"] + ["fix: " + entry["remediation"]["text"]]
            body = escape("\n".join(printable(line) for line in lines))
            title = quoteattr(printable(entry["title"]))
            if outcome == "failure":
                out.append('      <failure message=%s type=%s>%s</failure>' % (
                    title, quoteattr(BY_MARK[mark].words), body))
            elif outcome == "error":
                out.append('      <error message=%s>%s</error>' % (title, body))
            elif outcome == "skipped":
                reason = entry["waiver"]["justification"] if mark == "waived" else \
                    (entry["evidence"] or ["not applicable"])[0]
                out.append('      <skipped message=%s/>' % quoteattr(printable(reason)))
            if mark == "warn":
                out.append('      <system-out>%s%s</system-out>' % (escape(
                    "warn (advisory, not required by the policy): %s\n" % printable(entry["title"])), body))
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return "\n".join(out) + "\n"
