# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An offline audit of an Ubuntu 22.04 cloud-image host (the builder is
../ubuntu2404/ubuntu_tree.py; sources in SOURCE.md): the boot controls
judge the line grub-mkconfig makes through 50-cloudimg-settings.cfg;
5.15 predates ia32_emulation=; apparmor 3.0 has no userns restriction."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ubuntu2404"))

from ubuntu_tree import write_ubuntu  # noqa: E402  (puts consumers/ and hosttree on the path)
import grub_mkconfig  # noqa: E402
from hosttree import EXECUTABLE  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit  # noqa: E402

pytestmark = pytest.mark.skipif(not grub_mkconfig.available(), reason="needs grub-mkconfig (grub-common) and sh")


def audit(root):
    return {entry["id"]: entry for entry in run_audit(str(root), machine="x86_64")["controls"]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return audit(write_ubuntu(tmp_path_factory.mktemp("jammy"), "2204", EXECUTABLE))


def test_no_error(report):
    assert {cid: entry["evidence"] for cid, entry in report.items() if entry["status"] == "error"} == {}


def test_the_boot_line_is_the_cloudimg_one(report):
    evidence = " ".join(report["host-vsyscall-none"]["evidence"])
    assert report["host-vsyscall-none"]["status"] == "fail"
    assert "ro console=tty1 console=ttyS0" in evidence


def test_ia32_emulation_cannot_be_switched_off_on_5_15(tmp_path):
    root = write_ubuntu(tmp_path, "2204", EXECUTABLE, {
        "etc/default/grub.d/99-stockade.cfg": 'GRUB_CMDLINE_LINUX="ia32_emulation=0"\n'})
    entry = audit(root)["host-ia32-emulation-off"]
    assert entry["status"] == "fail"
    assert "ignores ia32_emulation= (it needs 6.7 or newer)" in " ".join(entry["evidence"])


def test_no_userns_restriction_is_not_applicable_with_its_reason(report):
    entry = report["host-apparmor-userns-profiles"]
    assert entry["status"] == "not_applicable"
    assert "Ubuntu 22.04" in " ".join(entry["evidence"])


def test_apparmor_runs(report):
    assert "the kernel will run apparmor, not SELinux" in " ".join(report["host-selinux-enforcing"]["evidence"])
