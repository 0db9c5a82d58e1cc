# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: posture_matrix
type: aggregate
short_description: Print a hosts x layers posture matrix at the end of the playbook
version_added: 0.1.0
description:
  - Collects the posture report of every host from the results of M(stockade.hardening.posture_verify)
    (its C(report)) and M(stockade.hardening.posture_facts) (C(ansible_facts.stockade_posture)); the last
    report of a host wins.
  - At the end of the playbook it prints one row per host and one column per layer, each cell the worst
    verdict of that layer over the host's engines, as C(stockade-audit) prints them
    (C(pass), C(FAIL), C(ERROR), C(warn), C(waived), C(reboot), C(n/a)), then the required failures of
    each host that is not compliant, and for each host whose policy keeps AppArmor as the MAC layer
    (policy key C(mac) set to C(apparmor)) that the C(selinux) column is met by AppArmor, with the verdict of
    C(host-apparmor-enabled).
  - Plain text, so it reads the same in a terminal and in AWX's job output. Prints nothing when no task
    returned a report.
  - Enable it with C(callbacks_enabled = stockade.hardening.posture_matrix) in C(ansible.cfg) or
    C(ANSIBLE_CALLBACKS_ENABLED).
author:
  - Stockade contributors (@stockade)
requirements:
  - Enable in configuration.
"""

from ansible.plugins.callback import CallbackBase

from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.html import layer_verdicts
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS

# What a host's row shows when no report came back for it (unreachable, or failed before the audit).
NO_REPORT = "-"


def report_of(result):
    """The posture report in a task result, or None."""
    report = result.get("report")
    if not isinstance(report, dict):
        report = (result.get("ansible_facts") or {}).get("stockade_posture")
    if isinstance(report, dict) and isinstance(report.get("controls"), list):
        return report
    return None


def render_matrix(reports):
    """The end-of-play text for {host: report}: the matrix and one line per host with required failures."""
    if not reports:
        return ""
    hosts = sorted(reports)
    host_width = max([len("host")] + [len(h) for h in hosts]) + 2
    # Eleven layer names side by side exceed a terminal: each is split at its
    # last "_" over two header lines (engine / access), cells below.
    heads = [layer.rsplit("_", 1) if "_" in layer else ["", layer] for layer in LAYERS]
    widths = [max(len(head[0]), len(head[1]), len("waived")) + 1 for head in heads]
    lines = ["Stockade posture, hosts x layers (worst verdict over the host's engines; selinux is the MAC layer)",
             "".ljust(host_width) + "".join(head[0].ljust(w) for head, w in zip(heads, widths)).rstrip(),
             "host".ljust(host_width) + "".join(head[1].ljust(w) for head, w in zip(heads, widths)).rstrip()]
    failing = []
    for host in hosts:
        report = reports[host]
        row = layer_verdicts(report) if report else dict.fromkeys(LAYERS, NO_REPORT)
        lines.append(host.ljust(host_width) + "".join(
            (row[layer] or "n/a").ljust(w) for layer, w in zip(LAYERS, widths)).rstrip())
        summary = (report or {}).get("summary") or {}
        if report is None:
            failing.append("%s: no report" % host)
        elif summary.get("failed_required"):
            failing.append("%s: %s" % (host, ", ".join(summary["failed_required"])))
        if summary.get("reboot_pending"):
            failing.append("%s: reboot pending for %s" % (host, ", ".join(summary["reboot_pending"])))
        mac = summary.get("mac") or {}
        if mac.get("mac") == "apparmor":
            failing.append("%s: the MAC layer (column selinux) is met by AppArmor: %s %s" % (
                host, mac.get("control"), mac.get("status") or "not audited"))
    compliant = sum(1 for h in hosts if ((reports[h] or {}).get("summary") or {}).get("compliant"))
    lines.append("")
    lines.append("%d host(s): %d compliant, %d not compliant" % (len(hosts), compliant, len(hosts) - compliant))
    lines.extend(failing)
    return "\n".join(lines)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "stockade.hardening.posture_matrix"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._reports = {}

    def _collect(self, result):
        report = report_of(result._result)
        if report is not None:
            self._reports[result._host.get_name()] = report

    def v2_runner_on_ok(self, result):
        self._collect(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        # posture_verify fails on findings and still returns the report.
        self._collect(result)

    def v2_runner_on_unreachable(self, result):
        # A host that drops out after its audit keeps its last report.
        self._reports.setdefault(result._host.get_name(), None)

    def v2_playbook_on_stats(self, stats):
        if any(report is not None for report in self._reports.values()):
            self._display.display("\n" + render_matrix(self._reports) + "\n")
