# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from hosttree import HARDENED, STOCK, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import ENGINES, LAYERS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.render import (
    failure_line, failure_message, matrix, render_json, render_junit, render_table,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.verdicts import verdict

IDS = [c.id for c in all_controls()]


@pytest.fixture
def stock_report(tmp_path):
    return run_audit(write_tree(tmp_path, STOCK), machine="x86_64")


@pytest.mark.parametrize("policy,message", [
    ([], "expected a mapping"),
    ({"layerz": []}, "unknown key"),
    ({"layers": ["seccomp", "magic"]}, "unknown layer"),
    ({"layers": "seccomp"}, "must be a list of strings"),
    ({"require": ["no-such-control"]}, "unknown control"),
    ({"waivers": {"control": "x"}}, "waivers must be a list"),
    ({"waivers": ["docker-icc-disabled"]}, "must be a mapping"),
    ({"waivers": [{"control": "docker-icc-disabled"}]}, "justification is required"),
    ({"waivers": [{"control": "docker-icc-disabled", "justification": "  "}]}, "justification"),
    ({"waivers": [{"control": "nope", "justification": "x"}]}, "unknown control"),
    ({"waivers": [{"control": "docker-icc-disabled", "justification": "x", "expires": "soon"}]},
     "expires must be a date"),
    ({"waivers": [{"control": "docker-icc-disabled", "justification": "x", "why": 1}]}, "unknown key"),
])
def test_bad_policies_are_refused_with_the_reason(policy, message):
    with pytest.raises(PolicyError, match=message):
        validate(policy, IDS, source="p.yml")


def test_default_policy_fails_the_stock_host(stock_report):
    failures = apply(stock_report, validate(None, IDS))
    ids = [f["id"] for f in failures]
    assert "docker-no-new-privileges" in ids and "host-selinux-enforcing" in ids
    assert "host-ia32-emulation-off" not in ids  # opt-in control: advisory by default
    assert stock_report["summary"]["compliant"] is False
    line = failure_line(failures[0])
    assert failures[0]["id"] in line and "fix:" in line


def test_waiver_and_layer_scope(stock_report):
    first = apply(stock_report, validate(None, IDS))
    waivers = [{"control": f["id"], "justification": "accepted in test"} for f in first]
    assert apply(stock_report, validate({"waivers": waivers}, IDS)) == []
    assert stock_report["summary"]["compliant"] is True
    entry = next(c for c in stock_report["controls"] if c["id"] == first[0]["id"])
    assert entry["waived"] and entry["waiver"]["justification"] == "accepted in test"
    scoped = apply(stock_report, validate({"layers": ["no_new_privs"]}, IDS))
    assert {f["layer"] for f in scoped} == {"no_new_privs"}


def test_expired_waiver_no_longer_applies(stock_report):
    policy = validate({"waivers": [{"control": "docker-icc-disabled", "justification": "old",
                                    "expires": "2020-01-01"}]}, IDS)
    failures = apply(stock_report, policy, today=datetime.date(2026, 1, 1))
    assert "docker-icc-disabled" in [f["id"] for f in failures]
    # the failure says why it fails again, in the verify message and in the table
    expired = next(f for f in failures if f["id"] == "docker-icc-disabled")
    assert failure_line(expired).startswith("docker-icc-disabled FAIL (waiver expired on 2020-01-01): icc = ")
    assert "          waiver expired on 2020-01-01: old" in render_table(stock_report).splitlines()


@pytest.mark.parametrize("policy,message", [
    ({"require": ["host-ia32-emulation-of"]}, "require names unknown control(s) host-ia32-emulation-of "
                                              "(did you mean host-ia32-emulation-off?)"),
    ({"waivers": [{"control": "docker-userns-remapp", "justification": "x"}]},
     "waivers names unknown control(s) docker-userns-remapp (did you mean docker-userns-remap?)"),
    ({"require": ["qqqqqqqq"]}, "require names unknown control(s) qqqqqqqq"),
])
def test_an_unknown_control_id_gets_the_closest_known_one(policy, message):
    with pytest.raises(PolicyError) as info:
        validate(policy, IDS, source="p.yml")
    assert str(info.value) == "p.yml: " + message


def test_the_verify_message_is_capped(stock_report):
    failures = apply(stock_report, validate({"layers": list(LAYERS)}, IDS))
    many = failures * 10  # far more than fit
    text = failure_message(many, stock_report["summary"])
    lines = text.splitlines()
    assert len(text) < 1400 and 5 < len(lines) < 20
    assert lines[-1].startswith("... and %d more (failed_controls lists them all" % (len(many) - len(lines) + 2))
    assert all(len(line) < 200 for line in lines)


def test_the_summary_line_counts_warn_apart_from_fail(stock_report):
    failures = apply(stock_report, validate({"waivers": [{"control": "docker-icc-disabled", "justification": "x"}]},
                                            IDS))
    marks = {}
    for entry in stock_report["controls"]:
        marks[verdict(entry)] = marks.get(verdict(entry), 0) + 1
    assert marks["warn"] and marks["FAIL"] and marks["waived"] == 1
    last = render_table(stock_report).splitlines()[-1]
    assert last.startswith("NOT COMPLIANT: %d pass, %d fail, %d error, %d warn (advisory), 1 waived, "
                           "0 reboot pending, %d not applicable; required failures: " % (
                               marks["pass"], marks["FAIL"], marks.get("ERROR", 0), marks["warn"], marks["n/a"]))
    assert len(failures) == marks["FAIL"] + marks.get("ERROR", 0)


def test_require_makes_an_optional_control_count(stock_report):
    failures = apply(stock_report, validate({"require": ["host-ia32-emulation-off"]}, IDS))
    assert "host-ia32-emulation-off" in [f["id"] for f in failures]


def test_error_status_fails_a_required_control(tmp_path):
    report = run_audit(write_tree(tmp_path, HARDENED, {"etc/docker/daemon.json": "{"}), machine="x86_64")
    failures = apply(report, validate(None, IDS))
    assert {"docker-no-new-privileges", "docker-icc-disabled"} <= {f["id"] for f in failures}
    assert all(f["status"] == "error" for f in failures if f["engine"] == "docker")


def test_table_shows_layers_at_a_glance(stock_report):
    apply(stock_report, validate(None, IDS))
    text = render_table(stock_report)
    lines = text.splitlines()
    header = next(line for line in lines if line.strip().startswith("host"))
    assert header.split() == list(ENGINES)
    for layer in LAYERS:
        assert any(line.startswith(layer + " ") for line in lines)
    assert "NOT COMPLIANT" in text
    cells = matrix(stock_report)
    assert cells["no_new_privs"]["docker"] == "FAIL"
    assert cells["vm_isolation"]["docker"] == "warn"


def test_json_is_complete(stock_report):
    apply(stock_report, validate(None, IDS))
    data = json.loads(render_json(stock_report))
    assert len(data["controls"]) == len(IDS)
    for entry in data["controls"]:
        assert {"id", "layer", "engine", "status", "evidence", "remediation"} <= set(entry)


def test_junit_is_valid_xml_with_one_case_per_control(stock_report):
    apply(stock_report, validate(None, IDS))
    tree = ET.fromstring(render_junit(stock_report))
    cases = tree.findall(".//testcase")
    assert len(cases) == len(IDS)
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert "docker-no-new-privileges" in failed
    skipped = {c.get("name") for c in cases if c.find("skipped") is not None}
    assert "docker-containers-privileged" in skipped
    # an advisory failure is no <failure>: it passes with its finding in <system-out>
    advisory = next(c for c in cases if c.get("name") == "host-ia32-emulation-off")
    assert advisory.find("failure") is None and advisory.find("system-out").text.startswith("warn (advisory")
