# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The boot entry GRUB will boot, read from grub.cfg as GRUB 2.06 (Debian 12)
and 2.12 (Debian 13) run it.

Only what grub-mkconfig writes is understood: `set VAR=value` at the top
level (inside `if`/`else` too), `menuentry` and `submenu` blocks with their
`$menuentry_id_option 'id'`, and each entry's `linux` line. The default entry
is chosen as grub-core/normal/menu.c does: `default` is an entry number, a
title or an id, `>` steps into a submenu, a number out of range or a name
that matches nothing means entry 0; grubenv's `next_entry` (one-time boot) comes before `saved_entry`. Words
are split by GRUB's script lexer rules (single quotes literal, double quotes
expand `$var` and take `\\` escapes); the linux loader passes
`BOOT_IMAGE=<path>` before the arguments. Whatever cannot be decided this way
(an entry chosen by a condition, `blscfg`, a `source`d or `configfile` file
that exists, such as 41_custom's custom.cfg) is reported as unknown, never
guessed; 41_custom's `source` of a custom.cfg that does not exist is nothing.
"""

from __future__ import annotations

import re

from .numbers import SYNTAX, U32_MAX, c_int32, grub_strtoul

_VAR = re.compile(r"\$(?:\{([A-Za-z0-9_?#]+)\}|([A-Za-z_][A-Za-z0-9_]*|[0-9?#]))")


class GrubError(Exception):
    """grub.cfg says something this reader cannot decide."""


class Entry:
    def __init__(self, title, entry_id, conditional):
        self.title = title
        self.id = entry_id
        self.conditional = conditional   # inside an if/for/function: may not exist
        self.linux = None                # [path, args...] of its `linux` command
        self.children = None             # a submenu's entries

    def __repr__(self):
        return "Entry(%r)" % self.title


def split_words(line, variables):
    """GRUB script words of one line (comments dropped, variables expanded)."""
    words = []
    current = []
    started = False
    index = 0
    while index < len(line):
        char = line[index]
        if char in " \t":
            if started:
                words.append("".join(current))
                current, started = [], False
            index += 1
            continue
        if char == "#" and not started:
            break
        if char == ";":
            if started:
                words.append("".join(current))
                current, started = [], False
            words.append(";")
            index += 1
            continue
        started = True
        if char == "\\":
            current.append(line[index + 1:index + 2])
            index += 2
        elif char == "'":
            end = line.find("'", index + 1)
            if end < 0:
                raise GrubError("unterminated single quote")
            current.append(line[index + 1:end])
            index = end + 1
        elif char == '"':
            index += 1
            while index < len(line) and line[index] != '"':
                if line[index] == "\\" and line[index + 1:index + 2] in ('"', "\\", "$"):
                    current.append(line[index + 1])
                    index += 2
                elif line[index] == "$":
                    value, index = _expand(line, index, variables)
                    current.append(value)
                else:
                    current.append(line[index])
                    index += 1
            if index >= len(line):
                raise GrubError("unterminated double quote")
            index += 1
        elif char == "$":
            value, index = _expand(line, index, variables)
            current.append(value)
        else:
            current.append(char)
            index += 1
    if started:
        words.append("".join(current))
    return words


def _expand(line, index, variables):
    match = _VAR.match(line, index)
    if not match:
        return "$", index + 1
    name = match.group(1) or match.group(2)
    if name not in variables:
        raise GrubError("uses ${%s}, which is not set in grub.cfg" % name)
    return variables[name], match.end()


class GrubConfig:
    """The menu of one grub.cfg and the `default` it sets."""

    def __init__(self, text, exists=None, directory="/boot/grub"):
        self._exists = exists or (lambda path: True)
        self._directory = directory
        self.entries = []
        self.defaults = []        # every `set default=` value, in order (raw text)
        self.variables = {}
        self._parse(text)

    def _parse(self, text):
        menus = [self.entries]      # the menu new entries go into
        blocks = []                 # "entry", "submenu", "if", "for", "function"
        current = None
        for number, raw in enumerate(text.splitlines(), 1):
            try:
                words = split_words(raw.strip(), dict(self.variables, menuentry_id_option="--id"))
            except GrubError as exc:
                words = self._unexpanded(raw, exc)
            for command in _commands(words):
                current = self._command(command, number, raw, menus, blocks, current)

    def _command(self, words, number, raw, menus, blocks, current):
        """Take one command into the menu; returns the entry being read (or None)."""
        head = words[0]
        if head in ("menuentry", "submenu"):
            entry = Entry(*self._title_and_id(words), conditional=any(
                b in ("if", "for", "function", "while") for b in blocks))
            menus[-1].append(entry)
            if head == "submenu":
                entry.children = []
                menus.append(entry.children)
                blocks.append("submenu")
                return current
            blocks.append("entry")
            return entry
        if head in ("if", "for", "while", "function"):
            blocks.append(head)
            return current
        if head in ("fi", "done") or (head == "}" and blocks):
            closed = blocks.pop() if blocks else None
            if closed == "submenu":
                menus.pop()
            return None if closed == "entry" else current
        if head in ("blscfg", "configfile", "source", "extract_entries_source") and current is None:
            target = self._sourced_file(words)
            if target is not None and not self._exists(target):
                return current    # 41_custom's `source ${config_directory}/custom.cfg` when there is none
            raise GrubError("line %d: `%s` builds the menu at boot time" % (number, " ".join(words)[:80]))
        if head == "set" and len(words) > 1 and "=" in words[1]:
            name, value = words[1].split("=", 1)
            if current is None:
                if name == "default":
                    self.defaults.append(_raw_assignment(raw))
                if "function" not in blocks:
                    self.variables[name] = value
            return current
        if head in ("linux", "linux16", "linuxefi") and current is not None:
            current.linux = words[1:]
        return current

    def _sourced_file(self, words):
        """The file a `source`/`configfile` line reads, with GRUB's own directory variables."""
        if words[0] not in ("source", "configfile") or len(words) < 2:
            return None
        target = words[1]
        for name in ("${config_directory}", "$config_directory", "${prefix}", "$prefix"):
            target = target.replace(name, self._directory)
        return None if "$" in target else target

    @staticmethod
    def _unexpanded(raw, exc):
        """The words of a line that uses a variable grub.cfg does not set (a
        runtime one such as $grub_platform), `;` still a separator."""
        words = []
        for word in raw.strip().split():
            for position, part in enumerate(word.split(";")):
                if position:
                    words.append(";")
                if part:
                    words.append(part)
        if any(command[0] in ("linux", "linux16", "linuxefi") for command in _commands(words)):
            raise GrubError("its linux line %s" % exc)
        return words

    @staticmethod
    def _title_and_id(words):
        args = [w for w in words[1:] if w not in ("{", ";")]
        entry_id = None
        title = None
        skip = False
        for position, word in enumerate(args):
            if skip:
                skip = False
                continue
            if word == "--id":
                entry_id = args[position + 1] if position + 1 < len(args) else None
                skip = True
            elif word in ("--class", "--users", "--hotkey", "--source"):
                skip = True
            elif word.startswith("--"):
                continue
            elif title is None:
                title = word
        return title or "", entry_id

    def default_spec(self, grubenv):
        """The value of `default` when GRUB builds its menu."""
        env = grubenv or {}
        if env.get("next_entry"):
            return env["next_entry"], "grubenv next_entry (one-time boot)"
        plain = [d for d in self.defaults if "next_entry" not in d]
        if not plain:
            return "0", "no `set default` in grub.cfg"
        value = plain[-1]
        if "saved_entry" in value:
            return env.get("saved_entry", "0") or "0", "grubenv saved_entry"
        if "$" in value:
            raise GrubError("`set default=%s` depends on a variable" % value)
        return value, "set default=%s" % value

    def entry(self, spec):
        """The entry GRUB boots for a `default` value."""
        menu = self.entries
        parts = spec.split(">")
        chosen = None
        for depth, part in enumerate(parts):
            chosen = _pick(menu, part)
            if chosen.children is not None:
                menu = chosen.children
                if depth == len(parts) - 1:
                    chosen = _pick(menu, "0")
            elif depth != len(parts) - 1:
                raise GrubError("default %r goes past an entry that is not a submenu" % spec)
        return chosen


def _commands(words):
    """The commands of one line: split at `;`, without the `then`/`else`/`do` that starts one."""
    commands, command = [], []
    for word in words + [";"]:
        if word != ";":
            command.append(word)
            continue
        while command and command[0] in ("then", "else", "do", "elif"):
            command = command[1:]
        if command:
            commands.append(command)
        command = []
    return commands


def _pick(menu, part):
    if not menu:
        raise GrubError("the menu is empty")
    # get_entry_number(): (int) grub_strtoul(val, 0, 0) reads the longest number at the start (numbers.py:
    # base 0, what follows ignored); only when it finds no digit at all ("0x" alone included) is the value a
    # title or an id; an overflow is -1. `long` is 64 bits on x86_64-efi and 32 on i386-pc (BIOS), so a
    # value past 2^32-1 is truncated by the (int) cast on one and an overflow on the other.
    number = grub_strtoul(part)
    index = None
    if number.error is None:
        index = c_int32(number.value)
        if number.value > U32_MAX and _entry_or_first(index, menu) != 0:
            raise GrubError("default %r: x86_64-efi GRUB boots entry %d ((int) of the number), i386-pc GRUB "
                            "entry 0 (past its 32-bit long); which GRUB this is is not known from grub.cfg"
                            % (part[:40], index))
    elif number.error == SYNTAX:
        for position, item in enumerate(menu):
            if part in (item.title, item.id):
                index = position
                break
    index = _entry_or_first(index, menu)   # menu.c: a default that names nothing, or is out of range: entry 0
    if any(item.conditional for item in menu[:index + 1]):
        raise GrubError("entry %d of the menu depends on a condition evaluated at boot" % index)
    return menu[index]


def _entry_or_first(index, menu):
    return 0 if index is None or not 0 <= index < len(menu) else index


def _raw_assignment(raw):
    value = raw.strip()[len("set"):].strip()
    return value.split("=", 1)[1].strip().strip('"').strip("'")


def parse_grubenv(text):
    """{name: value} of a GRUB environment block (grubenv)."""
    values = {}
    for line in (text or "").splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        values[name] = value.replace("\\n", "\n").replace("\\\\", "\\")
    return values


def loader_cmdline(linux_words):
    """The command line GRUB's linux loader gives the kernel: BOOT_IMAGE=path,
    then the arguments; one with a space is quoted (lib/cmdline.c)."""
    if not linux_words:
        return None
    args = ["BOOT_IMAGE=" + linux_words[0]]
    for word in linux_words[1:]:
        escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
        args.append('"%s"' % escaped if (" " in word or "\t" in word) else escaped)
    return " ".join(args)
