# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Coexistence with dev-sec's os_hardening and linux-system-roles' selinux, over
host trees built with the files those roles really write (tests/unit/data/coexistence,
SOURCE.md names each source): the audit's kernel verdict, and the kernel role's
sysctl file, chosen and checked with the audit's one sysctl reader
(coexistence_info)."""

import os

import jinja2
import pytest
import yaml

from hosttree import HARDENED, Mode, Symlink, SYSCTL_GOOD, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.coexistence_info import (
    audit_passes, coexistence, managers, sysctl_precedence, sysctl_text,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import sysctl
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
DATA = os.path.join(REPO, "tests", "unit", "data", "coexistence")
KERNEL_ROLE = os.path.join(REPO, "roles", "kernel")


def fixture(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return handle.read()


def role_yaml(*parts):
    with open(os.path.join(KERNEL_ROLE, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


ROLE_VARS = role_yaml("vars", "main.yml")
OUR_FILE = ROLE_VARS["__stockade_kernel_sysctl_file"]
OLD_FILES = ROLE_VARS["__stockade_kernel_sysctl_files_replaced"]
OUR_SYSCTLS = role_yaml("defaults", "main.yml")["stockade_kernel_sysctls"]


def rendered_role_file(values=None):
    """templates/sysctl.conf.j2 as the role renders it."""
    with open(os.path.join(KERNEL_ROLE, "templates", "sysctl.conf.j2"), encoding="utf-8") as handle:
        template = jinja2.Environment(keep_trailing_newline=True, trim_blocks=True).from_string(handle.read())
    return template.render(stockade_kernel_sysctls=values or OUR_SYSCTLS)


def running(overrides=None):
    """/proc/sys with every audited value good, but for `overrides` (dotted names)."""
    values = dict(SYSCTL_GOOD, **{k.replace(".", "/"): v for k, v in (overrides or {}).items()})
    return {"proc/sys/" + k: v + "\n" for k, v in values.items()}


# dev-sec before 10.4.0: /etc/sysctl.conf, read through Debian's 99-sysctl.conf symlink.
DEVSEC_OLD = {"etc/sysctl.conf": fixture("devsec-10.3.1-sysctl.conf"),
              "etc/sysctl.d/99-sysctl.conf": Symlink("../sysctl.conf")}
# dev-sec 10.4.0 and later: its own file, readable by root only.
DEVSEC_NEW = {"etc/sysctl.d/90-dev-sec.conf": Mode(fixture("devsec-10.6.0-90-dev-sec.conf"), 0o440)}
# procps on Debian 12 (the reason our file never was a 90- file).
PROCPS = {"usr/lib/sysctl.d/99-protect-links.conf": "fs.protected_fifos = 1\nfs.protected_hardlinks = 1\n"
                                                    "fs.protected_regular = 2\nfs.protected_symlinks = 1\n"}


def ours(path):
    return {"etc/sysctl.d/90-stockade.conf": None, path.lstrip("/"): rendered_role_file()}


def kernel_verdicts(tmp_path, *layers):
    report = run_audit(write_tree(tmp_path / "root", HARDENED, PROCPS, *layers), machine="x86_64")
    return {e["id"]: e for e in report["controls"] if e["layer"] == "kernel" or e["id"] == "host-ip-forward-kept"}


def test_the_fixtures_carry_the_values_that_fight_ours():
    for name in ("devsec-10.3.1-sysctl.conf", "devsec-10.6.0-90-dev-sec.conf"):
        lines = fixture(name).splitlines()
        assert "fs.protected_fifos=1" in lines and "net.ipv4.ip_forward=0" in lines, name
        assert "kernel.unprivileged_userns_clone=0" in lines, name


def test_the_role_file_is_the_text_the_precedence_check_reads():
    """coexistence_info reads our planned file as sysctl_text(); the template must write the same assignments."""
    planned = sysctl.SysctlSettings()
    written = sysctl.SysctlSettings()
    sysctl._parse(sysctl_text(OUR_SYSCTLS), OUR_FILE, planned)
    sysctl._parse(rendered_role_file(), OUR_FILE, written)
    assert planned.explicit == written.explicit and planned.explicit


def test_with_the_old_name_dev_sec_sysctl_conf_wins_and_the_audit_fails_the_kernel_layer(tmp_path):
    """The finding: dev-sec ran after us (running fs.protected_fifos = 1); 99-sysctl.conf sorts after
    99-stockade.conf, so re-running the role (file unchanged) fixed nothing."""
    verdicts = kernel_verdicts(tmp_path, DEVSEC_OLD, ours("/etc/sysctl.d/99-stockade.conf"),
                               running({"fs.protected_fifos": "1"}))
    fifos = verdicts["host-sysctl-protected-fifos"]
    assert fifos["status"] == "fail"
    assert any("/etc/sysctl.d/99-sysctl.conf: fs.protected_fifos = 1" in e for e in fifos["evidence"])


@pytest.mark.parametrize("devsec", [DEVSEC_OLD, DEVSEC_NEW], ids=["devsec-10.3.1", "devsec-10.6.0"])
def test_with_the_role_file_name_our_values_win_at_boot_and_the_kernel_layer_passes(tmp_path, devsec):
    verdicts = kernel_verdicts(tmp_path, devsec, ours(OUR_FILE), running())
    for control_id, entry in verdicts.items():
        if control_id.startswith("host-sysctl-"):
            assert entry["status"] == "pass", (control_id, entry["evidence"])
    assert any(OUR_FILE in e for e in verdicts["host-sysctl-protected-fifos"]["evidence"])


@pytest.mark.parametrize("devsec", [DEVSEC_OLD, DEVSEC_NEW], ids=["devsec-10.3.1", "devsec-10.6.0"])
def test_the_audit_reports_dev_sec_ip_forward_off_on_a_docker_host(tmp_path, devsec):
    """Docker turned forwarding on at start (running 1); dev-sec's file turns it off at the next boot."""
    entry = kernel_verdicts(tmp_path, devsec, ours(OUR_FILE), running())["host-ip-forward-kept"]
    assert entry["status"] == "fail" and not entry["required_by_default"]     # a warning, with the file named
    assert any(e.endswith("net.ipv4.ip_forward = 0") and "sysctl" in e for e in entry["evidence"])


# The kernel role's choice (tasks/preflight.yml: coexistence_info) -----------------------------------

def precedence(tmp_path, *layers, path=OUR_FILE, values=None):
    host = HostRoot(write_tree(tmp_path / "root", PROCPS, *layers))
    return sysctl_precedence(host, path, values or OUR_SYSCTLS, OLD_FILES)


def test_the_role_file_sorts_after_every_file_of_the_distribution_and_of_dev_sec(tmp_path):
    host = HostRoot(write_tree(tmp_path / "root", PROCPS, DEVSEC_OLD, DEVSEC_NEW, {
        "usr/lib/sysctl.d/50-default.conf": "kernel.kptr_restrict = 1\n",
        "usr/lib/sysctl.d/10-default-yama-scope.conf": "kernel.yama.ptrace_scope = 0\n"}))
    order = [path for _name, path in sysctl.config_files(host, {OUR_FILE: "x = 1\n"})]
    assert order[-1] == OUR_FILE, order
    assert "/etc/sysctl.d/99-sysctl.conf" in order and "/etc/sysctl.d/90-dev-sec.conf" in order


@pytest.mark.parametrize("devsec", [DEVSEC_OLD, DEVSEC_NEW], ids=["devsec-10.3.1", "devsec-10.6.0"])
def test_beside_dev_sec_every_value_of_the_role_is_the_one_the_boot_applies(tmp_path, devsec):
    found = precedence(tmp_path, devsec, {"etc/sysctl.d/99-stockade.conf": rendered_role_file()})
    assert found["blocking"] == [] and found["overridden"] == []
    assert {k: v["file"] for k, v in found["applied"].items()} == {k: OUR_FILE for k in OUR_SYSCTLS}
    assert found["ip_forward"]["value"] == "0" and "sysctl" in found["ip_forward"]["file"]
    assert found["unprivileged_userns_clone"]["value"] == "0"


def test_the_old_name_would_have_lost_to_dev_sec_and_is_read_as_removed(tmp_path):
    old = precedence(tmp_path, DEVSEC_OLD, path="/etc/sysctl.d/99-stockade.conf")
    assert [(e["key"], e["value"], e["file"], e["control"]) for e in old["blocking"]] == [
        ("fs.protected_fifos", "1", "/etc/sysctl.d/99-sysctl.conf", "host-sysctl-protected-fifos")]
    assert [e["key"] for e in old["overridden"]] == ["fs.protected_fifos"]     # the rest it sets as we do


def test_a_file_that_sorts_after_the_role_file_is_refused_by_name_unless_the_audit_accepts_its_value(tmp_path):
    found = precedence(tmp_path, {"etc/sysctl.d/zz-local.conf": "fs.suid_dumpable = 2\nkernel.kptr_restrict = 2\n"
                                                                "kernel.perf_event_paranoid = 4\n"})
    assert [(e["key"], e["file"]) for e in found["blocking"]] == [("fs.suid_dumpable", "/etc/sysctl.d/zz-local.conf")]
    assert [e["key"] for e in found["overridden"]] == ["fs.suid_dumpable", "kernel.perf_event_paranoid"]


def test_a_key_no_control_judges_is_refused_when_another_file_overrides_it(tmp_path):
    found = precedence(tmp_path, {"etc/sysctl.d/zz-local.conf": "vm.swappiness = 60\n"},
                       values=dict(OUR_SYSCTLS, **{"vm.swappiness": 10}))
    assert [(e["key"], e["audit_passes"]) for e in found["blocking"]] == [("vm.swappiness", None)]


def test_running_values_another_role_changed_are_reported_so_the_role_applies_its_file_again(tmp_path):
    found = precedence(tmp_path, DEVSEC_NEW, {"etc/sysctl.d/99-zz-stockade.conf": rendered_role_file()},
                       running({"fs.protected_fifos": "1", "kernel.yama.ptrace_scope": "2"}))
    assert found["running_differs"] == ["fs.protected_fifos", "kernel.yama.ptrace_scope"]


def test_values_are_compared_and_judged_as_the_kernel_reads_them(tmp_path):
    """A later file's 0x2 is the 2 the audit accepts (only noted), its fullwidth 2 is no number to the kernel
    (blocking); a running 0x2-written 2 is not a difference from our 2."""
    found = precedence(tmp_path, {"etc/sysctl.d/zz-local.conf": "fs.protected_fifos = 0x2\nkernel.kptr_restrict = \uff12\n"},
                       running({"fs.protected_fifos": "2", "kernel.kptr_restrict": "2"}))
    judged = [(e["key"], e["audit_passes"]) for e in found["overridden"]]
    assert judged == [("fs.protected_fifos", True), ("kernel.kptr_restrict", False)]
    assert [e["key"] for e in found["blocking"]] == ["kernel.kptr_restrict"]
    assert "fs.protected_fifos" not in found["running_differs"]
    assert audit_passes("user.max_user_namespaces", "0x0") is False
    assert audit_passes("user.max_user_namespaces", "15000") is True


def test_the_other_roles_are_named_by_what_they_left_on_the_host(tmp_path):
    tree = write_tree(tmp_path / "root", DEVSEC_OLD, DEVSEC_NEW, {
        "etc/selinux/config": fixture("lsr-selinux-config"),
        "var/log/sysroles.jsonl": '{"date":"x","role_name":"network","status":"success"}\n'
                                  + fixture("lsr-sysroles.jsonl")})
    found = managers(HostRoot(tree))
    assert [m["tool"] for m in found] == ["devsec.hardening.os_hardening (10.4.0 or later)",
                                          "devsec.hardening.os_hardening (before 10.4.0)",
                                          "linux-system-roles selinux"]
    assert "2026-12-01T09:12:44+00:00" in found[2]["evidence"]
    assert managers(HostRoot(write_tree(tmp_path / "plain", PROCPS))) == []


def test_the_module_reads_a_tree_given_as_its_root(tmp_path):
    tree = write_tree(tmp_path / "root", PROCPS, DEVSEC_OLD)
    result = coexistence({"root": tree, "sysctl_file": OUR_FILE, "sysctls": OUR_SYSCTLS,
                          "sysctl_files_replaced": OLD_FILES})
    assert result["blocking"] == [] and result["managers"][0]["tool"].startswith("devsec")


def test_a_planned_removal_uncovers_the_file_of_the_same_name_in_a_lower_directory(tmp_path):
    host = HostRoot(write_tree(tmp_path / "root", {"etc/sysctl.d/50-x.conf": "fs.suid_dumpable = 0\n",
                                                   "usr/lib/sysctl.d/50-x.conf": "fs.suid_dumpable = 2\n"}))
    assert sysctl.persisted_values(host).get("fs.suid_dumpable") == ("0", "/etc/sysctl.d/50-x.conf")
    assert sysctl.persisted_values(host, {"/etc/sysctl.d/50-x.conf": None}).get("fs.suid_dumpable") == (
        "2", "/usr/lib/sysctl.d/50-x.conf")
