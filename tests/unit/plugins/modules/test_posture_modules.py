# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture_facts and posture_verify: argument validation, check mode, results."""

import hashlib
import os

import pytest

from ansible_collections.stockade.hardening.plugins.modules import posture_facts, posture_verify
from hosttree import HARDENED, STOCK, write_tree


def tree_digest(root):
    digest = hashlib.sha256()
    for base, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(base, name)
            digest.update(path.encode())
            if not os.path.islink(path):
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()


@pytest.mark.parametrize("check_mode", [False, True])
def test_facts_report_and_change_nothing(run_module, tmp_path, check_mode):
    root = write_tree(tmp_path, STOCK)
    before = tree_digest(root)
    result, failed = run_module(posture_facts.main, {"root": root}, check_mode=check_mode)
    assert not failed and result["changed"] is False
    report = result["ansible_facts"]["stockade_posture"]
    assert report["root"] == root and report["live"] is False
    assert "docker-no-new-privileges" in report["summary"]["failed_required"]
    assert tree_digest(root) == before


def test_facts_layers_filter(run_module, tmp_path):
    result, failed = run_module(posture_facts.main, {"root": write_tree(tmp_path, STOCK),
                                                     "layers": ["selinux"]})
    layers = {c["layer"] for c in result["ansible_facts"]["stockade_posture"]["controls"]}
    assert not failed and layers == {"selinux"}


@pytest.mark.parametrize("args,message", [
    ({"layers": ["magic"]}, "value of layers must be one or more of"),
    ({"live": "sometimes"}, "live"),
    ({"bogus": 1}, "Unsupported parameters"),
])
def test_facts_argument_validation(run_module, args, message):
    result, failed = run_module(posture_facts.main, args)
    assert failed and message in result["msg"]


def test_verify_fails_with_one_line_per_control(run_module, tmp_path):
    result, failed = run_module(posture_verify.main, {"root": write_tree(tmp_path, STOCK)},
                                check_mode=True)
    assert failed
    failed_ids = result["failed_controls"]
    lines = result["msg"].splitlines()
    # a count with the verdicts apart (advisory failures are warn, not fail), then one line per control
    assert lines[0].startswith("%d required control(s) failed (" % len(failed_ids))
    assert " fail, " in lines[0] and " warn (advisory), " in lines[0]
    shown = [line for line in lines[1:] if not line.startswith("... and ")]
    assert [line.split(" ", 1)[0] for line in shown] == failed_ids[:len(shown)]
    assert "docker-no-new-privileges FAIL: no-new-privileges = (unset) (engine default) -- " \
        "fix: stockade.hardening.no_new_privs" in lines
    # capped: the rest is counted, not listed
    assert len(shown) < len(failed_ids) and lines[-1].startswith("... and %d more" % (len(failed_ids) - len(shown)))
    assert len(result["msg"]) < 1500
    assert result["report"]["summary"]["compliant"] is False


def test_verify_passes_a_hardened_tree(run_module, tmp_path):
    result, failed = run_module(posture_verify.main, {"root": write_tree(tmp_path, HARDENED)})
    assert not failed, result.get("msg")
    assert result["failed_controls"] == [] and result["summary"]["compliant"] is True


def test_verify_waivers(run_module, tmp_path):
    root = write_tree(tmp_path, HARDENED, {"etc/subuid": None})
    result, failed = run_module(posture_verify.main, {"root": root})
    # dockremap and containers keep their /etc/subgid ranges: rootless-capable users whose pair is broken
    broken = {"docker-userns-subids", "podman-userns-subids", "host-rootless-subids"}
    assert failed and set(result["failed_controls"]) == broken
    waivers = [{"control": c, "justification": "ranges come from LDAP"} for c in result["failed_controls"]]
    result, failed = run_module(posture_verify.main, {"root": root, "policy": {"waivers": waivers}})
    assert not failed
    waived = [c for c in result["report"]["controls"] if c["waived"]]
    assert {c["id"] for c in waived} == broken


@pytest.mark.parametrize("policy,message", [
    ({"waivers": [{"control": "docker-icc-disabled"}]}, "justification"),
    ({"waivers": [{"control": "no-such", "justification": "x"}]}, "unknown control"),
    ({"require": ["no-such"]}, "unknown control"),
    ({"layers": ["magic"]}, "layers"),
    ({"waivers": [{"control": "docker-icc-disabled", "justification": "x", "expires": "someday"}]},
     "expires must be a date"),
])
def test_verify_policy_validation(run_module, tmp_path, policy, message):
    result, failed = run_module(posture_verify.main, {"root": str(tmp_path), "policy": policy})
    assert failed and message in result["msg"]
