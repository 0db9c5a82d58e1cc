# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd's own text syntax: unit-file lines, words, quotes, C escapes,
environment assignments and environment files.

Mirrors systemd 252 (Debian 12) and 257 (Debian 13); where they differ it is
said at the function. Every function raises SyntaxProblem with systemd's own
wording where systemd refuses the input; the callers decide whether systemd
then ignores the setting (a warning) or refuses the whole unit.

- Unit files (conf-parser.c): a line ends at LF, CR, CR LF or NUL; a line
  whose first non-blank character is `#` or `;` is a comment and is dropped
  even inside a backslash continuation, which then goes on with the next
  line (so a commented-out `--flag \\` line is not part of the command);
  a line ending in an odd number of backslashes continues, the backslash
  becoming a space; a section header must end with `]`, else the file is
  refused; lines without `=` or before any section are ignored.
- Words (extract_first_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE): single
  and double quotes anywhere in a word, C escapes inside and outside quotes,
  an unknown escape, a NUL escape or an unbalanced quote is an error.
- Environment files (parse_env_file): shell-like but not a shell: no
  `export`, no expansion; see read_environment_file. Values may hold any
  UTF-8, control characters included. Checked with systemd 252 and 257 as
  PID 1 in the lab guests (tests/lab/stock/test_systemd_environment.py).
"""

from __future__ import annotations

import re

WHITESPACE = " \t\n\r"
COMMENT_CHARS = "#;"
LONG_LINE_MAX = 1024 * 1024
_LINE_END = re.compile(r"\r\n|[\r\n\0]")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                   "\\": "\\", '"': '"', "'": "'", "s": " "}
_HEX = "0123456789abcdefABCDEF"


class SyntaxProblem(ValueError):
    """Input that systemd rejects; the message is what systemd would say."""


# -- unit files ---------------------------------------------------------------

def logical_lines(text):
    """Yield (line number, text) of each logical line of a unit file, with
    comments dropped and backslash continuations joined as systemd does."""
    continuation = None
    bom_seen = False
    for number, raw in enumerate(_LINE_END.split(text), 1):
        if len(raw) > LONG_LINE_MAX:
            raise SyntaxProblem("line %d is longer than systemd's limit of 1 MiB" % number)
        stripped = raw.lstrip(WHITESPACE)
        if stripped and stripped[0] in COMMENT_CHARS:
            continue  # also inside a continuation: systemd drops it and goes on
        line = raw
        if not bom_seen and line.startswith("\ufeff"):
            line, bom_seen = line[1:], True
        line = line if continuation is None else continuation + line
        if len(line) > LONG_LINE_MAX:
            raise SyntaxProblem("continuation ending at line %d is too long" % number)
        if _ends_escaped(line):
            continuation = line[:-1] + " "
            continue
        continuation = None
        yield number, line
    if continuation is not None:
        yield number, continuation


def _ends_escaped(line):
    escaped = False
    for char in line:
        escaped = not escaped if char == "\\" else False
    return escaped


def _is_safe(name):
    return all(" " <= c != "\x7f" and c not in "\\\"'" for c in name)


def assignments(text, sections):
    """(section, key, value, line) of every assignment, as systemd's parser
    reads them. `sections` are those the unit type knows: assignments in an
    unknown section are dropped, as systemd does (with a warning)."""
    section = None
    for number, line in logical_lines(text):
        line = line.strip(WHITESPACE)
        if not line:
            continue
        if line[0] == "[":
            if line[-1] != "]":
                raise SyntaxProblem("line %d: invalid section header %r" % (number, line))
            name = line[1:-1]
            if not _is_safe(name):
                raise SyntaxProblem("line %d: bad characters in section header %r" % (number, line))
            section = name if name in sections else None
            continue
        if section is None or "=" not in line or line[0] == "=":
            continue  # outside a known section, or "Missing '='": ignored by systemd
        key, value = line.split("=", 1)
        yield section, key.strip(WHITESPACE), value.strip(WHITESPACE), number


# -- words ----------------------------------------------------------------------

def _unescape_one(text, at, strict):
    """(characters, length) of the C escape after the backslash at `at`
    (cunescape_one). An escape systemd does not know, a NUL or an
    out-of-range one is an error when `strict`, else kept as written,
    backslash included (ExecStart=: systemd 252 and 257 both load `\\q` and
    `\\x00` so)."""
    char = text[at:at + 1]
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char], 1
    if char == "x":
        digits = text[at + 1:at + 3]
        if len(digits) == 2 and all(d in _HEX for d in digits) and int(digits, 16):
            return _byte_char(int(digits, 16)), 3
    elif char in ("u", "U"):
        width = 4 if char == "u" else 8
        digits = text[at + 1:at + 1 + width]
        if len(digits) == width and all(d in _HEX for d in digits):
            value = int(digits, 16)
            if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                return chr(value), 1 + width
    elif char and char in "01234567":
        digits = text[at:at + 3]
        if len(digits) == 3 and all(d in "01234567" for d in digits):
            value = int(digits, 8)
            if 0 < value <= 255:
                return _byte_char(value), 3
    if strict:
        raise SyntaxProblem("invalid escape sequence \\%s" % char)
    return "\\" + char, 1


def _byte_char(value):
    # An eight-bit escape puts one raw byte into the word; keep ASCII as is
    # and mark other bytes so that they never compare equal to a flag name.
    return chr(value) if value < 0x80 else "\udc00" + chr(value)


EXEC = "exec"          # ExecStart=: unquote, C escapes, unknown escapes kept
ENVIRON = "environ"    # Environment=: unquote, C escapes, unknown escapes refused
VALUE = "value"        # a $VAR value split at start: unquote, backslash keeps the next char


def split_words(text, mode=EXEC):
    """The words of `text` as systemd's extract_first_word reads them in
    `mode` (EXEC, ENVIRON or VALUE, see above). An unbalanced quote is an
    error except in VALUE mode, which ends the word there."""
    words = []
    at = 0
    length = len(text)
    while True:
        while at < length and text[at] in WHITESPACE:
            at += 1
        if at >= length:
            return words
        word, at = one_word(text, at, mode)
        words.append(word)


def one_word(text, at, mode=EXEC):
    """(word, end) of the word starting at `at`."""
    out = []
    quote = None
    length = len(text)
    while at < length:
        char = text[at]
        if char == "\\":
            if at + 1 >= length:
                if mode == ENVIRON or (quote and mode == EXEC):
                    raise SyntaxProblem("trailing backslash")
                if mode == EXEC:
                    out.append("\\")
                return "".join(out), length
            if mode == VALUE:
                out.append(text[at + 1])
                at += 2
            else:
                chars, used = _unescape_one(text, at + 1, strict=mode == ENVIRON)
                out.append(chars)
                at += 1 + used
            continue
        if quote:
            if char == quote:
                quote = None
            else:
                out.append(char)
        elif char in "'\"":
            quote = char
        elif char in WHITESPACE:
            return "".join(out), at
        else:
            out.append(char)
        at += 1
    if quote and mode != VALUE:
        raise SyntaxProblem("unbalanced quoting")
    return "".join(out), at


# -- environment ------------------------------------------------------------------

def env_name_is_valid(name):
    return bool(_ENV_NAME.match(name))


def is_valid_utf8(text):
    """Whether `text` came from valid UTF-8: undecodable bytes (read with
    surrogateescape) and eight-bit C escapes (_byte_char) are surrogates."""
    return not any("\ud800" <= c <= "\udfff" for c in text)


def env_value_is_valid(value):
    """systemd's env_value_is_valid: any valid UTF-8. Control characters
    are allowed (systemd 252 as PID 1 in the lab passed \\x01, \\x1b and
    \\x7f through, from Environment= and from an environment file)."""
    return is_valid_utf8(value)


def environment_assignments(value, resolve=None):
    """The VAR=value words of an Environment= line, as systemd keeps them:
    words after a syntax error are dropped; `resolve` (specifiers) may raise
    SyntaxProblem, and systemd then skips that word; invalid assignments are
    skipped (systemd warns and goes on)."""
    kept = []
    try:
        words = split_words(value, ENVIRON)
    except SyntaxProblem:
        words = _words_before_error(value)
    for word in words:
        if resolve is not None:
            try:
                word = resolve(word)
            except SyntaxProblem:
                continue
        name, has_value, text = word.partition("=") if isinstance(word, str) else word
        if has_value and env_name_is_valid(name) and (not isinstance(text, str) or env_value_is_valid(text)):
            kept.append((name, text))
    return kept


def _words_before_error(value):
    words = []
    at = 0
    while True:
        while at < len(value) and value[at] in WHITESPACE:
            at += 1
        if at >= len(value):
            return words
        try:
            word, at = one_word(value, at, ENVIRON)
        except SyntaxProblem:
            return words
        words.append(word)


def read_environment_file(text, comment_continues):
    """[(name, value)] of an EnvironmentFile=, as systemd's parse_env_file
    reads it.

    The one difference between the versions: a comment line ending in a
    backslash swallows the next line in systemd 252 (comment_continues=True)
    and no longer does since 254, so 257 reads the next line as a setting.

    systemd refuses the whole file (SyntaxProblem here; the service then
    does not start, or with `-` the file is ignored) when it holds a NUL
    byte or when a NAME=VALUE pair has invalid UTF-8 in its name or value
    (undecodable bytes come in as surrogates: decode with surrogateescape);
    invalid UTF-8 in a comment or a line without `=` does no harm.

    A line is NAME=VALUE; blanks around the name and before the value are
    dropped; `#` or `;` at the start of a line begins a comment; a value may
    be in single quotes (taken literally) or double quotes (backslash
    escapes only `"`, `\\`, `` ` ``, `$` and a newline); outside quotes a
    backslash keeps the next character and a backslash-newline continues the
    value; trailing blanks of an unquoted value are dropped. There is no
    `export` keyword: `export A=1` names the variable "export A", which is
    invalid and ignored. Invalid names are ignored."""
    pairs = []
    state = "pre_key"
    key, value = [], []
    key_trailing_ws = value_trailing_ws = 0

    def push():
        name = "".join(key)
        if key_trailing_ws:
            name = name[:-key_trailing_ws]
        text_value = "".join(value)
        if value_trailing_ws:
            text_value = text_value[:-value_trailing_ws]
        if not (is_valid_utf8(name) and is_valid_utf8(text_value)):
            raise SyntaxProblem("invalid UTF-8 in the setting of %r" % name)
        if env_name_is_valid(name):
            pairs.append((name, text_value))

    if "\0" in text:
        raise SyntaxProblem("a NUL byte in the file")
    for char in text:
        if state == "pre_key":
            if char in COMMENT_CHARS:
                state = "comment"
            elif char not in WHITESPACE:
                state, key, key_trailing_ws = "key", [char], 0
        elif state == "key":
            if char in "\r\n":
                state = "pre_key"  # a name without "=": dropped
            elif char == "=":
                state, value, value_trailing_ws = "pre_value", [], 0
            else:
                key.append(char)
                key_trailing_ws = key_trailing_ws + 1 if char in WHITESPACE else 0
        elif state == "pre_value":
            if char in "\r\n":
                state = "pre_key"
                push()
            elif char == "'":
                state = "single_quote"
            elif char == '"':
                state = "double_quote"
            elif char == "\\":
                state = "value_escape"
            elif char not in WHITESPACE:
                state = "value"
                value.append(char)
        elif state == "value":
            if char in "\r\n":
                state = "pre_key"
                push()
            elif char == "\\":
                state = "value_escape"
                value_trailing_ws = 0
            else:
                value.append(char)
                value_trailing_ws = value_trailing_ws + 1 if char in WHITESPACE else 0
        elif state == "value_escape":
            state = "value"
            if char not in "\r\n":
                value.append(char)
        elif state == "single_quote":
            if char == "'":
                state = "pre_value"
            else:
                value.append(char)
        elif state == "double_quote":
            if char == '"':
                state = "pre_value"
            elif char == "\\":
                state = "double_quote_escape"
            else:
                value.append(char)
        elif state == "double_quote_escape":
            state = "double_quote"
            if char in '"\\`$':
                value.append(char)
            elif char != "\n":
                value.extend(("\\", char))
        elif state == "comment":
            if char == "\\":
                state = "comment_escape"
            elif char in "\r\n":
                state = "pre_key"
        elif state == "comment_escape":
            state = "pre_key" if char in "\r\n" and not comment_continues else "comment"
    if state in ("pre_value", "value", "value_escape", "single_quote", "double_quote", "double_quote_escape"):
        push()  # the file ended inside a value: systemd keeps what it has
    return pairs
