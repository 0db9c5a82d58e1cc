# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which exclusive LSM an Ubuntu kernel runs (kernel_cmdline.active_exclusive_lsm),
as security/security.c ordered_lsm_init() of Linux 5.15 (22.04) and 6.8 (24.04)
decides it: `lsm=` replaces CONFIG_LSM and makes `security=` ignored;
`security=X` turns the other legacy major LSMs off and appends X; the first
enabled exclusive LSM of the order runs. Ubuntu's CONFIG_LSM below is the one
ubuntu_tree.py uses, NOT read from Ubuntu's kernel config (its SOURCE.md)."""

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import kernel_cmdline

UBUNTU = {"CONFIG_SECURITY_APPARMOR": "y", "CONFIG_SECURITY_SELINUX": "y",
          "CONFIG_LSM": '"landlock,lockdown,yama,integrity,apparmor"'}


@pytest.mark.parametrize("cmdline,runs,says", [
    ("root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0", "apparmor", "CONFIG_LSM=landlock"),
    ("ro security=selinux selinux=1", "selinux", "security=selinux turns the other major LSMs off"),
    ("ro lsm=landlock,lockdown,yama,integrity,selinux", "selinux", "lsm=landlock,lockdown,yama,integrity,selinux"),
    ("ro lsm=apparmor,selinux", "apparmor", "lsm=apparmor,selinux decides"),
    ("ro lsm=landlock,apparmor security=selinux", "apparmor", "security=selinux is ignored"),
    ("ro apparmor=0", None, "apparmor=0 turns apparmor off"),
    ("ro apparmor=0 security=selinux", "selinux", "apparmor=0 turns apparmor off"),
    ("ro security=apparmor lsm=selinux", "selinux", "security=apparmor is ignored"),
])
def test_ubuntu_lsm_order(cmdline, runs, says):
    lsm, evidence = kernel_cmdline.active_exclusive_lsm(kernel_cmdline.parse(cmdline), UBUNTU)
    assert lsm == runs
    assert says in " ".join(evidence)


def test_selinux_not_built_in_cannot_run():
    kconfig = dict(UBUNTU, CONFIG_SECURITY_SELINUX="n")
    lsm, evidence = kernel_cmdline.active_exclusive_lsm(kernel_cmdline.parse("security=selinux"), kconfig)
    assert lsm is None and "no exclusive LSM" in " ".join(evidence)


def test_no_config_lsm_is_no_guess():
    kconfig = {k: v for k, v in UBUNTU.items() if k != "CONFIG_LSM"}
    lsm, evidence = kernel_cmdline.active_exclusive_lsm(kernel_cmdline.parse("ro"), kconfig)
    assert lsm is None and "no CONFIG_LSM" in evidence[0]
