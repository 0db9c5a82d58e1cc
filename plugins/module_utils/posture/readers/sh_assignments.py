# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shell files made of variable assignments, read as `sh` reads them when a
script sources them: /etc/default/grub and /etc/default/grub.d/*.cfg, which
grub-mkconfig sources (GRUB 2.06/2.12: `. ${sysconfdir}/default/grub`, then
each grub.d/*.cfg).

Consumers: Debian's and Ubuntu's /bin/sh, dash 0.5.12 (Debian 12) and 0.5.12
(Debian 13); RHEL's and Fedora's /bin/sh, bash 5.1/5.2. Where the two read a
file differently (`NAME+=value`, `$'...'`, `$"..."`) the file is refused.

What is read: commands separated by newlines and `;`, words split on blanks,
`#` comments at the start of a word, `\\` escapes and backslash-newline
continuations, '...' and "..." quoting over several lines, `$NAME` and
`${NAME}` expanded from the assignments before (unset: empty). A command made
only of assignments (or `export`/`readonly` and assignments) assigns, left to
right. A command substitution (`...` or $(...)), `$1`, `$?` and the like make
the variable's value unknown: a value that uses an unknown one is unknown too,
and asking for an unknown value is an error naming the line. Any other command
(`if`, `unset`, `.`, a pipeline, `&&`) could change any variable, so it is an
error naming its line, as is what sh would refuse or read on past the end.

Held to the real consumer: tests/unit/consumers/test_grub_mkconfig_defaults.py
runs grub-mkconfig 2.06's own sourcing block with this machine's sh (dash) on
the same files.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_APPEND = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+=")
_OPERATORS = "&|<>()"
_DECLARATIONS = ("export", "readonly")

# A word is a list of segments: (UNQUOTED, text), (QUOTED, text), (VARIABLE, name), (UNKNOWN, why).
UNQUOTED, QUOTED, VARIABLE, UNKNOWN = "u", "q", "v", "x"


class ShError(ValueError):
    """What sh would refuse, read on past, or run beyond assignments: (line, message)."""

    def __init__(self, line, message):
        ValueError.__init__(self, "line %d: %s" % (line, message))
        self.line = line


class UnknownValue(ValueError):
    """A variable whose value only running sh would tell: (source, line, why)."""

    def __init__(self, source, line, why):
        ValueError.__init__(self, "line %d: %s" % (line, why))
        self.source = source


class Assignments:
    """The variables a sourced file leaves set: values, and the names whose value is unknown."""

    def __init__(self):
        self.values = {}
        self.unknown = {}       # name -> the UnknownValue that made it unknown

    def value(self, name):
        """The value of `name` ('' when unset); UnknownValue when it is unknown."""
        if name in self.unknown:
            raise self.unknown[name]
        return self.values.get(name, "")


def read(text, assignments=None, source="the file"):
    """Assignments after sourcing `text` (on top of `assignments`, for a file sourced after
    another); ShError naming the line for what this reader does not evaluate."""
    assignments = assignments if assignments is not None else Assignments()
    for line, words, simple in _Scanner(text).commands():
        _run(line, words, simple, assignments, source)
    return assignments


def _plain(word):
    """The text of a word without quotes or expansions, else None."""
    if all(kind == UNQUOTED for kind, value in word):
        return "".join(value for kind, value in word)
    return None


def _run(line, words, simple, assignments, source):
    if not simple:
        raise ShError(line, "a pipeline, list or redirection (%s): sh runs it, and it could set anything"
                      % "/".join(_OPERATORS))
    first = _leading_text(words[0])
    targets = words
    if _plain(words[0]) in _DECLARATIONS:
        targets = words[1:]
    for word in targets:
        text = _leading_text(word)
        if _APPEND.match(text):
            raise ShError(line, "%s+=: bash appends, dash runs it as a command" % text.split("+=", 1)[0])
        match = _ASSIGNMENT.match(text)
        if match is None:
            if targets is not words and _NAME.fullmatch(_plain(word) or ""):
                continue     # export NAME: no change to the value
            raise ShError(line, "runs a command (%s): sh may set any variable through it" % (first or "...")[:40])
    # Bare assignments are expanded and assigned one by one, left to right; `export`
    # and `readonly` are commands: all their words are expanded before any is assigned.
    declared = targets is not words
    pending = []
    for word in targets:
        match = _ASSIGNMENT.match(_leading_text(word))
        if match is None:
            continue
        try:
            value = _expand(_after_equals(word, match.end()), assignments)
        except UnknownValue as exc:        # it uses a variable made unknown before
            value = exc
        except ValueError as exc:
            value = UnknownValue(source, line, str(exc))
        pending.append((match.group(1), value))
        if not declared:
            _assign(assignments, *pending.pop())
    for name, value in pending:
        _assign(assignments, name, value)


def _assign(assignments, name, value):
    if isinstance(value, UnknownValue):
        assignments.values.pop(name, None)
        assignments.unknown[name] = value
    else:
        assignments.values[name] = value
        assignments.unknown.pop(name, None)


def _leading_text(word):
    """The unquoted text a word starts with (where `NAME=` is recognised)."""
    text = []
    for kind, value in word:
        if kind != UNQUOTED:
            break
        text.append(value)
    return "".join(text)


def _after_equals(word, length):
    """The word's segments after its first `length` unquoted characters."""
    rest, skipped = [], 0
    for kind, value in word:
        if kind == UNQUOTED and skipped < length:
            take = min(len(value), length - skipped)
            skipped += take
            value = value[take:]
            if not value:
                continue
        rest.append((kind, value))
    return rest


def _expand(segments, assignments):
    out = []
    for kind, value in segments:
        if kind == UNKNOWN:
            raise ValueError(value)
        out.append(assignments.value(value) if kind == VARIABLE else value)
    return "".join(out)


class _Scanner:
    """sh's token recognition (POSIX 2.3) for the commands of a file of assignments."""

    def __init__(self, text):
        self.text = text
        self.at = 0
        self.line = 1

    def commands(self):
        """[(line, [word], simple)]: each command's first line, its words, and False when it has an operator."""
        found, words, word, simple, start = [], [], None, True, 1
        text = self.text
        while self.at < len(text):
            char = text[self.at]
            if char in " \t" or char in "\n;" or char in _OPERATORS:
                if word is not None:
                    words.append(word)
                    word = None
                if char in _OPERATORS:
                    simple = False
                elif char in "\n;":
                    if words or not simple:
                        found.append((start, words, simple))
                    words, simple = [], True
                self.line += char == "\n"
                self.at += 1
                continue
            if char == "#" and word is None:
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
                continue
            if word is None:
                word = []
                if not words:
                    start = self.line
            self._segment(word)
        if word is not None:
            words.append(word)
        if words or not simple:
            found.append((start, words, simple))
        return found

    def _segment(self, word):
        text, char = self.text, self.text[self.at]
        if char == "\\":
            if self.at + 1 == len(text):
                raise ShError(self.line, "a backslash ends the file")
            if text[self.at + 1] == "\n":
                self.line += 1              # a continuation: both characters go
            else:
                word.append((QUOTED, text[self.at + 1]))
            self.at += 2
        elif char == "'":
            end = text.find("'", self.at + 1)
            if end < 0:
                raise ShError(self.line, "unterminated single quote: sh reads to the end of the file")
            self._literal(word, QUOTED, text[self.at + 1:end])
            self.at = end + 1
        elif char == '"':
            self._double_quoted(word)
        elif char == "$":
            self._dollar(word, UNQUOTED)
        elif char == "`":
            self._backquoted(word)
        else:
            word.append((UNQUOTED, char))
            self.at += 1

    def _literal(self, word, kind, value):
        word.append((kind, value))
        self.line += value.count("\n")

    def _double_quoted(self, word):
        text, opened = self.text, self.line
        self.at += 1
        while True:
            if self.at >= len(text):
                raise ShError(opened, "unterminated double quote: sh reads to the end of the file")
            char = text[self.at]
            if char == '"':
                self.at += 1
                return
            if char == "\\" and text[self.at + 1:self.at + 2] in ("$", "`", '"', "\\", "\n"):
                following = text[self.at + 1]
                if following == "\n":
                    self.line += 1
                else:
                    word.append((QUOTED, following))
                self.at += 2
            elif char == "$":
                self._dollar(word, QUOTED)
            elif char == "`":
                self._backquoted(word)
            else:
                self._literal(word, QUOTED, char)
                self.at += 1

    def _dollar(self, word, kind):
        text, following = self.text, self.text[self.at + 1:self.at + 2]
        if following == "{":
            end = text.find("}", self.at + 2)
            name = text[self.at + 2:end] if end >= 0 else ""
            if not _NAME.fullmatch(name):
                raise ShError(self.line, "%r: a parameter expansion this reader does not evaluate"
                              % text[self.at:self.at + 20])
            word.append((VARIABLE, name))
            self.at = end + 1
        elif following == "(":
            self.at = self._parenthesised_end(self.at + 2)
            word.append((UNKNOWN, "a command substitution $(...), run by sh when the file is sourced"))
        elif following in ("'", '"') and kind == UNQUOTED:
            raise ShError(self.line, "$%s...%s: bash and dash read it differently" % (following, following))
        elif _NAME.match(text, self.at + 1):
            match = _NAME.match(text, self.at + 1)
            word.append((VARIABLE, match.group(0)))
            self.at = match.end()
        elif following and (following.isdigit() or following in "@*#?-$!"):
            word.append((UNKNOWN, "$%s, a special parameter of the sourcing script" % following))
            self.at += 2
        else:
            word.append((kind, "$"))        # a lone $ is itself
            self.at += 1

    def _backquoted(self, word):
        """`...` ends at the first backquote not escaped by a backslash (POSIX 2.6.3)."""
        text, at, opened = self.text, self.at + 1, self.line
        at = _quote_end(text, at, "`")
        if at < 0:
            raise ShError(opened, "unterminated command substitution `...`")
        self.line += text.count("\n", self.at, at)
        self.at = at + 1
        word.append((UNKNOWN, "a command substitution `...`, run by sh when the file is sourced"))

    def _parenthesised_end(self, at):
        """The index after the `)` closing a $( whose body starts at `at`: quotes, escapes and
        nested parentheses followed; a `case` inside is refused (its patterns end with `)`)."""
        text, depth, opened = self.text, 1, self.line
        while at < len(text):
            char = text[at]
            if char == "\\":
                at += 2
                continue
            if char in "'\"`":
                end = text.find(char, at + 1) if char == "'" else _quote_end(text, at + 1, char)
                if end < 0:
                    break
                at = end + 1
                continue
            if text.startswith("case", at) and (at == 0 or not _NAME.match(text[at - 1])):
                raise ShError(opened, "a `case` inside $(...): this reader does not find where it ends")
            depth += {"(": 1, ")": -1}.get(char, 0)
            at += 1
            if depth == 0:
                self.line += text.count("\n", self.at, at)
                return at
        raise ShError(opened, "unterminated command substitution $(...)")


def _quote_end(text, at, quote):
    """The index of the `quote` (" or `) closing a quoting that starts at `at`, backslash escapes skipped."""
    while at < len(text):
        if text[at] == "\\":
            at += 2
        elif text[at] == quote:
            return at
        else:
            at += 1
    return -1
