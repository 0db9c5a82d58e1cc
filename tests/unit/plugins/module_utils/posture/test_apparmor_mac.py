# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppArmor as the MAC layer: the profiles reader, the AppArmor controls on fixture
trees, the policy's `mac` (which MAC's controls are required, and why the others are
not), posture_verify's mac option, and the selinux role's answer to Podman's finding."""

import os

import pytest

from hosttree import HARDENED, STOCK, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls import selinux
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.live import KernelView
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.apparmor import parse_profiles
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.render import render_table
from ansible_collections.stockade.hardening.plugins.module_utils.posture_verify import policy_from_params

IDS = [c.id for c in all_controls()]
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
PROFILES = "sys/kernel/security/apparmor/profiles"
LISTING = ("docker-default (enforce)\ncontainers-default-0.62.3 (enforce)\nwpcom (unconfined)\n"
           "transmission-cli (complain)\n:lxd:inner (enforce)\nname with (parens) (kill)\n")
# The stock tree runs AppArmor (lsm ...,apparmor); the module parameter and the listing as Debian 13 has them.
APPARMOR = dict(STOCK, **{"sys/module/apparmor/parameters/enabled": "Y\n", PROFILES: LISTING})
PODMAN_DROPIN = "etc/containers/containers.conf.d/90-site.conf"


def test_listing_as_the_kernel_writes_it():
    profiles = parse_profiles(LISTING)
    assert profiles.named("docker-default") == ["enforce"]
    assert profiles.named("inner") == [] and profiles.named(":lxd:inner") == ["enforce"]
    assert profiles.named("name with (parens)") == ["kill"]
    assert profiles.with_prefix("containers-default-") == [("containers-default-0.62.3", "enforce")]
    assert parse_profiles("").entries == []


@pytest.mark.parametrize("text,needle", [
    ("docker-default (enforce)", "truncated"),
    ("docker-default (enforce)\n\n", "line 2"),
    ("docker-default (Enforce)\n", "mode 'Enforce'"),
    ("unconfined\n", "line 1"),
    ("docker-default (enforce)\0x (complain)\n", "NUL"),
])
def test_listing_the_kernel_never_writes_is_refused(text, needle):
    with pytest.raises(ConfigError) as caught:
        parse_profiles(text)
    assert caught.value.path == "/sys/kernel/security/apparmor/profiles"
    assert needle in caught.value.cause


def _audit(tree, mac="selinux"):
    root = write_tree(tree[0], *tree[1:])
    report = run_audit(root, live=False, machine="x86_64", mac=mac)
    return report, {entry["id"]: entry for entry in report["controls"]}


def test_apparmor_host_passes_the_apparmor_controls(tmp_path):
    _report, results = _audit((tmp_path / "aa", APPARMOR), mac="apparmor")
    for control_id in selinux.APPARMOR_CONTROL_IDS:
        assert results[control_id]["status"] == "pass", results[control_id]
    assert "the major LSM is apparmor" in results["host-apparmor-enabled"]["evidence"][0]
    assert "6 profiles loaded (1 complain, 3 enforce, 1 kill, 1 unconfined)" in \
        results["host-apparmor-enabled"]["evidence"][2]


@pytest.mark.parametrize("value", ['"unconfined"', '""'])
def test_podman_told_to_run_unconfined_fails(tmp_path, value):
    tree = dict(APPARMOR, **{PODMAN_DROPIN: "[containers]\napparmor_profile = %s\n" % value})
    _report, results = _audit((tmp_path / "aa", tree), mac="apparmor")
    entry = results["podman-apparmor-profile"]
    assert entry["status"] == "fail" and selinux.PODMAN_UNCONFINED in entry["evidence"][0], entry
    assert "90-site.conf" in entry["evidence"][0]


def test_podman_profile_not_loaded_yet_is_not_a_pass(tmp_path):
    tree = dict(APPARMOR, **{PROFILES: "docker-default (enforce)\n"})
    _report, results = _audit((tmp_path / "aa", tree), mac="apparmor")
    entry = results["podman-apparmor-profile"]
    assert entry["status"] == "not_applicable" and "first starts a container as root" in entry["evidence"][0], entry


def test_a_named_podman_profile_must_be_loaded(tmp_path):
    tree = dict(APPARMOR, **{PODMAN_DROPIN: '[containers]\napparmor_profile = "site-podman"\n'})
    _report, results = _audit((tmp_path / "aa", tree), mac="apparmor")
    assert results["podman-apparmor-profile"]["status"] == "fail"
    assert "refuses to start a container" in results["podman-apparmor-profile"]["evidence"][1]


def test_on_an_selinux_host_the_apparmor_controls_do_not_apply_unless_required(tmp_path):
    _report, results = _audit((tmp_path / "se", HARDENED))
    for control_id in selinux.APPARMOR_CONTROL_IDS:
        assert results[control_id]["status"] == "not_applicable", results[control_id]
    _report, results = _audit((tmp_path / "se2", HARDENED), mac="apparmor")
    assert results["host-apparmor-enabled"]["status"] == "fail"
    assert "the major LSM is selinux" in results["host-apparmor-enabled"]["evidence"][0]


def test_policy_mac_decides_which_mac_is_required(tmp_path):
    report, _results = _audit((tmp_path / "aa", APPARMOR), mac="apparmor")
    failures = apply(report, validate({"mac": "apparmor"}, IDS))
    entries = {e["id"]: e for e in report["controls"]}
    assert entries["host-apparmor-enabled"]["required"] is True
    assert entries["host-selinux-enforcing"]["status"] == "fail"
    assert entries["host-selinux-enforcing"]["required"] is False
    assert entries["host-selinux-enforcing"]["not_required"] == "the policy's MAC is AppArmor"
    assert "host-selinux-enforcing" not in [f["id"] for f in failures]
    assert report["policy"]["mac"] == "apparmor"
    assert report["summary"]["mac"]["name"] == "AppArmor" and report["summary"]["mac"]["status"] == "pass"
    table = render_table(report, verbose=True)
    assert "MAC: AppArmor (host-apparmor-enabled pass)" in table
    assert "not required: the policy's MAC is AppArmor" in table

    report, _results = _audit((tmp_path / "aa2", APPARMOR))
    failures = apply(report, validate({}, IDS))
    entries = {e["id"]: e for e in report["controls"]}
    assert entries["host-selinux-enforcing"]["required"] is True
    assert "host-selinux-enforcing" in [f["id"] for f in failures]
    assert entries["host-apparmor-enabled"]["required"] is False
    assert entries["host-apparmor-enabled"]["not_required"] == "the policy's MAC is SELinux"
    assert report["summary"]["mac"]["name"] == "SELinux"


def test_required_keeps_the_other_mac_required():
    policy = validate({"mac": "apparmor", "require": ["host-selinux-enforcing"]}, IDS)
    report = {"controls": [{"id": "host-selinux-enforcing", "layer": "selinux", "required_by_default": True,
                            "status": "fail", "evidence": [], "reboot_pending": False}]}
    assert [f["id"] for f in apply(report, policy)] == ["host-selinux-enforcing"]


def test_policy_mac_is_validated():
    assert validate({}, IDS)["mac"] == "selinux"
    with pytest.raises(PolicyError, match="mac must be one of selinux, apparmor"):
        validate({"mac": "smack"}, IDS)


def test_verify_mac_option_sets_the_policy_and_refuses_a_contradiction():
    params = {"policy": {"layers": None, "mac": None}, "mac": "apparmor"}
    assert policy_from_params(params)["mac"] == "apparmor"
    with pytest.raises(PolicyError, match="stockade_mac"):
        policy_from_params({"policy": {"mac": "selinux"}, "mac": "apparmor"})


@pytest.mark.parametrize("current,problem", [
    (("docker-default", "enforce"), None),
    (("docker-default", "complain"), "complain mode"),
    (("unconfined", None), "unconfined"),
    (("containers-default-0.62.3", "unconfined"), "unconfined"),
    (None, "could not be read"),
])
def test_kernel_view_of_a_containers_profile(current, problem):
    found = selinux._kernel_apparmor_unconfined(KernelView({}, {}, None, [], apparmor=current), None)
    assert (found is None) if problem is None else (problem in found), found


def test_role_answers_the_podman_finding_the_audit_reports():
    with open(os.path.join(REPO, "roles", "selinux", "tasks", "apparmor.yml"), encoding="utf-8") as handle:
        tasks = handle.read()
    assert "search('%s')" % selinux.PODMAN_UNCONFINED in tasks
