# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The GRUB reader on a real grub.cfg: the one grub-mkconfig (grub 2.06-13+deb12u2)
wrote in the Debian 12 lab VM (tests/unit/data/grub/debian12-lab.grub.cfg, with its
one-line `if ...; then ...; fi` inside each entry and 41_custom's `source ${config_directory}/custom.cfg`)."""

import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import grub_config
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.boot_params import next_boot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, os.pardir, "data", "grub")
UUID = "9b803c68-35d6-49b8-97ee-32fa9106db35"
RELEASE = "6.1.0-57-amd64"


def real_cfg():
    with open(os.path.join(DATA, "debian12-lab.grub.cfg"), encoding="utf-8") as handle:
        return handle.read()


def host_with(tmp_path, files):
    for path, text in files.items():
        full = tmp_path / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text)
    return HostRoot(str(tmp_path))


def test_the_real_menu():
    config = grub_config.GrubConfig(real_cfg(), exists=lambda path: False)
    assert [e.title for e in config.entries] == ["Debian GNU/Linux", "Advanced options for Debian GNU/Linux"]
    assert not any(e.conditional for e in config.entries)
    assert [e.id for e in config.entries[1].children] == [
        "gnulinux-%s-advanced-%s" % (RELEASE, UUID), "gnulinux-%s-recovery-%s" % (RELEASE, UUID)]
    assert config.entries[0].linux == ["/boot/vmlinuz-" + RELEASE, "root=UUID=" + UUID, "ro", "console=ttyS0"]


@pytest.mark.parametrize("grubenv,title", [
    ("", "Debian GNU/Linux"),
    ("next_entry=gnulinux-advanced-%s>gnulinux-%s-recovery-%s\n" % (UUID, RELEASE, UUID),
     "Debian GNU/Linux, with Linux %s (recovery mode)" % RELEASE),
    ("next_entry=1\n", "Debian GNU/Linux, with Linux %s" % RELEASE),
    ("next_entry=no such entry\n", "Debian GNU/Linux"),
])
def test_the_entry_grub_boots(grubenv, title):
    config = grub_config.GrubConfig(real_cfg(), exists=lambda path: False)
    spec, _why = config.default_spec(grub_config.parse_grubenv(grubenv))
    assert config.entry(spec).title == title


def test_the_next_boot_line_is_what_the_kernel_got(tmp_path):
    # /proc/cmdline of the lab VM booted from this entry: BOOT_IMAGE=... root=UUID=... ro console=ttyS0
    line = next_boot(host_with(tmp_path, {"boot/grub/grub.cfg": real_cfg()}))
    assert line.text == "BOOT_IMAGE=/boot/vmlinuz-%s root=UUID=%s ro console=ttyS0" % (RELEASE, UUID)
    assert line.release == RELEASE


def test_a_custom_cfg_that_exists_cannot_be_decided(tmp_path):
    host = host_with(tmp_path, {"boot/grub/grub.cfg": real_cfg(), "boot/grub/custom.cfg": "set default=1\n"})
    with pytest.raises(ConfigError) as caught:
        next_boot(host)
    assert "custom.cfg" in str(caught.value) and "/boot/grub/grub.cfg" in str(caught.value)
