# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""selinux_booleans: every boolean in one setsebool call, only when one differs.

This machine runs no SELinux: the module reads a fake selinuxfs and policy
store in a temporary directory, and a stand-in `setsebool` first on PATH
records its arguments and applies them to those files the way the real one
does (runtime value, and booleans.local with -P).
"""

import os
import stat

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils import selinux_booleans as booleans_utils
from ansible_collections.stockade.hardening.plugins.modules import selinux_booleans

SETSEBOOL = r'''#!/usr/bin/env python3
import os, sys
root = os.environ["FAKE_SELINUX_ROOT"]
with open(os.path.join(root, "calls"), "a") as handle:
    handle.write(" ".join(sys.argv[1:]) + "\n")
args = sys.argv[1:]
persistent = args[:1] == ["-P"]
pairs = dict(a.split("=") for a in args[1 if persistent else 0:])
if os.environ.get("FAKE_SETSEBOOL_FAIL"):
    sys.stderr.write("Could not change policy booleans\n")
    sys.exit(1)
for name, value in pairs.items():
    with open(os.path.join(root, "sys", "fs", "selinux", "booleans", name), "w") as handle:
        handle.write("%s %s" % (value, value))
if persistent:
    local = os.path.join(root, "var", "lib", "selinux", "default", "active", "booleans.local")
    lines = dict(l.split("=") for l in open(local).read().split() if "=" in l) if os.path.exists(local) else {}
    lines.update(pairs)
    with open(local, "w") as handle:
        handle.write("".join("%s=%s\n" % item for item in sorted(lines.items())))
'''


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A host whose policy defines three container booleans, all off and not persisted."""
    (tmp_path / "sys" / "fs" / "selinux" / "booleans").mkdir(parents=True)
    (tmp_path / "sys" / "fs" / "selinux" / "enforce").write_text("1")
    for name in ("container_manage_cgroup", "container_use_devices", "container_use_sysadmin"):
        (tmp_path / "sys" / "fs" / "selinux" / "booleans" / name).write_text("0 0")
    (tmp_path / "var" / "lib" / "selinux" / "default" / "active").mkdir(parents=True)
    (tmp_path / "etc" / "selinux").mkdir(parents=True)
    (tmp_path / "etc" / "selinux" / "config").write_text("SELINUX=enforcing\nSELINUXTYPE=default\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "setsebool"
    tool.write_text(SETSEBOOL)
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", "%s:%s" % (bin_dir, os.environ["PATH"]))
    monkeypatch.setenv("FAKE_SELINUX_ROOT", str(tmp_path))
    monkeypatch.setattr(booleans_utils, "HOST_ROOT", str(tmp_path))
    return tmp_path


def calls(fake):
    path = fake / "calls"
    return path.read_text().splitlines() if path.exists() else []


def persisted(fake):
    return (fake / "var" / "lib" / "selinux" / "default" / "active" / "booleans.local").read_text()


ALL_OFF = {"disabled": ["container_manage_cgroup", "container_use_devices", "container_use_sysadmin",
                        "container_use_dri"]}


def test_first_run_persists_every_boolean_in_one_call(fake, run_module):
    result, failed = run_module(selinux_booleans.main, ALL_OFF)
    assert not failed and result["changed"]
    assert calls(fake) == ["-P container_manage_cgroup=0 container_use_devices=0 container_use_sysadmin=0"]
    assert persisted(fake) == "container_manage_cgroup=0\ncontainer_use_devices=0\ncontainer_use_sysadmin=0\n"
    assert result["missing"] == ["container_use_dri"]


def test_second_run_changes_nothing(fake, run_module):
    run_module(selinux_booleans.main, ALL_OFF)
    result, failed = run_module(selinux_booleans.main, ALL_OFF)
    assert not failed and not result["changed"] and result["changed_booleans"] == {}
    assert len(calls(fake)) == 1


def test_check_mode_reports_and_diffs_without_calling_setsebool(fake, run_module):
    (fake / "sys" / "fs" / "selinux" / "booleans" / "container_use_devices").write_text("1 1")
    result, failed = run_module(selinux_booleans.main, ALL_OFF, check_mode=True)
    assert not failed and result["changed"]
    assert result["changed_booleans"]["container_use_devices"] is False
    assert "container_use_devices=on/unset" in result["diff"]["before"]
    assert "container_use_devices=off/off" in result["diff"]["after"]
    assert calls(fake) == []
    assert not (fake / "var" / "lib" / "selinux" / "default" / "active" / "booleans.local").exists()


def test_a_runtime_only_change_is_made_persistent(fake, run_module):
    run_module(selinux_booleans.main, ALL_OFF)
    (fake / "sys" / "fs" / "selinux" / "booleans" / "container_use_sysadmin").write_text("1 1")   # setsebool without -P
    result = run_module(selinux_booleans.main, ALL_OFF)[0]
    assert result["changed_booleans"] == {"container_use_sysadmin": False}
    assert calls(fake)[-1] == "-P container_use_sysadmin=0"


def test_a_persisted_value_that_differs_is_rewritten(fake, run_module):
    (fake / "var" / "lib" / "selinux" / "default" / "active" / "booleans.local").write_text("container_use_devices=1\n")
    result = run_module(selinux_booleans.main, {"disabled": ["container_use_devices"]})[0]
    assert result["changed_booleans"] == {"container_use_devices": False}


def test_booleans_asked_on_are_turned_on_and_the_rest_off(fake, run_module):
    result, failed = run_module(selinux_booleans.main, {"enabled": ["container_manage_cgroup"],
                                                        "disabled": ["container_use_devices"]})
    assert not failed
    assert calls(fake) == ["-P container_manage_cgroup=1 container_use_devices=0"]
    assert (fake / "sys" / "fs" / "selinux" / "booleans" / "container_manage_cgroup").read_text().startswith("1")


def test_not_persistent_leaves_the_store_alone(fake, run_module):
    result = run_module(selinux_booleans.main, {"enabled": ["container_manage_cgroup"], "persistent": False})[0]
    assert result["changed"] and calls(fake) == ["container_manage_cgroup=1"]
    again = run_module(selinux_booleans.main, {"enabled": ["container_manage_cgroup"], "persistent": False})[0]
    assert not again["changed"]


def test_an_unknown_boolean_to_turn_on_is_an_error(fake, run_module):
    result, failed = run_module(selinux_booleans.main, {"enabled": ["container_use_dri"]})
    assert failed and "no boolean container_use_dri" in result["msg"]
    assert calls(fake) == []


def test_a_boolean_both_on_and_off_is_an_error(fake, run_module):
    result, failed = run_module(selinux_booleans.main, {"enabled": ["container_use_devices"],
                                                        "disabled": ["container_use_devices"]})
    assert failed and "both" in result["msg"]


def test_a_host_without_selinux_fails_with_the_reason(fake, run_module):
    (fake / "sys" / "fs" / "selinux" / "enforce").unlink()
    result, failed = run_module(selinux_booleans.main, ALL_OFF)
    assert failed and "not enabled" in result["msg"]


def test_setsebool_failure_is_reported(fake, run_module, monkeypatch):
    monkeypatch.setenv("FAKE_SETSEBOOL_FAIL", "1")
    result, failed = run_module(selinux_booleans.main, ALL_OFF)
    assert failed and "Could not change policy booleans" in result["msg"]


def test_a_store_the_audit_cannot_read_is_refused_untouched(fake, run_module):
    # the same reader as host-selinux-container-booleans: what it cannot read, the module does not rewrite
    local = fake / "var" / "lib" / "selinux" / "default" / "active" / "booleans.local"
    local.write_text("container_use_devices=maybe\n")
    result, failed = run_module(selinux_booleans.main, ALL_OFF)
    assert failed and "booleans.local" in result["msg"]
    assert calls(fake) == [] and local.read_text() == "container_use_devices=maybe\n"


def test_the_policy_type_is_read_as_libselinux_reads_it(fake, run_module):
    # libselinux takes the last SELINUXTYPE= line: the store read is default's, where all is persisted off
    (fake / "etc" / "selinux" / "config").write_text("SELINUX=enforcing\nSELINUXTYPE=mls\nSELINUXTYPE=default\n")
    (fake / "var" / "lib" / "selinux" / "default" / "active" / "booleans.local").write_text(
        "container_manage_cgroup=0\ncontainer_use_devices=0\ncontainer_use_sysadmin=0\n")
    result, failed = run_module(selinux_booleans.main, ALL_OFF)
    assert not failed and not result["changed"] and calls(fake) == []
