# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One audit of a fixture host tree, rendered by stockade-audit in every format: each
output is parsed as its consumers parse it (the table's summary line and control lines,
JSON, JUnit XML, SARIF JSON, the HTML page) and every one gives the same counts."""

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from hosttree import STOCK, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture import cli

# A required failure waived, an advisory one waived, and the rest as the stock host has them.
POLICY = {"waivers": [{"control": "docker-icc-disabled", "justification": "legacy links (T-1)"},
                      {"control": "host-ia32-emulation-off", "justification": "32-bit build agents"}]}
WORDS = {"pass": "pass", "fail": "fail", "error": "error", "warn (advisory)": "warn", "waived": "waived",
         "reboot pending": "reboot", "not applicable": "not_applicable"}
MARKS = {"pass": "pass", "FAIL": "fail", "ERROR": "error", "warn": "warn", "waived": "waived",
         "reboot": "reboot", "n/a": "not_applicable"}
KEYS = tuple(MARKS.values())


@pytest.fixture(scope="module", params=["selinux", "apparmor"])
def outputs(tmp_path_factory, request):
    """{format: text} of one audit: the formats are rendered from the same report, as
    stockade-audit renders it, so that a difference can only come from a renderer. Under
    each MAC the policy may choose (mac: apparmor makes the SELinux controls advisory)."""
    base = tmp_path_factory.mktemp("counts")
    root = write_tree(base / "host", STOCK)
    policy = base / "policy.json"
    policy.write_text(json.dumps(dict(POLICY, mac=request.param)))
    captured = {}
    real = dict(cli.RENDERERS)
    try:
        def keep(name):
            def render(report, **kwargs):
                captured["report"] = report
                return real[name](report, **kwargs)
            return render
        cli.RENDERERS.update({name: keep(name) for name in real})
        assert cli.main(["--root", str(root), "--offline", "--policy", str(policy), "--format", "json",
                         "--output", str(base / "report.json")]) == cli.EXIT_FAILED
    finally:
        cli.RENDERERS.update(real)
    report = captured["report"]
    texts = {name: real[name](report) for name in ("json", "junit", "sarif", "html")}
    texts["table"] = real["table"](report, verbose=True)
    texts["cli-json"] = (base / "report.json").read_text()
    return texts


def table_counts(text):
    summary = text.rstrip("\n").splitlines()[-1]
    counts = {WORDS[word]: int(number) for number, word in re.findall(
        r"(\d+) (pass|fail|error|warn \(advisory\)|waived|reboot pending|not applicable)", summary)}
    assert sorted(counts) == sorted(KEYS), summary
    return counts, summary


def table_lines(text):
    """Counts of the control lines of `--verbose` (mark, id, title)."""
    marks = Counter()
    for line in text.splitlines():
        first = line.split(" ", 1)[0]
        if first in MARKS and re.match(r"^\S+\s+[a-z0-9-]+ ", line):
            marks[MARKS[first]] += 1
    return {key: marks[key] for key in KEYS}


def junit_counts(text):
    tree = ET.fromstring(text)
    verdicts = Counter(case.find("properties/property[@name='verdict']").get("value")
                       for case in tree.iter("testcase"))
    suites = {name: sum(int(suite.get(name)) for suite in tree.iter("testsuite"))
              for name in ("tests", "failures", "errors", "skipped")}
    top = {name: int(tree.get(name)) for name in ("tests", "failures", "errors", "skipped")}
    cases = list(tree.iter("testcase"))
    elements = {"failures": sum(c.find("failure") is not None for c in cases),
                "errors": sum(c.find("error") is not None for c in cases),
                "skipped": sum(c.find("skipped") is not None for c in cases), "tests": len(cases)}
    return {MARKS[mark]: count for mark, count in verdicts.items()}, suites, top, elements


def html_counts(text):
    summaries = re.findall(r"(?:NOT COMPLIANT|COMPLIANT|no policy applied): ([^<]*)</td>", text)
    assert len(summaries) == 1
    counts = {WORDS[word]: int(number) for number, word in re.findall(
        r"(\d+) (pass|fail|error|warn \(advisory\)|waived|reboot pending|not applicable)", summaries[0])}
    shown = Counter(MARKS[mark] for mark in re.findall(r'<span class="verdict">([^<]+)</span>', text))
    return counts, {key: shown[key] for key in KEYS}


def test_every_format_gives_the_same_counts(outputs):
    expected, summary = table_counts(outputs["table"])
    # the fixture has something of most kinds, so that a swapped pair would show
    assert expected["fail"] and expected["warn"] and expected["waived"] == 2 and expected["pass"], summary
    assert table_lines(outputs["table"]) == expected

    for name in ("json", "cli-json"):
        report = json.loads(outputs[name])
        assert report["summary"]["verdicts"] == expected
        assert len(report["summary"]["failed_required"]) == expected["fail"] + expected["error"] + expected["reboot"]

    verdicts, suites, top, elements = junit_counts(outputs["junit"])
    assert {key: verdicts.get(key, 0) for key in KEYS} == expected
    junit = {"tests": sum(expected.values()), "failures": expected["fail"] + expected["reboot"],
             "errors": expected["error"], "skipped": expected["waived"] + expected["not_applicable"]}
    assert suites == top == elements == junit

    run = json.loads(outputs["sarif"])["runs"][0]
    assert run["properties"]["verdicts"] == expected
    by_verdict = Counter(MARKS[r["properties"]["verdict"]] for r in run["results"])
    assert dict(by_verdict) == {key: expected[key] for key in ("fail", "error", "warn", "waived", "reboot")
                                if expected[key]}
    levels = Counter(r["level"] for r in run["results"])
    assert levels["error"] == expected["fail"] + expected["error"] + expected["reboot"]
    assert levels["warning"] == expected["warn"] and levels["note"] == expected["waived"]

    page_counts, page_marks = html_counts(outputs["html"])
    assert page_counts == expected and page_marks == expected


def test_the_html_format_is_the_fleet_page_of_one_host(outputs):
    page = outputs["html"]
    assert page.startswith("<!DOCTYPE html>") and "1 host(s), 0 compliant, 1 not compliant" in page
    assert page.count('<tr><td class="host">') == 1
