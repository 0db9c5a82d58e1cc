# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the selinux role takes the container policy modules from, for the
host facts (selinux_host_info) of the two Debian releases (seen in the lab guests): Debian 12's
selinux-policy-default ships no container, docker or podman module, so they are
built from selinux-policy-src; Debian 13's ships and installs all three
(/usr/share/selinux/default/NAME.pp.bz2 at priority 100), so nothing is built
and a module someone disabled or removed comes back from that file."""

from test_selinux_role_vars import role_value

SHIPPED_13 = {name: "/usr/share/selinux/default/%s.pp.bz2" % name
              for name in ("apache", "container", "docker", "podman", "virt")}
BASE = {"lsms": ["selinux"], "runtime": "permissive", "root_labelled": True, "disabled_modules": []}


def values(facts):
    return {name: role_value("__stockade_selinux_%s" % name, dict(BASE, **facts))
            for name in ("missing_modules", "shipped_missing", "build_modules", "semodule_shipped")}


def test_debian_12_builds_the_three_modules():
    got = values({"modules": ["apache", "virt"], "shipped_modules": {"apache": "/usr/share/selinux/default/apache.pp"}})
    assert sorted(got["build_modules"]) == ["container", "docker", "podman"]
    assert got["shipped_missing"] == []


def test_debian_13_as_installed_needs_nothing():
    got = values({"modules": ["apache", "container", "docker", "podman", "virt"], "shipped_modules": SHIPPED_13})
    assert got["missing_modules"] == [] and got["build_modules"] == [] and got["shipped_missing"] == []


def test_debian_13_enables_a_disabled_module_and_reinstalls_a_removed_one():
    got = values({"modules": ["apache", "virt", "podman"], "disabled_modules": ["docker"],
                  "shipped_modules": SHIPPED_13})
    assert got["build_modules"] == []
    assert got["semodule_shipped"] == ["semodule", "-X", "100", "-i/usr/share/selinux/default/container.pp.bz2",
                                       "-edocker"]
