# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a control's result means once the policy is applied (its verdict), and
how many controls have each verdict: the one set of counts that every format
shows (table, JSON summary, JUnit, SARIF, HTML, posture_verify's message).

A renderer asks this module for a control's verdict and for the counts, and
finds here how its format spells each verdict (VERDICTS); it never counts by
status itself. The status (model.STATUSES) is what a check found; the verdict
adds the policy: required or advisory, waived, waiting for a reboot.
"""

from __future__ import annotations

from ..model import ERROR, NOT_APPLICABLE, PASS


class Verdict:
    """One verdict and how each format shows it.

    mark:  as the table and the HTML page show it (upper case: fails the policy)
    key:   its key in summary["verdicts"] and in every format's counts
    words: how a count of it reads (`15 warn (advisory)`)
    junit: the testcase's outcome: failure, error, skipped or passed (a passed
           testcase of a warn carries its finding in <system-out>)
    sarif: the result's level, or None when the verdict is no SARIF result
    """

    def __init__(self, mark, key, words, junit, sarif):
        self.mark = mark
        self.key = key
        self.words = words
        self.junit = junit
        self.sarif = sarif


# In the order counts are read out. FAIL, ERROR and reboot are exactly the
# controls the policy fails on (policy.apply's failures): required, failed or
# unreadable, not waived. warn is an advisory control that failed or could not
# be read: shown everywhere, failing nothing.
VERDICTS = (
    Verdict("pass", "pass", "pass", junit="passed", sarif=None),
    Verdict("FAIL", "fail", "fail", junit="failure", sarif="error"),
    Verdict("ERROR", "error", "error", junit="error", sarif="error"),
    Verdict("warn", "warn", "warn (advisory)", junit="passed", sarif="warning"),
    Verdict("waived", "waived", "waived", junit="skipped", sarif="note"),
    Verdict("reboot", "reboot", "reboot pending", junit="failure", sarif="error"),
    Verdict("n/a", "not_applicable", "not applicable", junit="skipped", sarif=None),
)
BY_MARK = {v.mark: v for v in VERDICTS}
BY_KEY = {v.key: v for v in VERDICTS}

# Cell verdicts, worst first: what a layer x engine cell (or a host's layer) shows.
CELL_ORDER = ("ERROR", "FAIL", "warn", "waived", "reboot", "pass", "n/a")


def verdict(entry):
    """The mark of one control of a report once policy is applied (before
    policy.apply, the default policy's `required_by_default`)."""
    status = entry["status"]
    if status == NOT_APPLICABLE:
        return "n/a"
    if status == PASS:
        return "pass"
    if entry.get("waived"):
        return "waived"
    if not entry.get("required", entry.get("required_by_default")):
        return "warn"
    if entry.get("reboot_pending"):
        return "reboot"
    return "ERROR" if status == ERROR else "FAIL"


def verdict_counts(controls):
    """{pass, fail, error, warn, waived, reboot, not_applicable: count}, every key present."""
    counts = dict.fromkeys((v.key for v in VERDICTS), 0)
    for entry in controls:
        counts[BY_MARK[verdict(entry)].key] += 1
    return counts


def counts_text(counts):
    """`27 pass, 19 fail, 0 error, 15 warn (advisory), ...` from verdict_counts()."""
    return ", ".join("%d %s" % (counts.get(v.key, 0), v.words) for v in VERDICTS)
