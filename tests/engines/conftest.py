# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the engine tests: the probe image, the seccomp profiles
under test, private engine instances, and the timings report.

These tests install nothing: they skip, saying what is missing, when the
engines are not installed (see README.md for the packages). tests/conftest.py
makes the checkout importable as ansible_collections.stockade.hardening.
"""

import json
import os
import platform
import shutil
import subprocess
import tempfile

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.rootfs import probe_rootfs_tar
from ansible_collections.stockade.hardening.plugins.module_utils.seccomp_profile import harden_profile

import engine_helpers

BUSYBOX = "/bin/busybox"
CONTAINERS_COMMON_PROFILE = "/usr/share/containers/seccomp.json"


def _skip(reason):
    """Skip, or fail where a skip would hide a missing engine (CI sets
    STOCKADE_REQUIRE_ENGINES=1: its machine must run these tests)."""
    if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
        pytest.fail("engine tests cannot run: %s" % reason)
    pytest.skip(reason)


def _require(*paths_or_commands):
    """Skip unless every binary or file exists; return the resolved paths."""
    found = []
    for item in paths_or_commands:
        path = item if os.path.isabs(item) else shutil.which(item)
        if not path or not os.path.exists(path):
            _skip("%s not found (see tests/engines/README.md for the packages)" % item)
        found.append(path)
    return found


@pytest.fixture(scope="session")
def workdir():
    """Short, world-traversable (0711) scratch dir: unix socket paths must be
    short, and a userns-remapped root must be able to reach its rootfs."""
    if os.geteuid() != 0:
        _skip("engine tests start dockerd and podman as root")
    if platform.machine() != "x86_64":
        _skip("the syscall programs are x86-64 programs")
    path = tempfile.mkdtemp(prefix="stockade-engines-", dir="/tmp")
    os.chmod(path, 0o711)
    yield path
    _unmount_below(path)
    shutil.rmtree(path)


def _unmount_below(path):
    """Podman's overlay store stays mounted after its containers are gone:
    unmount whatever is mounted under our scratch dir, deepest first."""
    with open("/proc/self/mounts") as handle:
        points = [line.split()[1] for line in handle]
    for point in sorted((p for p in points if p.startswith(path + "/")), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], check=False)


@pytest.fixture(scope="session")
def probe_tar(workdir):
    """The probe image's rootfs: static busybox, the ELF syscall programs, inside.sh."""
    (busybox,) = _require(BUSYBOX)
    path = os.path.join(workdir, "probe-rootfs.tar")
    with open(path, "wb") as handle:
        handle.write(probe_rootfs_tar(busybox))
    return path


@pytest.fixture(scope="session")
def baseline_profile():
    """containers-common's default profile: Podman's own default, and the
    stand-in for Docker's builtin one (which dockerd cannot export)."""
    (path,) = _require(CONTAINERS_COMMON_PROFILE)
    with open(path) as handle:
        return json.load(handle)


@pytest.fixture(scope="session")
def profile_file(workdir):
    """Write a seccomp profile dict to a file; return its path."""
    def write(name, profile):
        path = os.path.join(workdir, name + ".seccomp.json")
        with open(path, "w") as handle:
            json.dump(profile, handle)
        return path
    return write


@pytest.fixture(scope="session")
def hardened_profile_path(baseline_profile, profile_file):
    return profile_file("no32", harden_profile(baseline_profile, platform.machine()))


@pytest.fixture(scope="session")
def docker_binaries():
    """dockerd, a docker CLI (STOCKADE_DOCKER_CLI overrides PATH) and runc."""
    dockerd, cli, dummy = _require("dockerd", os.environ.get("STOCKADE_DOCKER_CLI", "docker"), "runc")
    return dockerd, cli


@pytest.fixture(scope="session")
def start_dockerd(docker_binaries, workdir, probe_tar):
    """Return a factory of private dockerds (context managers) for a
    scenario's daemon.json, each with the probe image imported."""
    def factory(name, config, extra_args=()):
        return engine_helpers.DockerDaemon(*docker_binaries, workdir, name, config, probe_tar, extra_args)
    return factory


@pytest.fixture(scope="session")
def podman(workdir, probe_tar):
    """Podman with private storage, the probe image imported once."""
    binary = _require("podman", "runc")[0]
    return engine_helpers.Podman(binary, workdir, probe_tar)


def pytest_terminal_summary(terminalreporter):
    """Print how long each private dockerd took to answer and to stop, so
    that a slower engine or a slower suite shows up in every run."""
    if engine_helpers.TIMINGS:
        terminalreporter.section("engine timings")
        for label, seconds in engine_helpers.TIMINGS.items():
            terminalreporter.write_line("%-40s %6.2f s" % (label, seconds))
