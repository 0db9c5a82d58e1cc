# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shipped baseline profile stays in step with containers-common's default."""

import json
import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.seccomp_profile import harden_profile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASELINE = os.path.join(REPO, "roles", "seccomp", "files", "baseline-seccomp.json")
CONTAINERS_COMMON = "/usr/share/containers/seccomp.json"


def allowed(profile):
    """Syscall names the profile allows (unconditionally or under a condition)."""
    return {name for rule in profile["syscalls"] if rule["action"] == "SCMP_ACT_ALLOW"
            for name in rule.get("names", [rule.get("name")])}


def test_baseline_is_a_hardenable_profile():
    profile = json.load(open(BASELINE))
    hardened = harden_profile(profile, "x86_64")
    assert len(allowed(hardened)) > 300
    assert os.path.exists(os.path.join(os.path.dirname(BASELINE), "README.md"))  # the Apache-2.0 note


@pytest.mark.skipif(not os.path.exists(CONTAINERS_COMMON), reason="containers-common is not installed")
def test_baseline_agrees_with_containers_common():
    shipped, stock = json.load(open(BASELINE)), json.load(open(CONTAINERS_COMMON))
    assert sorted(allowed(shipped) ^ allowed(stock)) == [], \
        "refresh roles/seccomp/files/baseline-seccomp.json from %s" % CONTAINERS_COMMON
    assert shipped["defaultAction"] == stock["defaultAction"]
    assert shipped.get("archMap") == stock.get("archMap")
