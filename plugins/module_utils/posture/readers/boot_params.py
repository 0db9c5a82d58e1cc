# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kernel command line: what the running kernel got (/proc/cmdline), and
what the next boot will pass.

The next boot is what the bootloader will really boot: on GRUB hosts the
default entry of /boot/grub/grub.cfg (see grub_config for how GRUB 2.06/2.12
picks it); on RHEL and Fedora, whose grub.cfg builds its menu from Boot Loader
Specification entries with `blscfg`, the entry RHEL's GRUB picks
(rhel_grub, bls); on systemd-boot hosts its default Type #1 entry
(systemd_boot); on other kernel-install (UKI) hosts /etc/kernel/cmdline.
/etc/default/grub and /etc/default/grub.d/*.cfg only take effect through
`update-grub`: what they say that grub.cfg does not yet say is reported as
pending, never as done. Parameter values are read by kernel_cmdline, as the
kernel parses them.
"""

from __future__ import annotations

import posixpath
import re

from . import grub_config, kernel_cmdline, rhel_grub, sh_assignments, systemd_boot
from .hostfs import ConfigError

PROC_CMDLINE = "/proc/cmdline"
GRUB_CFGS = ("/boot/grub/grub.cfg", "/boot/grub2/grub.cfg")
GRUB_DEFAULTS = "/etc/default/grub"
GRUB_DROPIN_DIR = "/etc/default/grub.d"
KERNEL_CMDLINE = "/etc/kernel/cmdline"   # systemd-boot / kernel-install hosts
GRUB_KEYS = ("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT")


class BootLine:
    """One kernel command line and where it comes from."""

    def __init__(self, text, source, release=None, notes=()):
        self.text = text                  # as the kernel will see it in /proc/cmdline
        self.source = source              # e.g. "/boot/grub/grub.cfg entry 'Debian GNU/Linux'"
        self.release = release            # kernel release it boots, when known
        self.notes = list(notes)
        self.params = kernel_cmdline.parse(text)

    def value(self, name, accept=None):
        return kernel_cmdline.last_value(self.params, name, accept)


def running(host):
    """The running kernel's command line, or None when not under this root."""
    text = host.read_text(PROC_CMDLINE)
    if text is None:
        return None
    release = (host.read_text("/proc/sys/kernel/osrelease") or "").strip() or None
    return BootLine(text.rstrip("\n"), PROC_CMDLINE, release)


def next_boot(host):
    """The command line the next boot passes (a BootLine), or None with no
    bootloader configuration under this root. ConfigError when grub.cfg says
    something that cannot be decided (the entry that boots is unknown)."""
    answer = rhel_grub.next_boot(host) or systemd_boot.next_boot(host)
    if answer is not None:
        line = BootLine(answer.text, answer.source, answer.release, answer.notes)
        line.notes.extend(_bls_pending(host, line))
        return line
    for path in GRUB_CFGS:
        text = host.read_text(path)
        if text is not None:
            return _grub_entry(host, path, text)
    text = host.read_text(KERNEL_CMDLINE)
    if text is not None:
        return BootLine(" ".join(text.split()), KERNEL_CMDLINE)
    return None


def next_or_running(host):
    """(BootLine of the next boot, evidence); without a bootloader configuration
    the next boot is taken to repeat the running command line (direct kernel
    boot does). (None, evidence) when neither is under this root."""
    line = next_boot(host)
    evidence = []
    if line is None:
        line = running(host)
        if line is None:
            return None, ["no bootloader configuration and no /proc/cmdline under this root: "
                          "the next boot's kernel parameters are unknown"]
        evidence.append("no bootloader configuration found: the next boot is taken to pass the "
                        "running command line")
    evidence.append("next boot: %s: %s" % (line.source, line.text))
    evidence.extend(line.notes)
    if line.release is None:
        now = running(host)
        line.release = now.release if now else None
    return line, evidence


def release_version(release):
    """(major, minor) of a kernel release string, or None."""
    match = re.match(r"([0-9]{1,9})\.([0-9]{1,9})", release or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def _grub_entry(host, path, text):
    env_path = posixpath.join(posixpath.dirname(path), "grubenv")
    try:
        config = grub_config.GrubConfig(text, exists=host.exists, directory=posixpath.dirname(path))
        spec, why = config.default_spec(grub_config.parse_grubenv(host.read_text(env_path)))
        entry = config.entry(spec)
    except grub_config.GrubError as exc:
        raise ConfigError(path, "cannot tell which entry GRUB boots: %s" % exc)
    if not entry.linux:
        raise ConfigError(path, "the default entry %r has no linux line" % entry.title)
    kernel = entry.linux[0]
    release = re.sub(r"^.*/vmlinu[xz]-", "", kernel) if re.search(r"/vmlinu[xz]-", kernel) else None
    line = BootLine(grub_config.loader_cmdline(entry.linux), "%s entry %r (%s)" % (path, entry.title, why),
                    release)
    line.notes.extend(_pending_defaults(host, line))
    return line


def _pending_defaults(host, line):
    """Parameters /etc/default/grub(.d) ask for that the entry lacks: they wait
    for update-grub."""
    wanted, sources = grub_defaults(host)
    if wanted is None:
        return []
    have = {"%s=%s" % (k, v) if v is not None else k for k, v in line.params}
    missing = [w for w in wanted if w not in have]
    if not missing:
        return []
    return ["%s ask for %s, which grub.cfg does not pass yet: run update-grub"
            % (", ".join(sources), " ".join(missing))]


def _bls_pending(host, line):
    """What the files that new entries are made from ask for that the booting
    entry lacks (RHEL/Fedora: grub2-mkconfig never reads /etc/default/grub.d;
    GRUB_CMDLINE_LINUX reaches the entries through grubby or `grub2-mkconfig
    --update-bls-cmdline`; kernel-install copies /etc/kernel/cmdline into the
    entry of each new kernel)."""
    notes = []
    dropins = host.list_dir(GRUB_DROPIN_DIR, ".cfg")
    if dropins:
        notes.append("%s/%s: RHEL's and Fedora's grub2-mkconfig do not read %s, so nothing there reaches "
                     "a boot entry" % (GRUB_DROPIN_DIR, ", ".join(dropins), GRUB_DROPIN_DIR))
    have = {"%s=%s" % (k, v) if v is not None else k for k, v in line.params}
    wanted, _sources = grub_defaults(host, dropins=False)
    missing = [w for w in wanted or [] if w not in have]
    if missing:
        notes.append("%s asks for %s, which the boot entry does not pass: `grubby --update-kernel=ALL "
                     "--args=...` writes it into the entries" % (GRUB_DEFAULTS, " ".join(missing)))
    text = host.read_text(KERNEL_CMDLINE)
    if text is not None:
        later = set(text.split())
        lost = [w for w in line.text.split() if w not in later and not w.startswith("BOOT_IMAGE=")]
        if lost:
            notes.append("%s lacks %s: a kernel installed later boots without it" % (KERNEL_CMDLINE, " ".join(lost)))
    return notes


def grub_defaults(host, dropins=True):
    """(words, sources) of GRUB_CMDLINE_LINUX(+_DEFAULT) in /etc/default/grub
    and (dropins: Debian's grub-mkconfig) its .d drop-ins, as grub-mkconfig would
    put them on the linux line; (None, []) when there is no such file.

    grub-mkconfig sources each file with sh, one after the other: read by
    sh_assignments; what it does not evaluate, or a key whose value is unknown
    (made by a command substitution), is an error naming the file and line."""
    grub_files = [GRUB_DEFAULTS] + [GRUB_DROPIN_DIR + "/" + n
                                    for n in (host.list_dir(GRUB_DROPIN_DIR, ".cfg") if dropins else ())]
    assignments = sh_assignments.Assignments()
    sources = []
    for path in grub_files:
        text = host.read_text(path)
        if text is None:
            continue
        sources.append(path)
        try:
            sh_assignments.read(text, assignments, path)
        except sh_assignments.ShError as exc:
            raise ConfigError(path, str(exc))
    if not sources:
        return None, []
    words = []
    for name in GRUB_KEYS:
        try:
            words.extend(assignments.value(name).split())
        except sh_assignments.UnknownValue as exc:
            raise ConfigError(exc.source, "%s is known only when sh runs the file: it comes from %s" % (name, exc))
    return words, sources


def kernel_config(host, release):
    """(the build configuration {CONFIG_X: value} of kernel `release`, its
    path); (None, path or None) when /boot/config-<release> is absent."""
    if not release:
        return None, None
    path = "/boot/config-" + release
    text = host.read_text(path)
    return (kernel_cmdline.parse_kconfig(text) if text is not None else None), path
