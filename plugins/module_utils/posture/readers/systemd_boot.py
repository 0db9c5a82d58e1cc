# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel command line systemd-boot will boot next, on hosts where it is
the bootloader (its EFI binary in the ESP, no GRUB beside it).

Mirrors systemd-boot 252 (src/boot/efi/boot.c) and 257 (src/boot/boot.c):
Type #1 entries from the ESP's and XBOOTLDR's /loader/entries, read and
ordered as bls.py says; the default is the first that names an entry of
the EFI variables LoaderEntryOneShot and LoaderEntryDefault
(vendor 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f; `bootctl set-oneshot` and
`set-default` write them) and loader.conf's `default` (the last such line;
`@saved` means LoaderEntryLastBooted), each a glob matched without regard to
case against the entry id with its `.conf`; when none matches, the first
entry. The command line is the entry's `options` (every options line,
joined). The `initrd=` words systemd-boot adds for each initrd line are
left out: no control reads them.

The EFI variables live in the firmware: they are read from
/sys/firmware/efi/efivars when the root has it (a live host); an image or a
copied tree without it gets an error, since they may name another entry.
Which of GRUB and systemd-boot the firmware starts is its boot order, also
not in the files: an ESP with both is an error.

Tests: tests/unit/readers/bls/test_systemd_boot.py; the entry order against
bootctl 252 in test_bls_consumer.py.
"""

from __future__ import annotations

import posixpath

from . import bls
from .hostfs import ConfigError

ESP_PATHS = ("/efi", "/boot", "/boot/efi")          # where bootctl looks for the ESP (find-esp.c)
SDBOOT_BINARIES = ("EFI/systemd/systemd-bootx64.efi", "EFI/BOOT/BOOTX64.EFI")
EFIVARS = "/sys/firmware/efi/efivars"
MAX_EFIVAR_BYTES = 4096


def find_esp(host):
    """The ESP path under the root that holds systemd-boot, or None."""
    for esp in ESP_PATHS:
        binary = posixpath.join(esp, SDBOOT_BINARIES[0])
        if host.exists(binary):
            return esp
    return None


def efi_variable(host, name):
    """The string value of an sd-boot EFI variable: None when unset; ConfigError
    when the variables are not under this root."""
    if not host.is_dir(EFIVARS):
        raise ConfigError(EFIVARS, "is not under this root: systemd-boot reads %s there first, and it may "
                                   "name another entry than loader.conf" % name)
    path = "%s/%s-%s" % (EFIVARS, name, bls.SDBOOT_VENDOR_GUID)
    data = host.read_bytes(path)
    if data is None:
        return None
    if len(data) > MAX_EFIVAR_BYTES or len(data) < 4 or (len(data) - 4) % 2:
        raise ConfigError(path, "is not a UTF-16 EFI string variable")
    try:
        return data[4:].decode("utf-16-le").split("\x00", 1)[0]
    except UnicodeDecodeError:
        raise ConfigError(path, "is not a UTF-16 EFI string variable")


def loader_conf_default(host, esp):
    """(value, path) of loader.conf's last `default` line (sd-boot drops quotes)."""
    path = posixpath.join(esp, "loader/loader.conf")
    data = host.read_bytes(path)
    value = None
    for raw in (data or b"").split(b"\n"):
        line = raw.strip(b" \t\r")
        if line.startswith(b"default") and line[7:8] in (b" ", b"\t"):
            value = line[8:].strip(b" \t").decode("utf-8", "surrogateescape")
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
    return value, path


def bootable(host, entry):
    """sd-boot lists an entry only when its kernel (or EFI image) exists on the
    partition that holds the entry file (252 boot.c 1547-1554), and never a file
    named auto-* (its own automatic entries)."""
    if entry.name.lower().startswith("auto-"):
        return False
    image = entry.fields.get("linux") or entry.fields.get("efi")
    partition = entry.path.rsplit("/loader/entries/", 1)[0]
    return bool(image) and host.exists(partition + "/" + image.lstrip("/"))


def next_boot(host):
    """bls.BootAnswer for a systemd-boot host; None when systemd-boot is not in an ESP here."""
    esp = find_esp(host)
    if esp is None:
        return None
    grub = [p for p in ("/boot/efi/EFI", "/efi/EFI", "/boot/EFI")
            if any(host.exists(posixpath.join(p, v, "grubx64.efi")) for v in host.list_subdirs(p))]
    if grub:
        raise ConfigError(posixpath.join(esp, SDBOOT_BINARIES[0]),
                          "systemd-boot and GRUB (%s) are both installed: which one starts is the firmware's "
                          "boot order, not in the files" % grub[0])
    directories = [posixpath.join(esp, "loader/entries")]
    if esp != "/boot":
        directories.append("/boot/loader/entries")    # XBOOTLDR, when /boot is one
    patterns = []
    oneshot = efi_variable(host, "LoaderEntryOneShot")
    default_var = efi_variable(host, "LoaderEntryDefault")
    conf, conf_path = loader_conf_default(host, esp)
    if conf == "@saved":
        conf, conf_path = efi_variable(host, "LoaderEntryLastBooted"), "LoaderEntryLastBooted (loader.conf @saved)"
    patterns = [(oneshot, "EFI variable LoaderEntryOneShot"), (default_var, "EFI variable LoaderEntryDefault"),
                (conf, conf_path)]
    answers = []
    for dirs in (directories[:1], directories):
        entries = [e for e in bls.read_sdboot_entries(host, dirs) if bootable(host, e)]
        entry, why = bls.sdboot_pick(entries, patterns)
        answers.append((entry, why))
    (entry, why), (other, _other_why) = answers
    if (entry and entry.path) != (other and other.path):
        raise ConfigError(directories[1], "holds entries that systemd-boot reads only when /boot is an XBOOTLDR "
                                          "partition, which the files do not say, and the default changes with it")
    if entry is None:
        raise ConfigError(directories[0], "holds no boot entry: systemd-boot has nothing to boot")
    linux = entry.fields.get("linux") or ""
    release = entry.fields.get("version") or (linux.rsplit("vmlinuz-", 1)[1] if "vmlinuz-" in linux else None)
    text = entry.fields.get("options") or ""
    return bls.BootAnswer(text, "systemd-boot %s (%s)" % (entry.path, why), release,
                          ["systemd-boot: the initrd= words it adds are not shown"])
