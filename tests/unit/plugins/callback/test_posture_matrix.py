# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "module_utils", "posture"))

from hosttree import HARDENED, STOCK, write_tree  # noqa: E402
from ansible_collections.stockade.hardening.plugins.callback import posture_matrix  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (  # noqa: E402
    apply, validate,
)

IDS = [c.id for c in all_controls()]


@pytest.fixture
def reports(tmp_path):
    def audited(name, tree, policy=None):
        report = run_audit(write_tree(tmp_path / name, tree), live=False, machine="x86_64")
        apply(report, validate(policy, IDS))
        return report
    return {
        "hardened": audited("hardened", HARDENED),
        "stock": audited("stock", STOCK),
        "waived": audited("waived", dict(HARDENED, **{"etc/docker/daemon.json": dict(
            HARDENED["etc/docker/daemon.json"], **{"no-new-privileges": False})}),
            {"waivers": [{"control": "docker-no-new-privileges", "justification": "test"}]}),
    }


def test_report_of_finds_both_result_shapes(reports):
    report = reports["stock"]
    assert posture_matrix.report_of({"report": report}) is report
    assert posture_matrix.report_of({"ansible_facts": {"stockade_posture": report}}) is report
    assert posture_matrix.report_of({"ansible_facts": {"other": 1}, "report": "text"}) is None
    assert posture_matrix.report_of({"msg": "x"}) is None


def test_matrix_has_a_row_per_host_and_a_column_per_layer(reports):
    text = posture_matrix.render_matrix(reports)
    lines = text.splitlines()
    # two header lines: each layer name split at its last "_", aligned over its column
    starts = [i for i, c in enumerate(lines[2]) if c != " " and (i == 0 or lines[2][i - 1] == " ")][1:]
    names = [(lines[1][start:end].strip() + "_" if lines[1][start:end].strip() else "") + lines[2][start:end].strip()
             for start, end in zip(starts, starts[1:] + [None])]
    assert lines[2].split()[0] == "host" and names == list(LAYERS)
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:6]}
    assert set(rows) == {"hardened", "stock", "waived"}
    assert all(cell in ("pass", "warn", "n/a") for cell in rows["hardened"]), rows["hardened"]
    assert rows["stock"][LAYERS.index("seccomp")] == "FAIL"
    assert rows["waived"][LAYERS.index("no_new_privs")] == "waived"
    assert "3 host(s): 2 compliant, 1 not compliant" in text
    assert any(line.startswith("stock: ") and "docker-no-new-privileges" in line for line in lines)
    assert max(len(line) for line in lines[:6]) <= 120  # fits a terminal and AWX's output


class _Host:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class _Result:
    def __init__(self, host, result):
        self._host = _Host(host)
        self._result = result


def test_callback_prints_the_last_report_of_each_host_once_at_the_end(reports, monkeypatch):
    callback = posture_matrix.CallbackModule()
    shown = []
    monkeypatch.setattr(callback._display, "display", lambda msg, *a, **k: shown.append(msg))
    callback.v2_runner_on_ok(_Result("a", {"ansible_facts": {"stockade_posture": reports["stock"]}}))
    callback.v2_runner_on_failed(_Result("a", {"report": reports["hardened"], "failed": True}))
    callback.v2_runner_on_ok(_Result("b", {"changed": False}))
    callback.v2_runner_on_unreachable(_Result("c", {"unreachable": True}))
    assert shown == []
    callback.v2_playbook_on_stats(None)
    assert len(shown) == 1
    lines = shown[0].strip().splitlines()
    assert lines[3].split()[0] == "a" and "FAIL" not in lines[3]
    assert lines[4].split() == ["c"] + ["-"] * len(LAYERS)
    assert "c: no report" in shown[0]
    assert "2 host(s): 1 compliant, 1 not compliant" in shown[0]


def test_callback_is_silent_without_reports():
    callback = posture_matrix.CallbackModule()
    shown = []
    callback._display.display = lambda msg, *a, **k: shown.append(msg)
    callback.v2_runner_on_ok(_Result("a", {"changed": False}))
    callback.v2_playbook_on_stats(None)
    assert shown == []


def test_a_host_whose_mac_is_apparmor_says_so():
    report = {"controls": [{"id": "host-apparmor-enabled", "layer": "selinux", "engine": "host", "status": "pass",
                            "required": True}],
              "summary": {"compliant": True, "failed_required": [], "reboot_pending": [],
                          "mac": {"mac": "apparmor", "name": "AppArmor", "control": "host-apparmor-enabled",
                                  "status": "pass", "evidence": []}}}
    text = posture_matrix.render_matrix({"deb": report, "rhel": dict(report, summary=dict(report["summary"], mac={
        "mac": "selinux", "name": "SELinux", "control": "host-selinux-enforcing", "status": "pass"}))})
    assert "deb: the MAC layer (column selinux) is met by AppArmor: host-apparmor-enabled pass" in text
    assert "rhel: the MAC layer" not in text
