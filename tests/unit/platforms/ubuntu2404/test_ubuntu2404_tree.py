# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An offline audit of an Ubuntu 24.04 cloud-image host (ubuntu_tree.py,
sources in SOURCE.md): the boot controls judge the line grub-mkconfig
makes from /etc/default/grub and the cloud image's 50-cloudimg-settings.cfg
(which replaces GRUB_CMDLINE_LINUX_DEFAULT), AppArmor is the LSM that runs,
and apparmor 4.0's userns restriction is judged against its real profiles."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from ubuntu_tree import KERNELS, write_ubuntu  # noqa: E402  (puts consumers/ and hosttree on the path)
import grub_mkconfig  # noqa: E402
from hosttree import EXECUTABLE  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import boot_params  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot  # noqa: E402

pytestmark = pytest.mark.skipif(not grub_mkconfig.available(), reason="needs grub-mkconfig (grub-common) and sh")
VERSION = "2404"
USERNS = "host-apparmor-userns-profiles"


def audit(root):
    return {entry["id"]: entry for entry in run_audit(str(root), machine="x86_64")["controls"]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return audit(write_ubuntu(tmp_path_factory.mktemp("noble"), VERSION, EXECUTABLE))


def test_the_cloudimg_file_replaces_the_default_line(tmp_path):
    root = write_ubuntu(tmp_path, VERSION, EXECUTABLE)
    # grub-mkconfig: "quiet splash" from /etc/default/grub is replaced by the 50- file's value
    assert grub_mkconfig.linux_args(root) == ["console=tty1", "console=ttyS0"]
    words, sources = boot_params.grub_defaults(HostRoot(root))
    assert words == grub_mkconfig.linux_args(root)
    assert sources == ["/etc/default/grub", "/etc/default/grub.d/50-cloudimg-settings.cfg"]


def test_boot_controls_give_verdicts_through_the_cloudimg_file(report):
    for cid in ("host-ia32-emulation-off", "host-vsyscall-none"):
        assert report[cid]["status"] == "fail", report[cid]
        evidence = " ".join(report[cid]["evidence"])
        assert "console=tty1 console=ttyS0" in evidence and "quiet" not in evidence
    assert "kernel default xonly" in " ".join(report["host-vsyscall-none"]["evidence"])


def test_a_parameter_added_in_a_later_dropin_is_on_the_line(tmp_path):
    root = write_ubuntu(tmp_path, VERSION, EXECUTABLE, {
        "etc/default/grub.d/99-stockade.cfg":
            'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT ia32_emulation=0 vsyscall=none"\n'})
    assert grub_mkconfig.linux_args(root)[-2:] == ["ia32_emulation=0", "vsyscall=none"]
    found = audit(root)
    assert found["host-ia32-emulation-off"]["status"] == "pass"     # 6.8 honours ia32_emulation= (6.7+)
    assert found["host-vsyscall-none"]["status"] == "pass"


def test_a_parameter_in_etc_default_grub_is_lost_to_the_cloudimg_file(tmp_path):
    root = write_ubuntu(tmp_path, VERSION, EXECUTABLE, {
        "etc/default/grub": 'GRUB_CMDLINE_LINUX_DEFAULT="quiet splash vsyscall=none"\nGRUB_CMDLINE_LINUX=""\n'})
    assert "vsyscall=none" not in grub_mkconfig.linux_args(root)
    assert audit(root)["host-vsyscall-none"]["status"] == "fail"


def test_apparmor_is_the_lsm_that_runs(report):
    evidence = " ".join(report["host-selinux-enforcing"]["evidence"])
    assert report["host-selinux-enforcing"]["status"] == "fail"
    assert "the kernel will run apparmor, not SELinux" in evidence
    assert "CONFIG_LSM=landlock,lockdown,yama,integrity,apparmor" in evidence


def test_the_real_profiles_grant_userns_to_the_rootless_programs(report):
    entry = report[USERNS]
    assert entry["status"] == "pass", entry
    evidence = " ".join(entry["evidence"])
    assert "/usr/lib/sysctl.d/10-apparmor.conf: kernel.apparmor_restrict_unprivileged_userns = 1" in evidence
    for name in ("podman", "buildah", "rootlesskit"):
        assert "/etc/apparmor.d/%s: profile %s (attachment /usr/bin/%s) grants userns" % (name, name, name) in evidence


@pytest.mark.parametrize("change,program", [
    ({"etc/apparmor.d/podman": None}, "/usr/bin/podman"),
    ({"etc/apparmor.d/disable/rootlesskit": ""}, "/usr/bin/rootlesskit"),
    ({"etc/apparmor.d/local/buildah": "deny userns,\n"}, "/usr/bin/buildah"),
    ({"usr/bin/podman": None, "usr/local/bin/podman": EXECUTABLE}, "/usr/local/bin/podman"),
])
def test_a_program_without_a_grant_fails_by_name(tmp_path, change, program):
    entry = audit(write_ubuntu(tmp_path, VERSION, EXECUTABLE, change))[USERNS]
    assert entry["status"] == "fail"
    assert any(line.startswith(program + ": no AppArmor profile apparmor_parser loads at boot grants it userns") for line in entry["evidence"])
    assert not any("apparmor_restrict_unprivileged_userns=0" in line or "= 0" in line for line in entry["evidence"])


def test_the_restriction_switched_off_later_is_not_applicable(tmp_path):
    root = write_ubuntu(tmp_path, VERSION, EXECUTABLE, {
        "etc/apparmor.d/podman": None,
        "etc/sysctl.d/60-userns.conf": "kernel.apparmor_restrict_unprivileged_userns = 0\n"})
    entry = audit(root)[USERNS]
    assert entry["status"] == "not_applicable"
    assert "/etc/sysctl.d/60-userns.conf" in " ".join(entry["evidence"])


def test_a_boot_switched_to_selinux_has_no_restriction(tmp_path):
    root = write_ubuntu(tmp_path, VERSION, EXECUTABLE, {
        "etc/apparmor.d/podman": None,
        "etc/default/grub.d/99-selinux.cfg": 'GRUB_CMDLINE_LINUX="security=selinux selinux=1"\n'})
    entry = audit(root)[USERNS]
    assert entry["status"] == "not_applicable"
    assert "has no effect: the next boot runs selinux" in " ".join(entry["evidence"])


def test_no_rootless_user_is_not_applicable(tmp_path):
    root = write_ubuntu(tmp_path, VERSION, EXECUTABLE, {"etc/subuid": "", "etc/subgid": ""})
    assert audit(root)[USERNS]["status"] == "not_applicable"


def test_kernel_release():
    assert KERNELS[VERSION].startswith("6.8.")
