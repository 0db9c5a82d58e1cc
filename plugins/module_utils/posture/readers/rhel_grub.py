# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel command line RHEL's and Fedora's GRUB will boot next, read from
a grub.cfg that builds its menu with `blscfg` (every RHEL 8/9/10 and Fedora
host made by grub2-mkconfig with GRUB_ENABLE_BLSCFG=true).

Mirrors the rhboot/grub2 fork, tag rhel-9.4.0 (RHEL 9.0-9.4 and Fedora 40;
line numbers of that tag), with rhel-9-main/rhel-10-main (RHEL 9.6+, 10) and
rhel-8-main (RHEL 8) where they differ (see bls.py):

1. Which grub.cfg runs: with BIOS /boot/grub2/grub.cfg (prefix /boot/grub2);
   with UEFI the one beside grubx64.efi in /boot/efi/EFI/<vendor>/, which on
   RHEL 9+ and Fedora is a stub (`search --fs-uuid --set=dev`, `set
   prefix=($dev)/grub2`, `configfile $prefix/grub.cfg`) that this reader
   follows to /boot/grub2/grub.cfg (normal/main.c 150-199: configfile runs it
   with config_directory set to its directory). The firmware is read from
   /sys/firmware/efi; when the tree does not say, both are tried, and a
   different answer is an error.
2. The top level of that grub.cfg is run as GRUB's script engine runs it
   (script/yylex.l words and quoting, script/execute.c: an unquoted
   variable's value split into words, an unset one nothing, `name=value`
   commands; kern/corecmd.c `set`; commands/test.c `[` with -a/-o/!; a
   grubenv loaded by `load_env`, read by grubenv.py), so that `if` blocks
   decide -- 00_header's next_entry/saved_entry, 08_fallback_counting's `set
   default=1` when boot_counter ran out, 10_linux's kernelopts fallback -- as
   they do at boot. What depends on something only known at boot (an unknown
   variable in a condition that sets a variable later used, a command this
   reader does not model, a sourced file other than 01_users' user.cfg with
   its password line) is an error, never a guess.
3. `blscfg` adds the BLS entries there (bls.py), their options expanded from
   the variables set so far (RHEL 8: grubenv's kernelopts; RHEL 9: literal
   options plus $tuned_params).
4. The entry that boots: `default` as RHEL's normal/menu.c reads it
   (get_entry_number() 554-569 with get_entry_number_helper() 195-246 and
   menuentry_eq() 167-192): first an entry id (the part of the value before
   any blank; a value with more after it boots entry 0), then a title, then a
   number read by grub_strtoul() (kern/misc.c 437-512: base 0, `0x` hex,
   `0` then 0-7 octal, truncated to an int) that must use the whole value;
   anything else, or out of range, boots entry 0 (run_menu() 609-623).
   Upstream 2.06 (Debian) tries the number first: grub_config.py.
5. Its `linux` line is lexed as the entry's script is at boot and turned into
   the kernel's command line by RHEL's lib/cmdline.c
   (grub_create_loader_cmdline(): `BOOT_IMAGE=<path>`, `\\`, `'` and `"`
   escaped except `\\xHH`, a word with a space quoted; a line longer than
   x86's 2048-byte COMMAND_LINE_SIZE loses words, which is an error here).
   BOOT_IMAGE's device is the `set root=` hint of 10_linux (the real one is
   found at boot by `search`); no verdict reads it.

Tests: tests/unit/readers/bls/test_rhel_grub.py (the cases of
/work/notes/bls/notes.md section 8, from the source) and hostile_cases.py;
the BLS part is also checked against bootctl (test_bls_consumer.py).
"""

from __future__ import annotations

import posixpath
import re

from . import bls
from .grub_script import FEATURES, GrubScriptError, Run, Unknown, Word, parse, tokens
from .hostfs import ConfigError
from .numbers import SYNTAX, c_int32, grub_strtoul, plain_decimal

BIOS_CFG = "/boot/grub2/grub.cfg"
OS_RELEASE = "/etc/os-release"
ESP_EFI = "/boot/efi/EFI"
KERNEL_CMDLINE_MAX = 2048      # x86 COMMAND_LINE_SIZE, the kernel's cmdline_size + 1
# commands/wildcard.c isregexop(): a word starting with / ( or * that holds one of these may be
# replaced by the names of the files it matches (kept as it is when none does).
WILDCARD_OPS = "*.\\|+{}[]?"
_STUB = re.compile(r"\A\s*search\s+--no-floppy\s+--fs-uuid\s+--set=dev\s+(?P<uuid>\S+)\s*\n"
                   r"\s*set\s+prefix=\(\$dev\)(?P<dir>/grub2|/boot/grub2)\s*\n"
                   r"\s*export\s+\$prefix\s*\n"
                   r"\s*configfile\s+\$prefix/grub\.cfg\s*\Z")


def uses_blscfg(host):
    """The grub.cfg files under the root that call `blscfg` (empty: not a BLS GRUB host)."""
    found = []
    for path in [BIOS_CFG] + esp_configs(host):
        data = host.read_bytes(path)
        if data is not None and re.search(rb"(?m)^[ \t]*blscfg[ \t]*$", data):
            found.append(path)
    if found:
        for path in esp_configs(host):     # RHEL 9+/Fedora ESP stubs lead to /boot/grub2/grub.cfg
            if path not in found and _stub(host, path):
                found.append(path)
    return found


def esp_configs(host):
    """/boot/efi/EFI/<vendor>/grub.cfg files (the one grubx64.efi reads lies beside it)."""
    return [posixpath.join(ESP_EFI, vendor, "grub.cfg") for vendor in host.list_subdirs(ESP_EFI)
            if host.exists(posixpath.join(ESP_EFI, vendor, "grub.cfg"))]


def _stub(host, path):
    data = host.read_bytes(path)
    text = data.decode("utf-8", "replace") if data is not None else ""
    return _STUB.match(text)


# ---------------------------------------------------------------- the entry that boots (normal/menu.c)

_GRUB_SPACE = "\n\r \t"       # kern/misc.c grub_isspace()


def menuentry_eq(entry_id, spec, limit):
    """menu.c menuentry_eq(): nonzero (truthy) when `spec` names `entry_id`."""
    one, two = entry_id + "\0", spec + "\0"
    i = j = 0
    while limit == -1 or i <= limit:
        if two[j] == ">" and two[j + 1] != ">" and one[i] == "\0":
            return j
        if two[j] == ">" and two[j + 1] != ">":
            return 0
        if two[j] == ">":
            j += 1
        if one[i] != two[j]:
            if limit > -1 and i == limit and one[i] == "\0" and two[j] in _GRUB_SPACE:
                return i - 1
            return 0
        if one[i] == "\0":
            return i
        i, j = i + 1, j + 1
    return 0


def entry_number(menu, value, long_bits=64):
    """get_entry_number() of RHEL's menu.c for `default` = value: an index, or -1.
    `long_bits`: the width of GRUB's `long`, 64 on x86_64-efi and 32 on i386-pc
    (BIOS), where a number past 2^32-1 is an overflow (~0UL, so -1), not (int)-truncated."""
    if value is None:
        return -1
    limit = 0
    while limit < len(value) and value[limit] not in _GRUB_SPACE:
        limit += 1
    for index, entry in enumerate(menu):
        if menuentry_eq(entry.id, value, limit):
            return index if limit == len(value) else -1     # a tail after the id: -1
    for index, entry in enumerate(menu):
        if menuentry_eq(entry.title, value, -1):
            return index
    number = grub_strtoul(value, long_bits=long_bits)
    if number.error == SYNTAX or number.end != len(value):
        return -1
    return c_int32(number.value)      # (int) grub_strtoul(...); an overflow is ~0: -1


def chosen_entry(menu, default, long_bits):
    """(index, MenuEntry) run_menu() boots for `default` (long_bits: see entry_number)."""
    if not menu:
        raise GrubScriptError("the menu is empty: GRUB stops at its prompt")
    index = entry_number(menu, default, long_bits)
    if index < 0 or index >= len(menu):
        index = 0
    return index, menu[index]


# ---------------------------------------------------------------- its linux line (lib/cmdline.c)

def loader_cmdline(words):
    """grub_create_loader_cmdline() of RHEL's lib/cmdline.c, BOOT_IMAGE= first."""
    out = []
    for word in ["BOOT_IMAGE=" + words[0]] + words[1:]:
        escaped = re.sub(r"""(\\x[0-9A-Fa-f]{2})|([\\'"])""",
                         lambda m: m.group(1) or "\\" + m.group(2), word)
        out.append('"%s"' % escaped if " " in word else escaped)
    return " ".join(out)


def linux_words(run, entry):
    """The `linux` command's arguments when the entry runs (its script lexed and
    expanded with the variables grub.cfg left)."""
    if entry.bls_file is not None:
        script = "linux ($root)%s%s" % (entry.bls_file.first("linux"),
                                        " " + entry.options if entry.options else "")
        where = entry.bls_file.path
        toks = tokens(script)
    else:
        where = "%s menu entry %r" % (run.world.config, entry.title)
        toks = entry.linux or []
    commands, current = [], []
    for token, _line in toks + [("\n", 0)]:
        if isinstance(token, Word):
            current.append(token)
        elif token in ("\n", ";"):
            if current:
                commands.append(current)
            current = []
        else:
            raise ConfigError(where, "its linux line holds `%s`, a token GRUB's parser does not take there" % token)
    for command in commands:
        try:
            args = run.argv(command)
        except GrubScriptError as exc:
            raise ConfigError(where, str(exc))
        if args and args[0] in ("linux", "linuxefi", "linux16"):
            unknown = [a for a in args if isinstance(a, Unknown)]
            if unknown:
                raise ConfigError(where, "its linux line uses a value %s" % unknown[0].why)
            if len(args) < 2:
                raise ConfigError(where, "its linux line names no kernel")
            for arg in args[2:]:
                if arg[:1] in "/(*" and any(c in arg for c in WILDCARD_OPS):
                    raise ConfigError(where, "its option %r is a pattern GRUB's wildcard module may expand "
                                             "into file names (commands/wildcard.c)" % arg)
            return args[1:], where
    raise ConfigError(where, "the entry has no linux line: it boots no Linux kernel")


# ---------------------------------------------------------------- which grub.cfg, and the verdict

class World:
    """What GRUB knows at boot and the reader must assume: the firmware, and so
    which grub.cfg runs with which prefix."""

    def __init__(self, platform, config, prefix, via=None):
        self.platform = platform
        self.config = config
        self.prefix = prefix
        self.via = via                # the ESP stub that led here

    def start_env(self):
        env = {name: "y" for name in FEATURES}
        env.update(grub_platform=self.platform, grub_cpu="x86_64" if self.platform == "efi" else "i386",
                   prefix=self.prefix, config_directory=posixpath.dirname(self.config),
                   config_file=self.config, color_normal="light-gray/black", color_highlight="black/light-gray")
        return env

    @property
    def long_bits(self):
        """The width of C's `long` in this GRUB: i386-pc 32, x86_64-efi 64."""
        return 64 if self.platform == "efi" else 32

    def describe(self):
        return "%s (%s%s)" % (self.config, "UEFI" if self.platform == "efi" else "BIOS",
                              ", via " + self.via if self.via else "")


def worlds(host):
    """[World] the host may boot in; ConfigError when the UEFI grub.cfg is ambiguous."""
    if host.exists("/sys/firmware/efi"):
        platforms = ("efi",)
    elif host.is_live or host.exists("/sys/firmware"):
        platforms = ("pc",)
    else:
        platforms = ("pc", "efi")
    found = []
    if "pc" in platforms and host.exists(BIOS_CFG):
        found.append(World("pc", BIOS_CFG, posixpath.dirname(BIOS_CFG)))
    if "efi" in platforms:
        configs = esp_configs(host)
        if len(configs) > 1:
            raise ConfigError(ESP_EFI, "holds %s: which one grubx64.efi reads depends on the UEFI boot entry"
                              % ", ".join(configs))
        for config in configs:
            stub = _stub(host, config)
            if stub:
                target = "/boot" + stub.group("dir") if stub.group("dir") == "/grub2" else stub.group("dir")
                found.append(World("efi", posixpath.join(target, "grub.cfg"), target, via=config))
            else:
                found.append(World("efi", config, posixpath.dirname(config)))
    return found


NEWEST_RHEL, NEWEST_FEDORA = 10, 44      # rhboot/grub2 rhel-10-main, fedora-44: the newest read


def flavours(host):
    """(the blscfg builds that may be installed, what /etc/os-release says);
    ConfigError for a release newer than the branches this reader mirrors
    (fedora-45 and later add UKI entries, as rhel-10-main does)."""
    text = host.read_text(OS_RELEASE) or ""
    fields = dict(re.findall(r'(?m)^([A-Z_]+)="?([^"\n]*)"?$', text))
    major = fields.get("VERSION_ID", "").split(".")[0]
    family = " ".join((fields.get("ID", ""), fields.get("ID_LIKE", "")))
    release = "%s %s" % (fields.get("ID"), fields.get("VERSION_ID"))
    limit = NEWEST_FEDORA if fields.get("ID") == "fedora" else NEWEST_RHEL
    if re.search(r"\b(rhel|centos|fedora)\b", family) and plain_decimal(major, limit) is None:
        raise ConfigError(OS_RELEASE, "%s is newer than the GRUB builds this reader mirrors (RHEL %d, Fedora %d): "
                                      "its blscfg may read the entries otherwise" % (release, NEWEST_RHEL,
                                                                                     NEWEST_FEDORA))
    if major == "8" and fields.get("ID") != "fedora":
        return (bls.RHEL8,), "RHEL 8 (%s)" % release
    if fields.get("ID") == "fedora" or major in ("9", "10"):
        return (bls.RHEL9, bls.RHEL9_ESCAPE), "RHEL 9/10 or Fedora (%s)" % release
    return bls.FLAVOURS, "an unknown release (/etc/os-release says %r)" % fields.get("PRETTY_NAME", "")


def evaluate(host, world, flavour):
    """bls.BootAnswer for one assumed world and blscfg build; ConfigError when it cannot be told."""
    data = host.read_bytes(world.config)
    if data is None:
        raise ConfigError(world.config, "does not exist (it is the grub.cfg GRUB reads: %s)" % world.describe())
    text = "\n".join(line.split("\x00", 1)[0] for line in
                     data.decode("utf-8", "surrogateescape").replace("\r", "").split("\n"))
    run = Run(host, flavour, world, world.start_env())
    try:
        run.run(parse(text))
        index, entry = chosen_entry(run.menu, _plain(run.value("default"), world.config), world.long_bits)
    except GrubScriptError as exc:
        raise ConfigError(world.config, "cannot tell which entry GRUB boots: %s" % exc)
    words, where = linux_words(run, entry)
    line = loader_cmdline(words)
    if len(line.encode("utf-8", "surrogateescape")) >= KERNEL_CMDLINE_MAX:
        raise ConfigError(where, "the command line is %d bytes: GRUB drops the words past the kernel's "
                                 "2048-byte limit" % len(line))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(where, "the command line holds bytes that are not UTF-8")
    why = _default_why(run, index)
    match = re.search(r"/vmlinu[xz]-([^/]+)$", words[0])
    notes = run.notes + ["GRUB menu entry %d of %d: %s" % (index, len(run.menu), why)]
    return bls.BootAnswer(line, "%s -> %s" % (world.describe(), where), match.group(1) if match else None, notes)


def _plain(value, config):
    if isinstance(value, Unknown):
        raise GrubScriptError("`default` is %s" % value.why)
    return value


def _default_why(run, index):
    default = run.env.get("default")
    if default is None or default == "":
        return "`default` is empty: the first entry (the newest kernel)"
    if run.env.get("boot_once") == "true":
        return "default=%r from grubenv next_entry (a one-time boot)" % default
    return "default=%r" % default


def next_boot(host):
    """(text, source, release, notes) of the command line GRUB boots next on a
    BLS host; None when no grub.cfg under the root calls blscfg. ConfigError
    naming the file when it cannot be known."""
    if not uses_blscfg(host):
        return None
    candidates = worlds(host)
    if not candidates:
        raise ConfigError(BIOS_CFG, "no grub.cfg GRUB would read on this firmware")
    builds, release = flavours(host)
    answers = []
    for world in candidates:
        for flavour in builds:
            answers.append((world, flavour, evaluate(host, world, flavour)))
    first = answers[0][2]
    for world, flavour, answer in answers[1:]:
        if answer.text != first.text:
            raise ConfigError(world.config, "the next boot's command line depends on %s: %r (%s, %s) or %r (%s, %s)"
                              % ("the firmware" if world is not answers[0][0] else "the GRUB build",
                                 first.text, answers[0][0].describe(), answers[0][1], answer.text,
                                 world.describe(), flavour))
    notes = list(first.notes)
    if len(candidates) > 1:
        notes.append("the tree does not say whether the host boots with BIOS or UEFI: both give this line")
    notes.append("blscfg read as %s builds it" % release)
    return bls.BootAnswer(first.text, first.source, first.release, notes)
