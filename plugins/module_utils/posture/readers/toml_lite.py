# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A strict TOML 1.0.0 reader for containers.conf, crio.conf and their drop-ins.

Targets run Python 3.9+ (no `tomllib` before 3.11) and may have no pip
packages, so the engine reads TOML itself, and every writer of the collection
reads through here too (one reader per format).

What it mirrors:
- Values: exactly what Python 3.11's `tomllib` returns for a valid document
  (dict, list, str, int, float, bool, and `datetime.datetime` (with a fixed
  offset tzinfo when the value has one), `datetime.date`, `datetime.time` for
  TOML's date-times), CRLF read as LF as tomllib does.
- Rejections: every document TOML 1.0.0 rejects (redefined keys and tables,
  dotted keys into inline tables or into tables a header defined, `[[t]]`
  then `[t]`, control characters (NUL included) in comments and strings, leading
  zeros, a lone CR, a BOM, ...), and two that tomllib lets through but the
  consumers refuse: integers outside int64 (TOML 1.0 says "an error must be
  thrown") and floats that overflow to infinity (BurntSushi/toml: "out of range
  for float64").
- The consumers: Podman and CRI-O read these files with BurntSushi/toml: v1.2.0
  (Debian 12, podman 4.3.1's Built-Using golang-toml 1.2.0-2 with
  containers-common 0.50.1). Where that version is laxer than TOML 1.0 (it
  strips no UTF-8 BOM, misses some redefinitions, see the notes in
  tests/unit/plugins/module_utils/posture/toml_cases.py), this reader still
  says invalid: such a file is not TOML, and a hardening audit must not rest
  on a document another reader (or the next BurntSushi release) reads
  differently.

Tested by: tests/unit/plugins/module_utils/posture/test_toml_lite.py (a corpus
of valid and invalid documents compared with tomllib, and random documents and
mutations of them: same accept/reject, same values) and
tests/engines/test_toml_podman.py (the same corpus through the real Podman 4.3
on this machine).
"""

from __future__ import annotations

import datetime
import math
import re

from .numbers import toml_integer

MAX_NESTING = 100   # arrays and inline tables inside each other


class TomlError(ValueError):
    """Syntax error, with the 1-based line number where it was found."""

    def __init__(self, line, message):
        super().__init__("line %d: %s" % (line, message))
        self.line = line


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# TOML 1.0 allows no control character but tab in comments and strings (and
# newline in multi-line strings).
_COMMENT_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_STRING_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MULTILINE_BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_DIGITS = r"[0-9](?:_?[0-9])*"
_INTEGER = re.compile(
    r"0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*"
    r"|(?P<dec>[+-]?(?:0|[1-9](?:_?[0-9])*))"
    r"(?P<frac>\.%s)?(?P<exp>[eE][+-]?%s)?" % (_DIGITS, _DIGITS))
_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|nan)")
_TIME = r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])(?:\.(?P<fraction>[0-9]+))?"
_DATE_TIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"(?:[Tt ]%s(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<oh>[01][0-9]|2[0-3]):(?P<om>[0-5][0-9]))?)?" % _TIME)
_LOCAL_TIME = re.compile(_TIME)
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}

# How a table came to be, which decides what may still be added to it.
_IMPLICIT = "implicit"    # named on the way to a header ([a.b] makes a): may get its own header later
_HEADER = "header"        # defined by [header] or [[header]]: never again
_DOTTED = "dotted"        # made by dotted keys: extended only by dotted keys of the same section
_ARRAY_OF_TABLES = "array of tables"


def loads(text):
    """Parse TOML text into dicts, lists and scalars (TomlError when it is not TOML 1.0)."""
    if not isinstance(text, str):
        raise TypeError("TOML text must be str, found %s" % type(text).__name__)
    return _Parser(text.replace("\r\n", "\n")).document()


class _Parser:
    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.root = {}
        # id() of every dict and list made by headers and dotted keys -> (how, section);
        # a dict or list that is not here is an inline value and cannot be extended.
        self.made = {}
        self.section = 0
        self.depth = 0

    # -- position helpers ------------------------------------------------
    def fail(self, message, pos=None):
        where = self.pos if pos is None else pos
        raise TomlError(self.text.count("\n", 0, where) + 1, message)

    def char(self):
        return self.text[self.pos:self.pos + 1]

    def skip_spaces(self):
        while self.text[self.pos:self.pos + 1] in (" ", "\t") and self.pos < len(self.text):
            self.pos += 1

    def comment(self):
        """Skip a comment (pos on '#'), refusing control characters in it."""
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        bad = _COMMENT_BAD.search(self.text, self.pos, end)
        if bad:
            self.fail("control character %r in a comment" % bad.group(0), bad.start())
        self.pos = end

    def end_of_line(self, what):
        self.skip_spaces()
        if self.char() == "#":
            self.comment()
        if self.pos < len(self.text) and self.char() != "\n":
            self.fail("unexpected %r after %s" % (self.text[self.pos:self.pos + 20], what))

    # -- document ----------------------------------------------------------
    def document(self):
        current, section = self.root, self.section
        while True:
            self.skip_spaces()
            char = self.char()
            if not char:
                return self.root
            if char == "\n":
                self.pos += 1
                continue
            if char == "#":
                self.comment()
                continue
            if char == "[":
                self.section += 1
                section = self.section
                if self.text.startswith("[[", self.pos):
                    current = self.array_table_header()
                else:
                    current = self.table_header()
                self.end_of_line("a table header")
            else:
                self.key_value(current, section)
                self.end_of_line("a value")

    def table_header(self):
        self.pos += 1
        start = self.pos
        keys = self.key_path()
        self.expect("]")
        parent = self.walk_headers(keys[:-1], start)
        name = keys[-1]
        table = parent.get(name)
        if table is None:
            table = parent[name] = {}
        elif not isinstance(table, dict) or self.how(table) != _IMPLICIT:
            self.fail("[%s] is already defined (%s)" % (_dotted(keys), self.described(table)), start)
        self.made[id(table)] = (_HEADER, self.section)
        return table

    def array_table_header(self):
        self.pos += 2
        start = self.pos
        keys = self.key_path()
        self.expect("]]")
        parent = self.walk_headers(keys[:-1], start)
        array = parent.get(keys[-1])
        if array is None:
            array = parent[keys[-1]] = []
            self.made[id(array)] = (_ARRAY_OF_TABLES, self.section)
        elif not isinstance(array, list) or self.how(array) != _ARRAY_OF_TABLES:
            self.fail("[[%s]]: %s is %s, not an array of tables" % (
                _dotted(keys), _dotted(keys), self.described(array)), start)
        table = {}
        self.made[id(table)] = (_HEADER, self.section)
        array.append(table)
        return table

    def walk_headers(self, keys, start):
        """The table a header's leading keys name, making implicit tables on the way."""
        table = self.root
        for index, key in enumerate(keys):
            child = table.get(key)
            if child is None:
                child = table[key] = {}
                self.made[id(child)] = (_IMPLICIT, self.section)
            elif isinstance(child, list) and self.how(child) == _ARRAY_OF_TABLES:
                child = child[-1]
            elif not isinstance(child, dict) or self.how(child) is None:
                self.fail("%s is %s and cannot hold a table" % (
                    _dotted(keys[:index + 1]), self.described(child)), start)
            table = child
        return table

    def how(self, container):
        made = self.made.get(id(container))
        return made[0] if made else None

    def described(self, value):
        how = self.how(value)
        if how == _HEADER:
            return "a table defined by a header"
        if how == _DOTTED:
            return "a table defined by dotted keys"
        if how == _ARRAY_OF_TABLES:
            return "an array of tables"
        if isinstance(value, dict):
            return "an inline table"
        if isinstance(value, list):
            return "an array"
        return "a value"

    def expect(self, token):
        self.skip_spaces()
        if not self.text.startswith(token, self.pos):
            self.fail("expected %r" % token)
        self.pos += len(token)

    # -- keys and values -------------------------------------------------
    def key_path(self):
        keys = []
        while True:
            self.skip_spaces()
            keys.append(self.single_key())
            if len(keys) > MAX_NESTING:
                self.fail("a key of more than %d parts" % MAX_NESTING)
            self.skip_spaces()
            if self.char() != ".":
                return keys
            self.pos += 1

    def single_key(self):
        char = self.char()
        if char == '"':
            return self.basic_string()
        if char == "'":
            return self.literal_string()
        match = _BARE_KEY.match(self.text, self.pos)
        if not match:
            self.fail("expected a key, found %r" % self.text[self.pos:self.pos + 1] if char else "expected a key")
        self.pos = match.end()
        return match.group(0)

    def key_value(self, table, section):
        start = self.pos
        keys = self.key_path()
        self.expect("=")
        self.skip_spaces()
        value = self.value()
        for index, key in enumerate(keys[:-1]):
            child = table.get(key)
            if child is None:
                child = table[key] = {}
                self.made[id(child)] = (_DOTTED, section)
            elif isinstance(child, dict) and self.extendable_by_dotted_keys(child, section):
                # a table a header named on its way (implicit) becomes this section's: no header may define it later
                self.made[id(child)] = (_DOTTED, section)
            else:
                self.fail("%s is %s; dotted keys cannot add to it" % (
                    _dotted(keys[:index + 1]), self.described(child)), start)
            table = child
        if keys[-1] in table:
            self.fail("%s is defined twice" % _dotted(keys), start)
        table[keys[-1]] = value

    def extendable_by_dotted_keys(self, table, section):
        made = self.made.get(id(table))
        return made is not None and (made[0] == _IMPLICIT or made == (_DOTTED, section))

    def value(self):
        char = self.char()
        if char == '"':
            return self.multiline_basic() if self.text.startswith('"""', self.pos) else self.basic_string()
        if char == "'":
            return self.multiline_literal() if self.text.startswith("'''", self.pos) else self.literal_string()
        if char == "[":
            return self.nested(self.array)
        if char == "{":
            return self.nested(self.inline_table)
        for word, result in (("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _DATE_TIME.match(self.text, self.pos)
        if match:
            return self.date_time(match)
        match = _LOCAL_TIME.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            return _time(match)
        return self.number()

    def nested(self, parse):
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail("arrays and inline tables nested more than %d deep" % MAX_NESTING)
        try:
            return parse()
        finally:
            self.depth -= 1

    def date_time(self, match):
        start = self.pos
        self.pos = match.end()
        try:
            day = datetime.date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        except ValueError:
            self.fail("invalid date %r" % match.group(0), start)
        if match.group("hour") is None:
            return day
        moment = datetime.datetime.combine(day, _time(match))
        if match.group("utc"):
            return moment.replace(tzinfo=datetime.timezone.utc)
        if match.group("sign"):
            offset = datetime.timedelta(hours=int(match.group("oh")), minutes=int(match.group("om")))
            return moment.replace(tzinfo=datetime.timezone(-offset if match.group("sign") == "-" else offset))
        return moment

    def number(self):
        start = self.pos
        match = _SPECIAL_FLOAT.match(self.text, self.pos) or _INTEGER.match(self.text, self.pos)
        if not match:
            rest = self.text[self.pos:self.pos + 20].split("\n")[0]
            self.fail("invalid value %r" % rest if rest.strip() else "missing value")
        self.pos = match.end()
        if match.re is _INTEGER and match.group("dec") is not None and "0" <= self.char() <= "9":
            self.fail("a number cannot start with a zero (leading zeros are not TOML)", start)
        if match.re is _SPECIAL_FLOAT:
            return float(match.group(0))
        if match.group("frac") or match.group("exp"):
            number = float(match.group(0).replace("_", ""))
            if math.isinf(number):
                self.fail("%s is out of range for a 64-bit float" % _shown(match.group(0)), start)
            return number
        number = toml_integer(match.group(0))
        if number.error:
            self.fail("%s is out of range for a 64-bit integer" % _shown(match.group(0)), start)
        return number.value

    # -- strings -----------------------------------------------------------
    def basic_string(self):
        self.pos += 1
        out = []
        while True:
            end = self.text.find('"', self.pos)
            stop = len(self.text) if end < 0 else end
            backslash = self.text.find("\\", self.pos, stop)
            stop = backslash if backslash >= 0 else stop
            self.plain(self.text[self.pos:stop], _STRING_BAD, "string")
            out.append(self.text[self.pos:stop])
            self.pos = stop
            if backslash >= 0:
                out.append(self.escape())
            elif end < 0:
                self.fail("unterminated string")
            else:
                self.pos += 1
                return "".join(out)

    def plain(self, chunk, forbidden, what):
        bad = forbidden.search(chunk)
        if bad:
            if bad.group(0) == "\n":
                self.fail("unterminated %s" % what, self.pos + bad.start())
            self.fail("control character %r in a %s" % (bad.group(0), what), self.pos + bad.start())

    def escape(self):
        code = self.text[self.pos + 1:self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = self.text[self.pos + 2:self.pos + 2 + width]
            if len(digits) != width or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                self.fail("invalid unicode escape \\%s%s" % (code, digits))
            number = int(digits, 16)
            if number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
                self.fail("\\%s%s is not a Unicode scalar value" % (code, digits))
            self.pos += 2 + width
            return chr(number)
        self.fail("invalid escape \\%s" % code)
        return ""

    def literal_string(self):
        self.pos += 1
        end = self.text.find("'", self.pos)
        stop = len(self.text) if end < 0 else end
        self.plain(self.text[self.pos:stop], _STRING_BAD, "literal string")
        if end < 0:
            self.fail("unterminated literal string")
        value = self.text[self.pos:end]
        self.pos = end + 1
        return value

    def multiline_literal(self):
        self.pos += 3
        if self.char() == "\n":
            self.pos += 1
        end = self.text.find("'''", self.pos)
        if end < 0:
            self.plain(self.text[self.pos:], _MULTILINE_BAD, "multi-line literal string")
            self.fail("unterminated multi-line literal string")
        self.plain(self.text[self.pos:end], _MULTILINE_BAD, "multi-line literal string")
        value = self.text[self.pos:end]
        self.pos = end + 3
        return value + self.closing_quotes("'")

    def multiline_basic(self):
        self.pos += 3
        if self.char() == "\n":
            self.pos += 1
        out = []
        while True:
            end = self.text.find('"""', self.pos)
            stop = len(self.text) if end < 0 else end
            backslash = self.text.find("\\", self.pos, stop)
            stop = backslash if backslash >= 0 else stop
            self.plain(self.text[self.pos:stop], _MULTILINE_BAD, "multi-line string")
            out.append(self.text[self.pos:stop])
            self.pos = stop
            if backslash >= 0:
                out.append(self.multiline_escape())
            elif end < 0:
                self.fail("unterminated multi-line string")
            else:
                self.pos += 3
                return "".join(out) + self.closing_quotes('"')

    def multiline_escape(self):
        """An escape, or a line-ending backslash that trims the newline and the blanks after it."""
        after = self.pos + 1
        while self.text[after:after + 1] in (" ", "\t") and after < len(self.text):
            after += 1
        if self.text[after:after + 1] != "\n":
            return self.escape()
        while self.text[after:after + 1] in (" ", "\t", "\n") and after < len(self.text):
            after += 1
        self.pos = after
        return ""

    def closing_quotes(self, quote):
        """Up to two quotes right before the closing delimiter belong to the string."""
        extra = 0
        while extra < 2 and self.text.startswith(quote, self.pos):
            self.pos += 1
            extra += 1
        return quote * extra

    # -- arrays and inline tables -----------------------------------------
    def array_blank(self):
        while True:
            self.skip_spaces()
            char = self.char()
            if char == "\n":
                self.pos += 1
            elif char == "#":
                self.comment()
            else:
                return

    def array(self):
        self.pos += 1
        items = []
        while True:
            self.array_blank()
            if self.char() == "]":
                self.pos += 1
                return items
            if not self.char():
                self.fail("unterminated array")
            items.append(self.value())
            self.array_blank()
            if self.char() == ",":
                self.pos += 1
            elif self.char() != "]":
                self.fail("expected ',' or ']' in an array")

    def inline_table(self):
        self.pos += 1
        table = {}
        self.section += 1
        section = self.section   # its dotted keys belong to it alone
        self.skip_spaces()
        if self.char() == "}":
            self.pos += 1
            return table
        while True:
            self.skip_spaces()
            self.key_value(table, section)
            self.skip_spaces()
            if self.char() == ",":
                self.pos += 1
            elif self.char() == "}":
                self.pos += 1
                self.forget(table)
                return table
            else:
                self.fail("expected ',' or '}' in an inline table")

    def forget(self, table):
        """An inline table is complete: nothing inside it can be extended again."""
        pending = [table]
        while pending:
            for value in pending.pop().values():
                if isinstance(value, dict):
                    self.made.pop(id(value), None)
                    pending.append(value)


def _shown(token):
    """A number as an error message shows it: a long one cut in the middle."""
    return token if len(token) <= 40 else "%s...%s (%d characters)" % (token[:20], token[-8:], len(token))


def _time(match):
    fraction = (match.group("fraction") or "")[:6].ljust(6, "0")
    return datetime.time(int(match.group("hour")), int(match.group("minute")), int(match.group("second")),
                         int(fraction))


def _dotted(keys):
    return ".".join(k if _BARE_KEY.fullmatch(k) else '"%s"' % k for k in keys)
