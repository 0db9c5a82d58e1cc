# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The top level of a grub.cfg run as GRUB's script engine runs it, up to
the menu: for rhel_grub, which needs the variables and menu entries a
grub2-mkconfig grub.cfg leaves when RHEL's or Fedora's GRUB has run it.

Mirrors rhboot/grub2 rhel-9.4.0 (the same text as upstream GRUB 2.06 in
these files): script/yylex.l (words, quoting, `$var`/`${var}`, `#`
comments, `;`, `{ }` blocks, reserved words), script/execute.c
grub_script_arglist_to_argv() (an unquoted variable's value split into
words, an unset or empty one nothing, a quoted word always an argument)
and grub_script_execute_cmdline() (`name=value` as a command sets a
variable), kern/corecmd.c `set`, commands/test.c test_parse() (`[`, with
-a/-o/! and the file and string tests), commands/loadenv.c `load_env`
(grubenv.py), commands/increment.c, and blscfg (bls.py), which adds the BLS
entries with their options expanded from the variables set so far.
`if` conditions are decided with the files' values; a condition that
depends on something only known at boot is run both ways, and what its
branches set differently becomes unknown (an error where it is later
used); a command this reader does not model, a loop, or a sourced file
other than 01_users' password-only user.cfg is an error, never a guess.

Tests: tests/unit/readers/bls/test_rhel_grub.py and hostile_cases.py.
"""

from __future__ import annotations

import posixpath
import re

from . import bls, grubenv
from .hostfs import ConfigError

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
_RESERVED = frozenset(("if", "then", "elif", "else", "fi", "for", "do", "done", "while", "until", "function",
                       "case", "esac", "in", "select"))


class Unknown:
    """A value GRUB only knows at boot."""

    def __init__(self, why):
        self.why = why

    def __repr__(self):
        return "Unknown(%s)" % self.why


class GrubScriptError(Exception):
    """What the boot entry is cannot be told from the files (a ConfigError once the file is known)."""


# ---------------------------------------------------------------- the lexer (script/yylex.l)

class Word:
    """One shell word: parts ("text"|"sq"|"dq"|"var"|"dqvar", str)."""

    def __init__(self, parts, line):
        self.parts = parts
        self.line = line

    def literal(self):
        """The word's text when it has no variable, else None."""
        if any(kind in ("var", "dqvar") for kind, _text in self.parts):
            return None
        return "".join(text for _kind, text in self.parts)

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
        bodies = [body for _condition, body in node.branches] + [node.otherwise or []]
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
            self.env[name] = str(int(found) + step) if isinstance(found, str) and re.fullmatch(r"-?[0-9]{1,18}", found) \
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
