# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small TOML reader for containers.conf and crio.conf.

Targets run Python 3.9+ (RHEL 9's platform Python has no `tomllib`) and may
have no pip packages, so the engine reads TOML itself. It covers what those
files use: tables, arrays of tables, dotted and quoted keys, basic and literal
strings (single and multi-line), integers, floats, booleans, arrays and inline
tables. Dates are rejected with a clear message rather than misread.
"""

from __future__ import annotations

import re


class TomlError(ValueError):
    """Syntax error, with the 1-based line number where it was found."""

    def __init__(self, line, message):
        super().__init__("line %d: %s" % (line, message))
        self.line = line


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NUMBER = re.compile(
    r"[+-]?(0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|inf|nan|"
    r"(\d[\d_]*)(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?)"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def loads(text):
    """Parse TOML text into dicts, lists and scalars."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.root = {}
        self.current = self.root
        self.defined_tables = set()

    # -- position helpers ------------------------------------------------
    def line(self):
        return self.text.count("\n", 0, self.pos) + 1

    def fail(self, message):
        raise TomlError(self.line(), message)

    def peek(self, length=1):
        return self.text[self.pos:self.pos + length]

    def skip_blank(self, newlines=False):
        """Skip spaces (and newlines and comments when asked)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t":
                self.pos += 1
            elif newlines and char in "\r\n":
                self.pos += 1
            elif newlines and char == "#":
                self.skip_comment()
            else:
                break

    def skip_comment(self):
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def end_of_line(self):
        self.skip_blank()
        if self.peek() == "#":
            self.skip_comment()
        if self.pos < len(self.text) and self.peek() not in "\r\n":
            self.fail("unexpected text after value: %r" % self.text[self.pos:self.pos + 20])

    # -- document ----------------------------------------------------------
    def parse(self):
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.root
            if self.peek(2) == "[[":
                self.pos += 2
                self.array_table_header()
            elif self.peek() == "[":
                self.pos += 1
                self.table_header()
            else:
                self.key_value(self.current)
            self.end_of_line()

    def table_header(self):
        keys = self.key_path("]")
        self.expect("]")
        path = tuple(keys)
        if path in self.defined_tables:
            self.fail("table [%s] defined twice" % ".".join(keys))
        self.defined_tables.add(path)
        self.current = self.descend(self.root, keys)

    def array_table_header(self):
        keys = self.key_path("]")
        self.expect("]]")
        parent = self.descend(self.root, keys[:-1])
        array = parent.setdefault(keys[-1], [])
        if not isinstance(array, list):
            self.fail("key %r is not an array of tables" % keys[-1])
        self.current = {}
        array.append(self.current)

    def descend(self, table, keys):
        for key in keys:
            child = table.setdefault(key, {})
            if isinstance(child, list) and child and isinstance(child[-1], dict):
                child = child[-1]
            if not isinstance(child, dict):
                self.fail("key %r is already a value, not a table" % key)
            table = child
        return table

    def expect(self, token):
        self.skip_blank()
        if self.peek(len(token)) != token:
            self.fail("expected %r" % token)
        self.pos += len(token)

    # -- keys and values -------------------------------------------------
    def key_path(self, terminator):
        keys = []
        while True:
            self.skip_blank()
            keys.append(self.single_key())
            self.skip_blank()
            if self.peek() == ".":
                self.pos += 1
                continue
            if self.peek() in (terminator, ""):
                return keys
            self.fail("expected %r after key %r" % (terminator, keys[-1]))

    def single_key(self):
        char = self.peek()
        if char == '"':
            return self.basic_string()
        if char == "'":
            return self.literal_string()
        match = _BARE_KEY.match(self.text, self.pos)
        if not match:
            self.fail("expected a key")
        self.pos = match.end()
        return match.group(0)

    def key_value(self, table):
        keys = self.key_path("=")
        self.expect("=")
        self.skip_blank()
        target = self.descend(table, keys[:-1])
        if keys[-1] in target:
            self.fail("key %r defined twice" % ".".join(keys))
        target[keys[-1]] = self.value()

    def value(self):
        char = self.peek()
        if self.peek(3) == '"""':
            return self.multiline_string('"""')
        if self.peek(3) == "'''":
            return self.multiline_string("'''")
        if char == '"':
            return self.basic_string()
        if char == "'":
            return self.literal_string()
        if char == "[":
            return self.array()
        if char == "{":
            return self.inline_table()
        for word, result in (("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        if _DATE.match(self.text, self.pos):
            self.fail("dates and times are not supported here")
        return self.number()

    def number(self):
        match = _NUMBER.match(self.text, self.pos)
        if not match or match.end() == self.pos:
            rest = self.text[self.pos:self.pos + 20].split("\n")[0]
            self.fail("invalid value %r" % rest if rest.strip() else "missing value")
        self.pos = match.end()
        token = match.group(0).replace("_", "")
        body = token.lstrip("+-")
        if body in ("inf", "nan"):
            return float(token)
        if body[:2] in ("0x", "0o", "0b"):
            sign = -1 if token.startswith("-") else 1
            return sign * int(body[2:], {"0x": 16, "0o": 8, "0b": 2}[body[:2]])
        if match.group(3) or match.group(4):
            return float(token)
        return int(token)

    def basic_string(self):
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(self.text) or self.peek() in "\r\n":
                self.fail("unterminated string")
            char = self.text[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
                continue
            out.append(char)
            self.pos += 1

    def escape(self):
        code = self.text[self.pos + 1:self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = self.text[self.pos + 2:self.pos + 2 + width]
            if len(digits) != width or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                self.fail("invalid unicode escape")
            self.pos += 2 + width
            return chr(int(digits, 16))
        self.fail("invalid escape \\%s" % code)
        return ""

    def literal_string(self):
        end = self.text.find("'", self.pos + 1)
        newline = self.text.find("\n", self.pos + 1)
        if end < 0 or (0 <= newline < end):
            self.fail("unterminated string")
        value = self.text[self.pos + 1:end]
        self.pos = end + 1
        return value

    def multiline_string(self, quote):
        self.pos += 3
        if self.peek() == "\n":
            self.pos += 1
        elif self.peek(2) == "\r\n":
            self.pos += 2
        out = []
        while True:
            if self.pos >= len(self.text):
                self.fail("unterminated multi-line string")
            if self.text.startswith(quote, self.pos):
                self.pos += 3
                return "".join(out)
            char = self.text[self.pos]
            if quote == '"""' and char == "\\":
                if self.text[self.pos + 1:self.pos + 2] in ("\n", "\r", " ", "\t"):
                    # line-ending backslash: trim the newline and leading blanks
                    self.pos += 1
                    self.skip_blank(newlines=False)
                    while self.peek() in ("\r", "\n", " ", "\t") and self.peek():
                        self.pos += 1
                    continue
                out.append(self.escape())
                continue
            out.append(char)
            self.pos += 1

    def array(self):
        self.pos += 1
        items = []
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return items
            if not self.peek():
                self.fail("unterminated array")
            items.append(self.value())
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "]":
                self.fail("expected ',' or ']' in array")

    def inline_table(self):
        self.pos += 1
        table = {}
        self.skip_blank()
        if self.peek() == "}":
            self.pos += 1
            return table
        while True:
            self.skip_blank()
            self.key_value(table)
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "}":
                self.pos += 1
                return table
            else:
                self.fail("expected ',' or '}' in inline table")
