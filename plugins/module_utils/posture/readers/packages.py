# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The installed version of a package, from whichever package database the
host keeps: dpkg's status file (dpkg_status.py: Debian, Ubuntu), else rpm's
database (rpmdb.py: RHEL 9, Fedora). One place for every version-dependent
reading (engine_version, docker_daemon, containers_conf); a version newer
than a reader mirrors is refused by that reader's mirrored.Mirrored.

Tests: tests/unit/readers/rpmdb/test_rpmdb.py (a RHEL tree's versions through
engine_version and docker_daemon)."""

from __future__ import annotations

from . import rpmdb
from .dpkg_status import DPKG_STATUS, installed_packages

# The rpm packages verdicts read, asked of the rpm database in one go, as `rpm -q NAME...` (its Name index).
RPM_PACKAGES = ("docker-ce", "moby-engine", "podman", "containers-common", "container-selinux", "crun", "runc",
                "cri-o", "systemd", "selinux-policy")


def package_version(host, packages):
    """(package, version text, database path, rpm VERSION or None) of the first
    of `packages` installed, dpkg first; None when no database has one.
    ConfigError when a database cannot be read."""
    installed = installed_packages(host)
    for package in packages:
        if package in installed:
            return package, installed[package], DPKG_STATUS, None
    if not any(package in RPM_PACKAGES for package in packages):
        return None
    rpms = rpmdb.installed_rpms(host, names=RPM_PACKAGES)
    for package in packages:
        if package in rpms:
            epoch, version, release, _arch = rpmdb.newest(rpms[package])
            return package, rpmdb.evr_text(epoch, version, release), rpmdb.database(host)[0], version
    return None
