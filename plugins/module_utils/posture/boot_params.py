# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kernel command line: what the running kernel got, and what the bootloader
configuration will pass at the next boot (so a change can be reported as
pending a reboot instead of as done)."""

from __future__ import annotations

import shlex

from .hostfs import ConfigError

GRUB_DEFAULTS = "/etc/default/grub"
GRUB_DROPIN_DIR = "/etc/default/grub.d"
KERNEL_CMDLINE = "/etc/kernel/cmdline"   # systemd-boot / kernel-install hosts
GRUB_KEYS = ("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT")


def running_params(host):
    """Words of /proc/cmdline, or None when not readable under the root."""
    text = host.read_text("/proc/cmdline")
    return None if text is None else text.split()


def configured_params(host):
    """(words, sources) the bootloader config will pass; words None if no config."""
    words = []
    sources = []
    grub_files = [GRUB_DEFAULTS] + [GRUB_DROPIN_DIR + "/" + n
                                    for n in host.list_dir(GRUB_DROPIN_DIR, ".cfg")]
    values = {}
    for path in grub_files:
        text = host.read_text(path)
        if text is None:
            continue
        sources.append(path)
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            key = key.replace("export ", "").strip()
            if key not in GRUB_KEYS:
                continue
            try:
                parts = shlex.split(value)
            except ValueError as exc:
                raise ConfigError(path, "line %d: %s" % (number, exc))
            expanded = " ".join(parts)
            for name in GRUB_KEYS:  # GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX x"
                expanded = expanded.replace("${%s}" % name, values.get(name, ""))
                expanded = expanded.replace("$" + name, values.get(name, ""))
            values[key] = expanded
    if sources:
        for name in GRUB_KEYS:
            words.extend(values.get(name, "").split())
    text = host.read_text(KERNEL_CMDLINE)
    if text is not None:
        sources.append(KERNEL_CMDLINE)
        words.extend(text.split())
    return (words if sources else None), sources


def param_value(words, name):
    """The last value given for `name` (kernel semantics: last one wins)."""
    found = None
    for word in words or ():
        key, sep, value = word.partition("=")
        if key == name:
            found = value if sep else ""
    return found
