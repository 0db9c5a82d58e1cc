# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How systemd turns an ExecStart= line into the argv it executes.

Mirrors systemd 252 (Debian 12) and 257 (Debian 13), which agree on all of
this (load time checked against both with `systemd --test`, see
tests/engines/test_systemd_consumer.py; exec time against both as PID 1 in
the lab guests, tests/lab/stock/test_systemd_environment.py):

- At load time (config_parse_exec): words are split and unquoted with C
  escapes (systemd_syntax.split_words); the first word carries the prefixes
  `-` `@` `:` and one of `+` `!` `!!`; a lone `;` word starts another
  command and `\\;` is a literal `;`; specifiers (`%n`, `%%`, ...) are
  resolved in each word after unquoting. Any error here makes systemd refuse
  the unit, except with the `-` prefix, where the line is dropped.
- At exec time (replace_env_argv), unless the `:` prefix is given: a word
  that is exactly `$NAME` becomes the variable's value split into words
  (quotes in the value honoured, an unset or invalid name gives no word at
  all); `${NAME}` anywhere in a word is replaced by the value as is (unset:
  empty, so a word `${UNSET}` is one empty argument); `$NAME` inside a
  longer word is left as written; `$$` in a word is one `$`; `${NAME:-x}`
  and an unterminated `${NAME` are left as written. Quotes are gone at load
  time, so `"$NAME"` is split too.
"""

from __future__ import annotations

from .numbers import HEX_DIGITS
from .systemd_syntax import VALUE, SyntaxProblem, env_name_is_valid, one_word, split_words

# Fixed directories of the system service manager.
_FIXED_SPECIFIERS = {
    "C": "/var/cache", "E": "/etc", "L": "/var/log", "S": "/var/lib", "t": "/run",
    "T": "/tmp", "V": "/var/tmp",
}
# Specifiers whose value comes from the running system (hostname, ids,
# kernel, cgroups, credentials); the audit does not guess them.
_HOST_SPECIFIERS = frozenset("abBcdgGhHlmMoqrRsUvwWAy Y".replace(" ", ""))

# Variables that systemd itself puts into a service's environment at start;
# their values are not in any file the audit can read.
RUNTIME_VARIABLES = frozenset((
    "INVOCATION_ID", "JOURNAL_STREAM", "NOTIFY_SOCKET", "MAINPID", "MANAGERPID", "SYSTEMD_EXEC_PID",
    "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_PID", "WATCHDOG_USEC", "HOME", "USER",
    "LOGNAME", "SHELL", "TERM", "RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY",
    "LOGS_DIRECTORY", "CONFIGURATION_DIRECTORY", "CREDENTIALS_DIRECTORY", "LANG", "LANGUAGE",
    "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "LC_PAPER",
    "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION", "LC_ALL",
    "MEMORY_PRESSURE_WATCH", "MEMORY_PRESSURE_WRITE", "TRIGGER_UNIT", "TRIGGER_PATH",
))


class NotKnowable(Exception):
    """A value systemd computes on the running system (a specifier such as
    %H, a variable it sets at start): the files do not tell it."""


class Unknown:
    """An environment value that holds a NotKnowable specifier."""

    def __init__(self, reason):
        self.reason = reason


class ExecCommand:
    """One command of an ExecStart= line: its path, argv (argv[0] first,
    before variable expansion) and the prefixes that matter here."""

    def __init__(self, path, argv, ignore_failure, expand_env):
        self.path = path
        self.argv = argv
        self.ignore_failure = ignore_failure
        self.expand_env = expand_env

    def __repr__(self):
        return "ExecCommand(%r, %r)" % (self.path, self.argv)


class UnitName:
    """The parts of a unit name that specifiers refer to."""

    def __init__(self, name):
        self.name = name
        stem, dummy, self.suffix = name.rpartition(".")
        self.prefix, at, self.instance = stem.partition("@")
        self.is_instance = bool(at)

    def specifier(self, char):
        if char == "n":
            return self.name
        if char == "N":
            return self.name[:-len(self.suffix) - 1]
        if char == "p":
            return self.prefix
        if char == "P":
            return unescape_name(self.prefix)
        if char == "i":
            return self.instance
        if char == "I":
            return unescape_name(self.instance)
        if char == "j":
            return self.prefix.rpartition("-")[2]
        if char == "J":
            return unescape_name(self.prefix.rpartition("-")[2])
        if char == "f":
            return "/" + unescape_name(self.instance if self.is_instance else self.prefix).lstrip("/")
        return None


def dropin_names(name):
    """The unit names whose NAME.d directories hold drop-ins for `name`, most
    specific first: the name, its template, then each dashed prefix
    (`foo-bar-baz.service` -> `foo-bar-.service`, `foo-.service`), as
    systemd's unit_file_find_dirs walks them."""
    parts = UnitName(name)
    found = [name]
    if parts.is_instance and parts.instance:
        found.extend(dropin_names("%s@.%s" % (parts.prefix, parts.suffix)))
    prefix = parts.prefix
    chopped = False
    while True:
        dash = prefix.rfind("-")
        if dash <= 0:
            return found
        if dash + 1 < len(prefix) or chopped:
            prefix = prefix[:dash + 1]
            break
        prefix = prefix[:dash]
        chopped = True
    instance = "@" + parts.instance if parts.is_instance and parts.instance else ""
    return found + dropin_names("%s%s.%s" % (prefix, instance, parts.suffix))


def unescape_name(text):
    """unit_name_unescape: `-` is `/`, `\\xNN` a byte."""
    out = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "-":
            out.append("/")
        elif char == "\\" and text[at + 1:at + 2] == "x" and len(text) >= at + 4 and \
                all(digit in HEX_DIGITS for digit in text[at + 2:at + 4]):
            out.append(chr(int(text[at + 2:at + 4], 16)))     # two ASCII hex digits (unhexchar())
            at += 3
        else:
            out.append(char)
        at += 1
    return "".join(out)


def resolve_specifiers(word, unit, user=None):
    """`word` with its specifiers resolved for `unit` (a UnitName).
    SyntaxProblem for an unknown specifier (systemd refuses it) or for one
    whose value lives only on the running system."""
    out = []
    at = 0
    while at < len(word):
        char = word[at]
        if char != "%":
            out.append(char)
            at += 1
            continue
        if at + 1 >= len(word):
            out.append("%")  # a stray % at the end is kept
            break
        spec = word[at + 1]
        at += 2
        if spec == "%":
            out.append("%")
        elif spec in _FIXED_SPECIFIERS:
            out.append(_FIXED_SPECIFIERS[spec])
        elif spec == "u" and not user:
            out.append("root")  # the system manager's user, when User= is not set
        elif unit.specifier(spec) is not None:
            out.append(unit.specifier(spec))
        elif spec in _HOST_SPECIFIERS or spec == "u":
            raise NotKnowable("specifier %%%s in %r depends on the running system; the audit does not guess it"
                              % (spec, word))
        else:
            raise SyntaxProblem("unknown specifier %%%s" % spec)
    return "".join(out)


def parse_exec_line(value, unit, user=None):
    """The commands of one ExecStart= value. A line systemd ignores (with a
    warning) gives the commands read before the problem; SyntaxProblem when
    systemd refuses the whole unit because of the line."""
    commands = []
    rest = value
    while True:
        command, rest, more = _one_command(rest, unit, user)
        if command is not None:
            commands.append(command)
        if not more:
            return commands


def _one_command(text, unit, user):
    """(ExecCommand or None, text after a `;`, whether a `;` followed)."""
    first, rest = _next_word(text)
    if first is None:
        return None, "", False
    if isinstance(first, SyntaxProblem):
        return None, "", False  # systemd ignores a line whose first word it cannot read
    if first == ";":
        return None, rest, True
    at = 0
    ignore = separate_argv0 = no_env = False
    privilege = None
    while at < len(first):
        char = first[at]
        if char == "-" and not ignore:
            ignore = True
        elif char == "@" and not separate_argv0:
            separate_argv0 = True
        elif char == ":" and not no_env:
            no_env = True
        elif char == "+" and privilege is None:
            privilege = "+"
        elif char == "!" and privilege is None:
            privilege = "!"
        elif char == "!" and privilege == "!":
            privilege = "!!"
        else:
            break
        at += 1
    try:
        path = resolve_specifiers(first[at:], unit, user)
        if not path:
            raise SyntaxProblem("empty executable path")
        if not path.startswith("/") and "/" in path:
            raise SyntaxProblem("neither a valid executable name nor an absolute path: %s" % path)
        if path.endswith("/"):
            raise SyntaxProblem("executable path is a directory: %s" % path)
        args = []
        more = False
        while True:
            stripped = rest.lstrip(" \t\n\r")
            if stripped[:1] == ";" and stripped[1:2] in ("", " ", "\t", "\n", "\r"):
                rest, more = stripped[1:], True
                break
            if stripped[:2] == "\\;" and stripped[2:3] in ("", " ", "\t", "\n", "\r"):
                args.append(";")
                rest = stripped[2:]
                continue
            word, rest = _next_word(rest)
            if word is None:
                break
            if isinstance(word, SyntaxProblem):
                raise word
            args.append(resolve_specifiers(word, unit, user))
        if separate_argv0 and not args:
            raise SyntaxProblem("empty executable name or zeroeth argument")
    except SyntaxProblem:
        if ignore:
            return None, "", False  # the "-" prefix: systemd drops the line instead
        raise
    argv = args if separate_argv0 else [path] + args
    return ExecCommand(path, argv, ignore, not no_env), rest, more


def _next_word(text):
    """(word, rest) of the next word (None at the end); a SyntaxProblem in
    place of the word when systemd cannot read it."""
    at = 0
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    if at >= len(text):
        return None, ""
    try:
        word, end = one_word(text, at)
    except SyntaxProblem as exc:
        return exc, ""
    return word, text[end:]


def expand_argv(argv, env):
    """argv after systemd's exec-time variable expansion (replace_env_argv).

    `env` maps names to values; a name that systemd sets itself at run time
    (RUNTIME_VARIABLES) and that no file defines raises NotKnowable, since
    its value cannot be known from the files."""
    out = []
    for word in argv:
        if word[:1] == "$" and word[1:2] not in ("{", "$"):
            name = word[1:]
            if not env_name_is_valid(name):
                continue  # systemd drops a "bad variable" word
            _known(name, env)
            if name in env:
                out.extend(split_words(env[name], VALUE))
            continue
        out.append(_replace_in_word(word, env))
    return out


def _known(name, env):
    if name not in env and name in RUNTIME_VARIABLES:
        raise NotKnowable("ExecStart= uses $%s, which systemd sets at run time" % name)
    if isinstance(env.get(name), Unknown):
        raise NotKnowable("ExecStart= uses $%s: %s" % (name, env[name].reason))


def _replace_in_word(word, env):
    out = []
    at = 0
    while at < len(word):
        char = word[at]
        if char != "$" or at + 1 >= len(word):
            out.append(char)
            at += 1
            continue
        following = word[at + 1]
        if following == "$":
            out.append("$")
            at += 2
        elif following == "{":
            end = word.find("}", at + 2)
            colon = word.find(":", at + 2)
            if end < 0 or 0 <= colon < end:
                out.append(word[at:] if end < 0 else word[at:end + 1])
                at = len(word) if end < 0 else end + 1
                continue
            name = word[at + 2:end]
            _known(name, env)
            out.append(env.get(name, ""))
            at = end + 1
        else:
            out.append(char)
            at += 1
    return "".join(out)
