# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""seccomp_profile: derived profile, refusal of non-profiles, check mode, diff, idempotence."""

import json
import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils import seccomp_profile as logic
from ansible_collections.stockade.hardening.plugins.modules import seccomp_profile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
BASELINE = os.path.join(REPO, "roles", "seccomp", "files", "baseline-seccomp.json")


@pytest.fixture(autouse=True)
def amd64(monkeypatch):
    monkeypatch.setattr(logic.platform, "machine", lambda: "x86_64")


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "base.json"
    path.write_bytes(open(BASELINE, "rb").read())
    return str(path)


def native_entry(profile):
    return next(e for e in profile["archMap"] if e["architecture"] == "SCMP_ARCH_X86_64")


def test_writes_profile_without_compat_abis(run_module, tmp_path, base):
    target = str(tmp_path / "etc" / "stockade" / "no-compat.json")
    result, failed = run_module(seccomp_profile.main, {"base": base, "path": target})
    assert not failed, result.get("msg")
    assert result["changed"] and result["compat_abis_removed"] == ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]
    written = json.load(open(target))
    stock = json.load(open(base))
    assert native_entry(written)["subArchitectures"] == []
    assert written["syscalls"] == stock["syscalls"]  # the allow-list is the engine's own
    assert oct(os.stat(target).st_mode & 0o777) == "0o644"


def test_idempotent_and_backup_on_change(run_module, tmp_path, base):
    target = str(tmp_path / "no-compat.json")
    run_module(seccomp_profile.main, {"base": base, "path": target})
    before = open(target, "rb").read()
    result, failed = run_module(seccomp_profile.main, {"base": base, "path": target})
    assert not failed and result["changed"] is False and "backup_file" not in result
    assert open(target, "rb").read() == before
    result, failed = run_module(seccomp_profile.main, {"base": base, "path": target, "deny_syscalls": ["userfaultfd"]})
    assert not failed and result["changed"]
    assert open(result["backup_file"], "rb").read() == before
    rules = json.load(open(target))["syscalls"]
    assert rules[-1] == {"names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}


def test_check_mode_writes_nothing_and_diffs_what_changes_for_containers(run_module, tmp_path, base):
    target = tmp_path / "sub" / "no-compat.json"
    result, failed = run_module(seccomp_profile.main, {"base": base, "path": str(target), "_ansible_diff": True,
                                                       "deny_syscalls": ["userfaultfd", "adjtimex"]},
                                check_mode=True)
    assert not failed and result["changed"]
    assert not target.parent.exists()
    diff = result["diff"]
    assert "absent" in diff["before_header"] and base in diff["before_header"]
    removed = set(diff["before"].splitlines()) - set(diff["after"].splitlines())
    added = set(diff["after"].splitlines()) - set(diff["before"].splitlines())
    # what a reader of the diff sees: the two compat ABIs leave the filter, an allowed syscall becomes denied
    # (userfaultfd is denied by the base already: no line)
    assert {"architecture SCMP_ARCH_X86: in the filter", "architecture SCMP_ARCH_X32: in the filter",
            "syscall adjtimex: SCMP_ACT_ALLOW"} <= removed
    assert "syscall adjtimex: SCMP_ACT_ERRNO (errno 1)" in added
    assert len(removed) + len(added) < 12          # a few lines, not the profile's ~1000 lines of JSON
    assert "architecture SCMP_ARCH_X86_64: in the filter (native)" in diff["after"]


def test_baseline_used_without_base_file(run_module, tmp_path, monkeypatch):
    monkeypatch.setattr(logic, "CONTAINERS_COMMON_PROFILE", str(tmp_path / "absent.json"))
    target = str(tmp_path / "no-compat.json")
    result, failed = run_module(seccomp_profile.main, {"path": target, "baseline": json.load(open(BASELINE))})
    assert not failed and result["base"] == "baseline" and result["changed"]
    result, failed = run_module(seccomp_profile.main, {"path": target})
    assert failed and "no base profile" in result["msg"]


@pytest.mark.parametrize("content,message", [
    (b"not json", "not JSON"),
    (b"[]", "cannot unmarshal array"),
    (b'{"syscalls": []}', "without seccomp"),
    (b'{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64"}], '
     b'"architectures": ["SCMP_ARCH_X86_64"]}', "both"),
    (b'{"defaultAction": "SCMP_ACT_ERRNO", "DefaultAction": "SCMP_ACT_ERRNO"}', "spelled 'DefaultAction'"),
    (b'{"defaultAction": "SCMP_ACT_LOG", "defaultAction": "SCMP_ACT_ERRNO"}', "defaultAction given twice"),
    (b'{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": NaN}', "not JSON"),
])
def test_refuses_a_base_that_is_not_a_profile(run_module, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    target = tmp_path / "no-compat.json"
    result, failed = run_module(seccomp_profile.main, {"base": str(bad), "path": str(target)})
    assert failed and str(bad) in result["msg"] and message in result["msg"]
    assert not target.exists()


def test_architectures_form_and_unknown_machine(run_module, tmp_path, monkeypatch):
    base = tmp_path / "flat.json"
    base.write_text(json.dumps({"defaultAction": "SCMP_ACT_ERRNO",
                                "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                                "syscalls": []}))
    target = tmp_path / "out.json"
    result, failed = run_module(seccomp_profile.main, {"base": str(base), "path": str(target)})
    assert not failed and json.load(open(target))["architectures"] == ["SCMP_ARCH_X86_64"]
    monkeypatch.setattr(logic.platform, "machine", lambda: "sparc64")
    result, failed = run_module(seccomp_profile.main, {"base": str(base), "path": str(target)})
    assert failed and "sparc64" in result["msg"]


def test_a_change_the_summary_does_not_show_still_shows_in_the_diff(run_module, tmp_path, base):
    """Profiles that differ only where the summary does not look (a rule's comment): a digest line differs."""
    target = tmp_path / "no-compat.json"
    run_module(seccomp_profile.main, {"base": base, "path": str(target)})
    profile = json.loads(target.read_text())
    profile["syscalls"][0]["comment"] = "edited by hand"
    target.write_text(json.dumps(profile))
    result, failed = run_module(seccomp_profile.main, {"base": base, "path": str(target), "_ansible_diff": True},
                                check_mode=True)
    assert not failed and result["changed"]
    before, after = result["diff"]["before"].splitlines(), result["diff"]["after"].splitlines()
    assert before[:-1] == after[:-1] and before[-1] != after[-1] and after[-1].startswith("whole profile")


def test_a_current_file_the_engines_cannot_read_is_refused_not_replaced(run_module, tmp_path, base):
    target = tmp_path / "no-compat.json"
    target.write_bytes(b'{"defaultAction": "SCMP_ACT_ERRNO", ')
    result, failed = run_module(seccomp_profile.main, {"base": base, "path": str(target)})
    assert failed and str(target) in result["msg"] and "left untouched" in result["msg"]
    assert "cannot decode this seccomp profile" in result["msg"]   # the audit's words (readers/seccomp.py)
    assert target.read_bytes() == b'{"defaultAction": "SCMP_ACT_ERRNO", '
