# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One self-contained HTML page for a fleet: a hosts x layers grid whose cells
link to that host's controls of that layer, with evidence and remediation.

Standard library only, no script and no external resource: the drill-down is
CSS `:target`, so the page works offline, from a mail attachment, and with
JavaScript disabled. Every string from a report is escaped.
"""

from __future__ import annotations

import datetime
import html
import json

from ..model import ENGINES, LAYERS
from .render import matrix, printable
from .verdicts import CELL_ORDER, counts_text, verdict, verdict_counts


def escape(text):
    """HTML-escaped, with control characters and lone surrogates as
    backslash escapes (the page is written as UTF-8)."""
    return html.escape(printable(text))


# Cell verdict -> CSS class (verdicts are also shown as text: colour is not the only cue).
_CSS_CLASS = {"ERROR": "error", "FAIL": "fail", "warn": "warn", "waived": "waived",
              "reboot": "reboot", "pass": "pass", "n/a": "na", None: "none"}

_STYLE = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1b1f24;background:#fff}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.2em 0 .4em}
.meta{color:#57606a;margin-bottom:1em}
table.grid{border-collapse:collapse;margin-bottom:1em}
.grid th,.grid td{border:1px solid #d0d7de;padding:.3em .6em;text-align:center}
.grid th.host,.grid td.host{text-align:left;font-weight:600}
.grid td a{display:block;text-decoration:none;color:inherit;font-weight:600}
.grid td a:hover,.grid td a:focus{outline:2px solid #0969da}
.pass{background:#dafbe1}.fail{background:#ffcecb}.error{background:#ff8182}
.warn{background:#fff1c2}.waived{background:#ddf4ff}.reboot{background:#eddeff}
.na,.none{background:#f6f8fa;color:#6e7781}
.legend span{display:inline-block;padding:.1em .5em;margin-right:.4em;border:1px solid #d0d7de}
.panel{display:none;border:1px solid #d0d7de;padding:.5em 1em 1em;margin:1em 0}
.panel:target{display:block}
.panel h2 a{font-size:.8em;font-weight:400;margin-left:1em}
.control{border-left:6px solid #d0d7de;padding:.3em .8em;margin:.6em 0}
.control.pass{border-color:#1a7f37}.control.fail{border-color:#cf222e}.control.error{border-color:#82071e}
.control.warn{border-color:#bf8700}.control.waived{border-color:#0969da}.control.reboot{border-color:#8250df}
.control.na{border-color:#8c959f}
.control h3{font-size:1em;margin:.2em 0}.control code{background:rgba(0,0,0,.06);padding:0 .2em}
.control ul{margin:.2em 0 .4em 1.2em;padding:0}
.verdict{display:inline-block;min-width:4.5em;font-weight:700}
.summary td,.summary th{border:1px solid #d0d7de;padding:.2em .6em;text-align:left}
.summary{border-collapse:collapse}
"""


def layer_verdicts(report):
    """{layer: worst verdict over the layer's engines, or None when it has no control}:
    one host's row of a fleet grid (here and in the posture_matrix callback)."""
    cells = {}
    for layer, row in matrix(report).items():
        present = [cell for cell in row.values() if cell is not None]
        cells[layer] = min(present, key=CELL_ORDER.index) if present else None
    return cells


def _anchor(index, layer):
    return "h%d-%s" % (index, layer)


def _summary_text(report):
    """The host's verdict and counts, in the table's words."""
    summary = report.get("summary") or {}
    state = "COMPLIANT" if summary.get("compliant") else "NOT COMPLIANT"
    if not summary:
        state = "no policy applied"
    return "%s: %s" % (state, counts_text(verdict_counts(report["controls"])))


def _control_html(entry):
    mark = verdict(entry)
    parts = ['<div class="control %s">' % _CSS_CLASS[mark],
             '<h3><span class="verdict">%s</span> <code>%s</code> %s <small>(%s%s)</small></h3>' % (
                 escape(mark), escape(entry["id"]), escape(entry["title"]), escape(entry["engine"]),
                 ", CIS Docker %s" % escape(entry["cis_docker_1_6_0"]) if entry.get("cis_docker_1_6_0") else "")]
    if entry.get("evidence"):
        parts.append("<div>Evidence:</div><ul>%s</ul>" % "".join(
            "<li>%s</li>" % escape(str(item)) for item in entry["evidence"]))
    if entry.get("waiver"):
        waiver = entry["waiver"]
        parts.append("<div>Waiver%s: %s%s</div>" % (
            " (EXPIRED)" if waiver.get("expired") else "", escape(waiver["justification"]),
            ", expires %s" % escape(waiver["expires"]) if waiver.get("expires") else ""))
    if mark not in ("pass", "n/a"):
        remediation = entry.get("remediation") or {}
        variables = remediation.get("variables") or {}
        parts.append("<div>Fix: %s%s%s</div>" % (
            escape(remediation.get("text", "")),
            " &mdash; role <code>%s</code>" % escape(remediation["role"]) if remediation.get("role") else "",
            "".join(" <code>%s: %s</code>" % (escape(name), escape(json.dumps(value)))
                    for name, value in sorted(variables.items()))))
        if entry.get("rationale"):
            parts.append("<div><small>Why: %s</small></div>" % escape(entry["rationale"]))
    parts.append("</div>")
    return "\n".join(parts)


def _panel_html(index, label, report, layer):
    members = [c for c in report["controls"] if c["layer"] == layer]
    # Worst first, then by engine as in the matrix, then by id.
    members.sort(key=lambda c: (CELL_ORDER.index(verdict(c)), ENGINES.index(c["engine"]), c["id"]))
    body = "\n".join(_control_html(c) for c in members) or "<p>No control of this layer was audited.</p>"
    return ('<section class="panel" id="%s"><h2>%s &mdash; layer %s<a href="#grid">back to the grid</a></h2>\n'
            '%s\n</section>' % (_anchor(index, layer), escape(label), escape(layer), body))


def render_fleet_html(reports, title="Stockade fleet posture", generated_at=None):
    """`reports`: list of (label, report) pairs, report as stockade-audit --format json
    writes it (policy applied). Returns the page as one string."""
    generated_at = generated_at or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows, panels, summaries = [], [], []
    compliant = 0
    for index, (label, report) in enumerate(reports):
        verdicts = layer_verdicts(report)
        cells = []
        for layer in LAYERS:
            mark = verdicts[layer]
            cells.append('<td class="%s"><a href="#%s" title="%s: %s">%s</a></td>' % (
                _CSS_CLASS[mark], _anchor(index, layer), escape(label), escape(layer),
                escape(mark or "-")))
            panels.append(_panel_html(index, label, report, layer))
        rows.append('<tr><td class="host">%s</td>%s</tr>' % (escape(label), "".join(cells)))
        summary = report.get("summary") or {}
        compliant += bool(summary.get("compliant"))
        summaries.append("<tr><th>%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
            escape(label), escape(_summary_text(report)),
            escape(", ".join(summary.get("failed_required", [])) or "-"),
            escape(", ".join(summary.get("reboot_pending", [])) or "-"),
            escape(report.get("generated_at") or "-")))
    legend = "".join('<span class="%s">%s</span>' % (_CSS_CLASS[mark], escape(mark))
                     for mark in CELL_ORDER)
    header = "".join("<th>%s</th>" % escape(layer) for layer in LAYERS)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title>" % escape(title),
        "<style>%s</style></head><body>" % _STYLE,
        "<h1>%s</h1>" % escape(title),
        '<div class="meta">%d host(s), %d compliant, %d not compliant; generated %s. '
        "Click a cell for that layer's controls.</div>" % (
            len(reports), compliant, len(reports) - compliant, escape(generated_at)),
        '<table class="grid" id="grid"><thead><tr><th class="host">host</th>%s</tr></thead>' % header,
        "<tbody>%s</tbody></table>" % "\n".join(rows),
        '<div class="legend">%s</div>' % legend,
        # Right under the grid, so that a clicked cell's controls appear next to it.
        "\n".join(panels),
        "<h2>Hosts</h2>",
        '<table class="summary"><thead><tr><th>host</th><th>verdict</th><th>required failures</th>'
        "<th>reboot pending</th><th>audited at</th></tr></thead><tbody>%s</tbody></table>" % "\n".join(summaries),
        "</body></html>",
        "",
    ])


def host_label(report):
    """How a page names a host: its name, or the audited root when the report has none
    (an offline tree)."""
    return report.get("host") or report.get("root") or "-"


def render_host_html(report):
    """`stockade-audit --format html`: the fleet page with one host."""
    label = host_label(report)
    return render_fleet_html([(label, report)], title="Stockade posture of %s" % label,
                             generated_at=report.get("generated_at"))
