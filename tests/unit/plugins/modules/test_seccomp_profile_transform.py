# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""harden_profile: drops exactly the compat ABIs, denies what it is asked
to, never changes its input, refuses what is not a usable profile, and
produces what the posture audit judges hardened."""

import copy
import json
import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.seccomp import analyse
from ansible_collections.stockade.hardening.plugins.module_utils.seccomp_profile import (
    DENY_ERRNO, harden_profile,
)

CONTAINERS_COMMON_PROFILE = "/usr/share/containers/seccomp.json"


def _arch_map_profile():
    """The shape of Docker's and containers-common's default profiles."""
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 38,
        "archMap": [
            {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
            {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
            {"architecture": "SCMP_ARCH_S390X", "subArchitectures": ["SCMP_ARCH_S390"]},
        ],
        "syscalls": [
            {"names": ["getpid", "read", "write"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
            {"name": "personality", "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
        ],
    }


def _sub_arches(profile, arch):
    return next(e["subArchitectures"] for e in profile["archMap"] if e["architecture"] == arch)


@pytest.mark.parametrize("machine, native, other", [
    ("x86_64", "SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"),
    ("aarch64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_X86_64"),
    ("s390x", "SCMP_ARCH_S390X", "SCMP_ARCH_X86_64"),
])
def test_arch_map_native_entry_loses_its_compat_abis(machine, native, other):
    profile = _arch_map_profile()
    hardened = harden_profile(profile, machine)
    assert _sub_arches(hardened, native) == []
    assert _sub_arches(hardened, other) == _sub_arches(profile, other)  # only this machine's entry counts
    assert hardened["syscalls"] == profile["syscalls"]
    assert analyse(hardened, "hardened", machine).compat_allowed == []
    assert analyse(profile, "stock", machine).compat_allowed != []


def test_arch_map_entry_for_a_compat_arch_is_dropped():
    profile = _arch_map_profile()
    profile["archMap"].append({"architecture": "SCMP_ARCH_X86", "subArchitectures": []})
    arches = [entry["architecture"] for entry in harden_profile(profile, "x86_64")["archMap"]]
    assert "SCMP_ARCH_X86" not in arches and "SCMP_ARCH_X86_64" in arches


def test_architectures_form_loses_compat_entries():
    profile = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [],
               "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]}
    hardened = harden_profile(profile, "x86_64")
    assert hardened["architectures"] == ["SCMP_ARCH_X86_64"]
    assert analyse(hardened, "hardened", "x86_64").compat_allowed == []


def test_machine_without_compat_abis_and_profile_without_arches_are_unchanged():
    assert harden_profile(_arch_map_profile(), "ppc64le") == _arch_map_profile()
    bare = {"defaultAction": "SCMP_ACT_ALLOW"}
    assert harden_profile(bare, "x86_64") == bare


def test_input_is_not_modified():
    profile = _arch_map_profile()
    pristine = copy.deepcopy(profile)
    harden_profile(profile, "x86_64", deny_syscalls=["getpid", "personality"])
    assert profile == pristine


def test_denied_syscalls_leave_other_rules_and_get_one_errno_rule():
    hardened = harden_profile(_arch_map_profile(), "x86_64", deny_syscalls=["personality", "getpid", "getpid"])
    assert hardened["syscalls"] == [
        {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
        {"names": ["getpid", "personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": DENY_ERRNO},
    ]


@pytest.mark.parametrize("profile, message", [
    (["SCMP_ACT_ERRNO"], "not a seccomp profile"),
    (None, "not a seccomp profile"),
    ({"syscalls": []}, "defaultAction"),
    ({"defaultAction": "ERRNO"}, "defaultAction"),
    ({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": {}}, "syscalls"),
    ({"defaultAction": "SCMP_ACT_ERRNO", "archMap": "SCMP_ARCH_X86_64"}, "archMap"),
    ({"defaultAction": "SCMP_ACT_ERRNO", "architectures": [1]}, "architectures"),
    # Docker 20.10 and Podman 4.3 refuse both only when both are non-empty (len(...) != 0, seen on this machine)
    ({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64"}],
      "architectures": ["SCMP_ARCH_X86_64"]}, "both archMap and architectures"),
])
def test_refuses_what_is_not_a_usable_profile(profile, message):
    with pytest.raises(ValueError, match=message):
        harden_profile(profile, "x86_64")


@pytest.mark.parametrize("machine, deny, message", [
    ("sparc64", (), "unknown machine"),
    ("x86_64", "getpid", "deny_syscalls"),
    ("x86_64", ["getpid", ""], "deny_syscalls"),
])
def test_refuses_bad_arguments(machine, deny, message):
    with pytest.raises(ValueError, match=message):
        harden_profile(_arch_map_profile(), machine, deny_syscalls=deny)


@pytest.mark.skipif(not os.path.exists(CONTAINERS_COMMON_PROFILE), reason="containers-common not installed")
def test_real_containers_common_profile():
    with open(CONTAINERS_COMMON_PROFILE) as handle:
        profile = json.load(handle)
    hardened = harden_profile(profile, "x86_64")
    assert _sub_arches(hardened, "SCMP_ARCH_X86_64") == []
    assert analyse(hardened, CONTAINERS_COMMON_PROFILE, "x86_64").compat_allowed == []
    assert json.loads(json.dumps(hardened))["syscalls"] == profile["syscalls"]
