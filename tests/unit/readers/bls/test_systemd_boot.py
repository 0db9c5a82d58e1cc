# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd_boot.py: which entry systemd-boot 252/257 boots (src/boot/efi/boot.c
config_default_entry_select(): LoaderEntryOneShot, LoaderEntryDefault,
loader.conf `default`, else the first entry; entries whose kernel is missing
are not listed), from the source; the entry order and the glob are held to
bootctl in test_bls_consumer.py."""

import struct

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import boot_params, systemd_boot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot

GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
ESP = "boot/efi/"


def efivar(text):
    return struct.pack("<I", 7) + (text + "\0").encode("utf-16-le")


def sd_tree(tree, extra=None, efivars=True):
    files = {ESP + "EFI/systemd/systemd-bootx64.efi": b"MZ",
             ESP + "loader/entries/m-6.1.0-1.conf": "title one\nlinux /m/6.1.0-1/linux\noptions root=/x selinux=0\n",
             ESP + "loader/entries/m-6.1.0-2.conf": "title two\nlinux /m/6.1.0-2/linux\noptions root=/x\noptions "
             "security=selinux\n",
             ESP + "m/6.1.0-1/linux": b"k", ESP + "m/6.1.0-2/linux": b"k"}
    if efivars:
        files["sys/firmware/efi/efivars/LoaderInfo-" + GUID] = efivar("systemd-boot 252")
    files.update(extra or {})
    return HostRoot(tree(None, files))


def test_newest_entry_without_any_default(tree):
    answer = systemd_boot.next_boot(sd_tree(tree))
    assert answer.text == "root=/x security=selinux"
    assert "m-6.1.0-2.conf" in answer.source


@pytest.mark.parametrize("extra, chosen", [
    ({ESP + "loader/loader.conf": "default m-6.1.0-1*\n"}, "m-6.1.0-1.conf"),
    ({ESP + "loader/loader.conf": 'default "M-6.1.0-1.CONF"\n'}, "m-6.1.0-1.conf"),
    ({"sys/firmware/efi/efivars/LoaderEntryDefault-" + GUID: efivar("m-6.1.0-1.conf"),
      ESP + "loader/loader.conf": "default m-6.1.0-2.conf\n"}, "m-6.1.0-1.conf"),
    ({"sys/firmware/efi/efivars/LoaderEntryOneShot-" + GUID: efivar("m-6.1.0-1.conf"),
      "sys/firmware/efi/efivars/LoaderEntryDefault-" + GUID: efivar("m-6.1.0-2.conf")}, "m-6.1.0-1.conf"),
    ({ESP + "loader/loader.conf": "default @saved\n",
      "sys/firmware/efi/efivars/LoaderEntryLastBooted-" + GUID: efivar("m-6.1.0-1.conf")}, "m-6.1.0-1.conf"),
    ({ESP + "loader/loader.conf": "default nothing-matches\n"}, "m-6.1.0-2.conf"),
    ({ESP + "m/6.1.0-2/linux": None}, "m-6.1.0-1.conf"),        # its kernel is missing: not listed
])
def test_default(tree, extra, chosen):
    assert chosen in systemd_boot.next_boot(sd_tree(tree, extra)).source


def test_offline_tree_without_efi_variables_is_unknown(tree):
    with pytest.raises(ConfigError) as caught:
        systemd_boot.next_boot(sd_tree(tree, efivars=False))
    assert caught.value.path == "/sys/firmware/efi/efivars"


def test_grub_beside_systemd_boot_is_unknown(tree):
    with pytest.raises(ConfigError):
        systemd_boot.next_boot(sd_tree(tree, {ESP + "EFI/debian/grubx64.efi": b"MZ"}))


def test_xbootldr_entries_that_change_the_default(tree):
    extra = {"boot/loader/entries/m-6.1.0-9.conf": "title nine\nlinux /k9\noptions x\n", "boot/k9": b"k"}
    with pytest.raises(ConfigError):
        systemd_boot.next_boot(sd_tree(tree, extra))


def test_boot_params_takes_it(tree):
    line = boot_params.next_boot(sd_tree(tree))
    assert line.value("security") == "selinux"


def test_no_systemd_boot(tree):
    assert systemd_boot.next_boot(HostRoot(tree(None, {"etc/hostname": "x\n"}))) is None
