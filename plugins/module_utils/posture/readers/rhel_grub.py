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

from . import bls, grubenv
from .hostfs import ConfigError

BIOS_CFG = "/boot/grub2/grub.cfg"
OS_RELEASE = "/etc/os-release"
ESP_EFI = "/boot/efi/EFI"
KERNEL_CMDLINE_MAX = 2048      # x86 COMMAND_LINE_SIZE, the kernel's cmdline_size + 1
# normal/main.c 609-672: what GRUB sets before it runs grub.cfg.
FEATURES = ("feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
            "feature_default_font_path", "feature_all_video_module", "feature_menuentry_id",
            "feature_menuentry_options", "feature_200_final", "feature_nativedisk_cmd", "feature_timeout_style")
# Set by GRUB at boot from the machine (secure boot, the network, the boot path): unknown here.
RUNTIME_NAMES = ("cmdpath", "lockdown", "shim_lock", "check_signatures", "net_", "pxe_", "btrfs_")
# Commands grub2-mkconfig writes at the top level that change nothing this reader computes.
NO_EFFECT = frozenset(("insmod", "terminal_output", "terminal_input", "terminal", "serial", "echo", "loadfont",
                       "font", "save_env", "password_pbkdf2", "password", "background_image",
                       "background_color", "export", "true", "[", "test", "sleep", "clear", "gettext"))
# commands/wildcard.c isregexop(): a word starting with / ( or * that holds one of these may be
# replaced by the names of the files it matches (kept as it is when none does).
WILDCARD_OPS = "*.\\|+{}[]?"
_RESERVED = frozenset(("if", "then", "elif", "else", "fi", "for", "do", "done", "while", "until", "function",
                       "case", "esac", "in", "select"))
_STUB = re.compile(r"\A\s*search\s+--no-floppy\s+--fs-uuid\s+--set=dev\s+(?P<uuid>\S+)\s*\n"
                   r"\s*set\s+prefix=\(\$dev\)(?P<dir>/grub2|/boot/grub2)\s*\n"
                   r"\s*export\s+\$prefix\s*\n"
                   r"\s*configfile\s+\$prefix/grub\.cfg\s*\Z")


class Unknown:
    """A value GRUB only knows at boot."""

    def __init__(self, why):
        self.why = why

    def __repr__(self):
        return "Unknown(%s)" % self.why


class GrubScriptError(Exception):
    """What the boot entry is cannot be told from the files (a ConfigError once the file is known)."""


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


# ---------------------------------------------------------------- the lexer (script/yylex.l)

class Word:
    """One shell word: parts ("text"|"sq"|"dq"|"var"|"dqvar", str)."""

    def __init__(self, parts, line):
        self.parts = parts
        self.line = line

    def literal(self):
        """The word's text when it has no variable, else None."""
        if any(kind in ("var", "dqvar") for kind, _ in self.parts):
            return None
        return "".join(text for _, text in self.parts)

    def reserved(self):
        return self.parts[0][1] if len(self.parts) == 1 and self.parts[0][0] == "text" and \
            self.parts[0][1] in _RESERVED else None


_OPERATORS = ("||", "&&", ";;", "[[", "]]", "|", "&", ";", "<", ">", "{", "}", "\n")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#*@]")


def tokens(text, first_line=1):
    """[(token, line)]: a Word, or one of _OPERATORS; GrubScriptError for what
    GRUB's lexer refuses (a lone `$`, an unterminated quote, `$"..."`)."""
    out = []
    position, line = 0, first_line
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t":
            position += 1
        elif char == "#":
            position = text.find("\n", position)
            position = length if position < 0 else position
        elif char == "\\" and text[position + 1:position + 2] == "\n":
            position, line = position + 2, line + 1
        elif text.startswith(("||", "&&", ";;", "[[", "]]"), position) and _ends_word(text, position + 2):
            out.append((text[position:position + 2], line))
            position += 2
        elif char in "|&;<>{}\n":
            out.append((char, line))
            position += 1
            line += char == "\n"
        else:
            word, position, line = _word(text, position, line)
            out.append((word, word.line))
    return out


def _ends_word(text, position):
    return position >= len(text) or text[position] in " \t\n;|&<>{}"


def _word(text, position, line):
    parts = []
    start_line = line
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t\n|&;<>{}":
            break
        if char == "\\":
            following = text[position + 1:position + 2]
            if following == "\n":
                position, line = position + 2, line + 1
            elif re.match(r"x[0-9A-Fa-f]{2}", text[position + 1:position + 4]):
                parts.append(("text", text[position:position + 4]))     # wildcard_unescape keeps \xHH
                position += 4
            else:
                parts.append(("text", following))
                position += 2
        elif char == "'":
            end = text.find("'", position + 1)
            if end < 0:
                raise GrubScriptError("line %d: unterminated single quote" % start_line)
            parts.append(("sq", text[position + 1:end]))
            line += text.count("\n", position, end)
            position = end + 1
        elif char == '"':
            position, line = _double_quoted(text, position + 1, line, parts, start_line)
        elif char == "$":
            if text[position + 1:position + 2] == '"':
                raise GrubScriptError("line %d: a $\"...\" translated string" % line)
            name, position = _variable(text, position + 1, line)
            parts.append(("var", name))
        else:
            run = re.match(r"[^ \t\n|&;<>{}\\'\"$]+", text[position:]).group(0)
            parts.append(("text", run))
            position += len(run)
    return Word(parts, start_line), position, line


def _double_quoted(text, position, line, parts, start_line):
    chunk = []
    parts.append(("dq", ""))           # a quoted word always makes an argument, even an empty one
    while True:
        if position >= len(text):
            raise GrubScriptError("line %d: unterminated double quote" % start_line)
        char = text[position]
        if char == '"':
            parts.append(("dq", "".join(chunk)))
            return position + 1, line
        if char == "\\" and text[position + 1:position + 2] in ("$", "\\", '"'):
            chunk.append(text[position + 1])
            position += 2
        elif char == "\\" and text[position + 1:position + 2] == "\n":
            position, line = position + 2, line + 1
        elif char == "$":
            parts.append(("dq", "".join(chunk)))
            chunk = []
            name, position = _variable(text, position + 1, line)
            parts.append(("dqvar", name))
        else:
            chunk.append(char)
            line += char == "\n"
            position += 1


def _variable(text, position, line):
    if text[position:position + 1] == "{":
        end = text.find("}", position)
        name = text[position + 1:end] if end > 0 else ""
        if not _NAME.fullmatch(name):
            raise GrubScriptError("line %d: a ${...} GRUB's lexer refuses" % line)
        return name, end + 1
    match = _NAME.match(text, position)
    if not match:
        raise GrubScriptError("line %d: a `$` not followed by a variable name (GRUB: syntax error)" % line)
    return match.group(0), match.end()


# ---------------------------------------------------------------- the parser

class Command:
    def __init__(self, words, block=None):
        self.words = words
        self.block = block            # the source tokens of a `{ ... }` argument (menuentry, submenu)
        self.line = words[0].line


class If:
    def __init__(self, branches, otherwise, line):
        self.branches = branches      # [(condition commands, body)]
        self.otherwise = otherwise    # body or None
        self.line = line


class Function:
    def __init__(self, name, body, line):
        self.name = name
        self.body = body
        self.line = line


class _Parser:
    def __init__(self, toks):
        self.toks = toks
        self.at = 0

    def peek(self):
        return self.toks[self.at][0] if self.at < len(self.toks) else None

    def line(self):
        return self.toks[min(self.at, len(self.toks) - 1)][1] if self.toks else 0

    def take(self):
        token = self.peek()
        self.at += 1
        return token

    def keyword(self):
        token = self.peek()
        return token.reserved() if isinstance(token, Word) else None

    def commands(self, stop=()):
        """Commands until one of the reserved words in `stop` (or the end)."""
        out = []
        while self.peek() is not None:
            token = self.peek()
            if token in ("\n", ";"):
                self.take()
                continue
            word = self.keyword()
            if word in stop:
                return out
            if word == "if":
                out.append(self.if_block())
            elif word == "function":
                out.append(self.function())
            elif word is not None:
                raise GrubScriptError("line %d: `%s` (loops and case are not written by grub2-mkconfig)"
                                      % (self.line(), word))
            elif isinstance(token, Word):
                out.append(self.command())
            else:
                raise GrubScriptError("line %d: `%s` where a command starts" % (self.line(), token.strip()))
        if stop:
            raise GrubScriptError("line %d: missing %s" % (self.line(), "/".join(stop)))
        return out

    def command(self):
        words = []
        while isinstance(self.peek(), Word) and not (words and self.keyword() in ("then", "do")):
            words.append(self.take())
        block = None
        if self.peek() == "{":
            block = self.block()
        if self.peek() not in (None, "\n", ";"):
            raise GrubScriptError("line %d: `%s` after a command (pipes and redirections are not GRUB's)"
                                  % (self.line(), self.peek()))
        return Command(words, block)

    def block(self):
        start = self.at
        self.take()
        depth = 1
        while depth:
            token = self.take()
            if token is None:
                raise GrubScriptError("line %d: a `{` block is never closed" % self.toks[start][1])
            depth += {"{": 1, "}": -1}.get(token if isinstance(token, str) else None, 0)
        return self.toks[start + 1:self.at - 1]

    def if_block(self):
        line = self.line()
        self.take()
        branches = []
        while True:
            condition = self.commands(stop=("then",))
            self.take()
            body = self.commands(stop=("elif", "else", "fi"))
            branches.append((condition, body))
            word = self.keyword()
            self.take()
            if word == "elif":
                continue
            otherwise = None
            if word == "else":
                otherwise = self.commands(stop=("fi",))
                self.take()
            return If(branches, otherwise, line)

    def function(self):
        line = self.line()
        self.take()
        name = self.take()
        if not isinstance(name, Word) or name.literal() is None or self.peek() != "{":
            raise GrubScriptError("line %d: a function definition GRUB's parser refuses" % line)
        body = _Parser(self.block()).commands()
        return Function(name.literal(), body, line)


def parse(text):
    return _Parser(tokens(text)).commands()


# ---------------------------------------------------------------- running the top level

class MenuEntry:
    def __init__(self, title, entry_id, source, bls_file=None, options=None, linux=None):
        self.title = title
        self.id = entry_id
        self.source = source          # where it was defined (grub.cfg line, or the BLS file)
        self.bls_file = bls_file
        self.options = options        # expanded options (BLS)
        self.linux = linux            # the `linux` line's source tokens (a grub.cfg menuentry)


class Run:
    """One run of grub.cfg's top level: the variables and the menu it leaves."""

    def __init__(self, host, flavour, world, env):
        self.host = host
        self.flavour = flavour
        self.world = world
        self.env = env
        self.functions = {}
        self.menu = []
        self.notes = []
        self.blscfg_runs = 0

    # -- values
    def value(self, name):
        if name in self.env:
            return self.env[name]
        if name.startswith(RUNTIME_NAMES) or name in RUNTIME_NAMES:
            return Unknown("$%s is set by GRUB at boot" % name)
        return None

    def argv(self, words):
        """execute.c grub_script_arglist_to_argv(): the arguments of `words`; an
        Unknown argument where a value depends on the boot."""
        out = []
        for word in words:
            pieces = [None]         # None: no argument yet (an unquoted empty variable makes none)
            for kind, text in word.parts:
                if kind in ("var", "dqvar"):
                    found = self.value(text)
                    if isinstance(found, Unknown):
                        pieces = [found]
                        break
                    if not found:
                        continue
                    if kind == "dqvar":
                        pieces[-1] = (pieces[-1] or "") + found
                        continue
                    split = found.split()       # an unquoted value is split into words
                    leading, trailing = found[:1].isspace(), found[-1:].isspace()
                    if leading and pieces[-1] is not None:
                        pieces.append(None)
                    for index, piece in enumerate(split):
                        if index:
                            pieces.append(None)
                        pieces[-1] = (pieces[-1] or "") + piece
                    if trailing:
                        pieces.append(None)
                else:
                    pieces[-1] = (pieces[-1] or "") + text
            out.extend(p for p in pieces if p is not None)
        return out

    # -- commands
    def run(self, commands):
        for command in commands:
            self.execute(command)

    def execute(self, node):
        if isinstance(node, Function):
            self.functions[node.name] = node.body
            return None
        if isinstance(node, If):
            return self.run_if(node)
        return self.command(node)

    def run_if(self, node):
        for condition, body in node.branches:
            decided = self.condition(condition)
            if decided is None:
                return self.undecided(node)
            if decided:
                self.run(body)
                return True
        if node.otherwise:
            self.run(node.otherwise)
        return True

    def condition(self, commands):
        status = True
        for command in commands:
            status = self.execute(command)
        return status

    def undecided(self, node):
        """An `if` GRUB decides only at boot: fine when no branch changes anything
        read later; variables set differently become Unknown; entries or loaded
        files in a branch make the menu unknowable."""
        outcomes = []
        bodies = [body for _, body in node.branches] + [node.otherwise or []]
        for body in bodies:
            trial = Run(self.host, self.flavour, self.world, dict(self.env))
            trial.functions = dict(self.functions)
            trial.run(body)
            if trial.menu or trial.blscfg_runs:
                raise GrubScriptError("line %d: menu entries are added under a condition GRUB evaluates only "
                                      "at boot" % node.line)
            outcomes.append(trial.env)
        for name in set().union(*outcomes):
            values = [env.get(name) for env in outcomes]
            if any(v is not values[0] and v != values[0] for v in values):
                self.env[name] = Unknown("set under the condition of line %d, which GRUB decides at boot"
                                         % node.line)
            else:
                self.env[name] = values[0]
        return None

    def command(self, node):
        args = self.argv(node.words)
        if not args:
            return True
        name = args[0]
        if isinstance(name, Unknown):
            raise GrubScriptError("line %d: the command name is %s" % (node.line, name.why))
        handler = getattr(self, "cmd_" + name.replace("[", "test"), None) if name.isidentifier() or \
            name == "[" else None
        if node.block is not None:
            if name not in ("menuentry", "submenu"):
                raise GrubScriptError("line %d: `%s` with a { } block" % (node.line, name))
            return self.add_menuentry(node, args)
        if handler is not None:
            return handler(node, args[1:])
        if name in self.functions:
            self.run(self.functions[name])
            return True
        if name in NO_EFFECT:
            return True
        if "=" in name:
            variable, value = name.split("=", 1)
            self.env[variable] = value
            return True
        raise GrubScriptError("line %d: runs `%s`, which this reader does not model" % (node.line, name))

    def cmd_set(self, node, args):
        if args and not isinstance(args[0], Unknown) and "=" in args[0]:
            variable, value = args[0].split("=", 1)
            self.env[variable] = value
        elif args:
            self._unknown_set(node, args[0])
        return True

    def _unknown_set(self, node, arg):
        if isinstance(arg, Unknown):
            raise GrubScriptError("line %d: `set` of a value only known at boot (%s)" % (node.line, arg.why))

    def cmd_unset(self, node, args):
        for name in args:
            if isinstance(name, str):
                self.env.pop(name, None)
        return True

    def cmd_test(self, node, args):
        if args and args[-1] == "]" and node.words[0].literal() == "[":
            args = args[:-1]
        return _test(args, self.host)

    def cmd_false(self, node, args):
        return False

    def cmd_increment(self, node, args):
        return self._count(args, 1)

    def cmd_decrement(self, node, args):
        return self._count(args, -1)

    def _count(self, args, step):
        for name in args[:1]:
            found = self.value(name)
            self.env[name] = str(int(found) + step) if isinstance(found, str) and re.fullmatch(r"-?\d+", found) \
                else Unknown("incremented from %r" % (found,))
        return True

    def cmd_search(self, node, args):
        target = None
        for index, arg in enumerate(args):
            if isinstance(arg, str) and arg.startswith("--set="):
                target = arg[len("--set="):]
            elif arg in ("--set", "-s") and index + 1 < len(args):
                target = args[index + 1]
        if target and target != "root":
            self.env[target] = Unknown("the device `search` finds at boot")
        # root keeps 10_linux's `set root=` hint: the file system holding /boot (BOOT_IMAGE's device only)
        return True

    def cmd_load_env(self, node, args):
        path, names, skip = None, [], False
        while args:
            arg = args.pop(0)
            if isinstance(arg, Unknown):
                raise GrubScriptError("line %d: load_env of %s" % (node.line, arg.why))
            if arg in ("-f", "--file") and args:
                path = args.pop(0)
            elif arg.startswith("--file="):
                path = arg[len("--file="):]
            elif arg in ("-s", "--skip-sig"):
                skip = True
            else:
                names.append(arg)
        del skip    # signature checking of the file (GRUB's pgp module) is off on RHEL's builds
        if path is None:
            path = posixpath.join(self.env.get("prefix") or "", "grubenv")
        local = self.host_path(node, path)
        data = self.host.read_bytes(local)
        if data is None:
            return False
        values = grubenv.parse(data, names or None)
        if values is None:
            self.notes.append("%s has no `# GRUB Environment Block` signature: load_env sets nothing" % local)
            return False
        self.env.update(values)
        self.notes.append("grubenv %s loaded" % local)
        return True

    def cmd_source(self, node, args):
        if not args:
            return True
        local = self.host_path(node, args[0])
        data = self.host.read_bytes(local)
        if data is None:
            return False                      # 41_custom's custom.cfg, 01_users' user.cfg: absent
        if posixpath.basename(local) == "user.cfg" and re.fullmatch(
                rb"(GRUB2_PASSWORD=[^\s'\"$;{}|&<>\\]+\n?)+", data):
            self.env["GRUB2_PASSWORD"] = data.split(b"=", 1)[1].strip().decode("ascii", "replace")
            return True
        raise GrubScriptError("line %d: sources %s, whose commands this reader does not run" % (node.line, local))

    def cmd_configfile(self, node, args):
        raise GrubScriptError("line %d: configfile %s: a new menu this reader does not follow"
                              % (node.line, args[0] if args else ""))

    def cmd_blscfg(self, node, args):
        if args:
            raise GrubScriptError("line %d: blscfg with arguments (grub2-mkconfig writes none)" % node.line)
        if self.blscfg_runs:
            raise GrubScriptError("line %d: a second blscfg (GRUB keeps one list across calls)" % node.line)
        self.blscfg_runs += 1
        blsdir = self.value("blsdir")
        if blsdir is not None and blsdir not in bls.BLSDIR_SEEN_AS:
            raise GrubScriptError("blsdir=%s: entries read from a directory this reader does not map" % blsdir)
        if self.host.is_dir("/loader/entries"):
            raise GrubScriptError("/loader/entries exists under the root: which of it and /boot/loader/entries "
                                  "blscfg reads depends on whether /boot is its own file system")
        files = bls.read_blscfg_files(self.host, self.flavour)
        ordering = bls.blscfg_order(files, self.flavour)
        if ordering.ties:
            one, two = ordering.ties[0]
            raise ConfigError(two.path, "compares equal to %s in blscfg's version order: GRUB %s, and which "
                                        "one depends on the directory order on disk" % (
                                            one.path, "drops one of them silently" if self.flavour != bls.RHEL8
                                            else "lists them in an unspecified order"))
        for entry in ordering.files:
            if entry.first("efi") is not None:
                raise ConfigError(entry.path, "has an `efi` key: RHEL 10's and Fedora 45's blscfg make a menu "
                                              "entry of a unified kernel image, which this reader does not read")
            if entry.first("linux") is None:
                continue                      # create_entry(): no menu entry without `linux`
            if entry.hangs_grub():
                raise ConfigError(entry.path, "its id contains `.conf` before its end: blscfg's create_entry() "
                                              "searches for it forever and GRUB hangs building the menu")
            options = self.expand(entry)
            self.menu.append(MenuEntry(entry.first("title") or entry.first("linux"), entry.menu_id(),
                                       entry.path, bls_file=entry, options=options))
        return True

    def expand(self, entry):
        """The entry's options as create_entry() leaves them (expand_val())."""
        def lookup(name):
            found = self.value(name)
            if isinstance(found, Unknown):
                raise ConfigError(entry.path, "its options use $%s, which %s" % (name, found.why))
            return found
        value = entry.first("options")
        escape = self.flavour == bls.RHEL9_ESCAPE
        options = bls.expand_val(value, lookup, escape)
        if options is None:
            options = bls.expand_val(self.value("default_kernelopts"), lookup, escape)
        return options

    def add_menuentry(self, node, args):
        title, entry_id, skip = None, None, False
        for index, arg in enumerate(args[1:], 1):
            if skip:
                skip = False
                continue
            if isinstance(arg, Unknown):
                raise GrubScriptError("line %d: a menu entry whose arguments are %s" % (node.line, arg.why))
            if arg in ("--id", "--class", "--users", "--hotkey", "--source"):
                if arg == "--id" and index + 1 < len(args):
                    entry_id = args[index + 1]
                skip = True
            elif arg.startswith("--id="):
                entry_id = arg[len("--id="):]
            elif not arg.startswith("--") and title is None:
                title = arg
        if args[0] == "submenu":
            raise GrubScriptError("line %d: a submenu beside blscfg (grub2-mkconfig writes none with BLS)"
                                  % node.line)
        # grub_normal_add_menu_entry(): an entry without --id is known by its title
        self.menu.append(MenuEntry(title or "", entry_id if entry_id is not None else title or "",
                                   "line %d" % node.line, linux=node.block))
        return True

    def host_path(self, node, path):
        if isinstance(path, Unknown):
            raise GrubScriptError("line %d: a file named by %s" % (node.line, path.why))
        if not path.startswith("/"):
            raise GrubScriptError("line %d: a file on a GRUB device path (%s)" % (node.line, path))
        return path


def _test(args, host):
    """commands/test.c test_parse(), with None for a result only known at boot."""
    state = {"and": True, "or": False, "invert": False}

    def update(value):
        if value is not None and state["invert"]:
            value = not value
        state["and"] = _and(state["and"], value)
        state["invert"] = False

    position = 0
    count = len(args)
    while position < count:
        arg = args[position]
        if position + 2 < count and args[position + 1] in ("=", "==", "!=", "<", "<=", ">", ">="):
            one, op, two = arg, args[position + 1], args[position + 2]
            if isinstance(one, Unknown) or isinstance(two, Unknown):
                update(None)
            else:
                a, b = _raw(one), _raw(two)
                update({"=": a == b, "==": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
                        ">": a > b, ">=": a >= b}[op])
            position += 3
            continue
        if position + 2 < count and isinstance(args[position + 1], str) and \
                re.fullmatch(r"-(eq|ge|gt|le|lt|ne|pgt|plt)|-[no]t.*", args[position + 1]):
            update(None)                      # numbers and file times: not written by grub2-mkconfig
            position += 3
            continue
        if position + 1 < count and arg in ("-d", "-e", "-f", "-s", "-n", "-z"):
            operand = args[position + 1]
            update(_unary(arg, operand, host))
            position += 2
            continue
        if arg == "!":
            state["invert"] = not state["invert"]
        elif arg == "-a":
            pass
        elif arg == "-o":
            state["or"] = _or(state["or"], state["and"])
            state["and"] = True
        elif arg in ("(", ")"):
            return None                       # not written by grub2-mkconfig
        else:
            update(None if isinstance(arg, Unknown) else bool(arg))
        position += 1
    return _or(state["or"], state["and"])


def _unary(op, operand, host):
    if isinstance(operand, Unknown):
        return None
    if op == "-n":
        return bool(operand)
    if op == "-z":
        return not operand
    if not operand.startswith("/"):
        return None                           # a GRUB device path
    status = host.stat(operand)
    if op == "-s":
        return status is not None and status.st_size > 0 and not _is_dir(status)
    if op == "-d":
        return status is not None and _is_dir(status)
    if op == "-f":
        return status is not None and not _is_dir(status)
    return status is not None


def _is_dir(status):
    return (status.st_mode & 0o170000) == 0o040000


def _and(one, two):
    if one is False or two is False:
        return False
    return None if one is None or two is None else True


def _or(one, two):
    if one is True or two is True:
        return True
    return None if one is None or two is None else False


def _raw(text):
    return text.encode("utf-8", "surrogateescape")


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


def grub_strtoul(value):
    """kern/misc.c grub_strtoull(value, &end, 0): (number or None when there is no
    digit, the rest); a number past 2^64-1 is ~0 (the overflow error)."""
    text = value.lstrip(_GRUB_SPACE)
    base = 10
    if text.startswith("0x"):
        base, text = 16, text[2:]
    elif text[:1] == "0" and text[1:2] in tuple("01234567"):
        base = 8
    digits = "0123456789abcdef"[:base]
    length = 0
    while length < len(text) and text[length].lower() in digits and text[length].isascii():
        length += 1
    if not length:
        return None, text
    number = int(text[:length], base)
    return min(number, (1 << 64) - 1), text[length:]


def entry_number(menu, value):
    """get_entry_number() of RHEL's menu.c for `default` = value: an index, or -1."""
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
    number, rest = grub_strtoul(value)
    if number is None or rest:
        return -1
    as_int = number & 0xFFFFFFFF            # (int) grub_strtoul(...)
    return as_int - (1 << 32) if as_int >= 1 << 31 else as_int


def chosen_entry(menu, default):
    """(index, MenuEntry) run_menu() boots for `default`."""
    if not menu:
        raise GrubScriptError("the menu is empty: GRUB stops at its prompt")
    index = entry_number(menu, default)
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
    if re.search(r"\b(rhel|centos|fedora)\b", family) and (not major.isdigit() or int(major) > limit):
        raise ConfigError(OS_RELEASE, "%s is newer than the GRUB builds this reader mirrors (RHEL %d, Fedora %d): "
                                      "its blscfg may read the entries otherwise" % (release, NEWEST_RHEL,
                                                                                   NEWEST_FEDORA))
    if major == "8" and fields.get("ID") != "fedora":
        return (bls.RHEL8,), "RHEL 8 (%s)" % release
    if fields.get("ID") == "fedora" or major in ("9", "10"):
        return (bls.RHEL9, bls.RHEL9_ESCAPE), "RHEL 9/10 or Fedora (%s)" % release
    return bls.FLAVOURS, "an unknown release (/etc/os-release says %r)" % fields.get("PRETTY_NAME", "")


class Answer:
    def __init__(self, text, source, release, notes):
        self.text = text
        self.source = source
        self.release = release
        self.notes = notes


def evaluate(host, world, flavour):
    """Answer for one assumed world and blscfg build; ConfigError when it cannot be told."""
    data = host.read_bytes(world.config)
    if data is None:
        raise ConfigError(world.config, "does not exist (it is the grub.cfg GRUB reads: %s)" % world.describe())
    text = "\n".join(line.split("\x00", 1)[0] for line in
                     data.decode("utf-8", "surrogateescape").replace("\r", "").split("\n"))
    run = Run(host, flavour, world, world.start_env())
    try:
        run.run(parse(text))
        index, entry = chosen_entry(run.menu, _plain(run.value("default"), world.config))
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
    return Answer(line, "%s -> %s" % (world.describe(), where), match.group(1) if match else None, notes)


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
    return Answer(first.text, first.source, first.release, notes)
