# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Numbers in text, read as the program that reads the file reads them.

One function per consumer's conversion, each naming the source and versions
it mirrors. Every one of them:
- takes only ASCII digits (the consumers are C or Go code working on bytes:
  `³`, `٣` or a fullwidth `３` is not a digit to any of them, although
  Python's str.isdigit() and int() take them);
- decides overflow from the length of the digit run before converting
  (leading zeros aside, a run longer than the type's largest value is an
  overflow), so int() only ever sees a few ASCII digits and a 5000-digit
  value is the consumer's overflow, never Python's 4300-digit ValueError;
- keeps the consumer's own rules for signs, prefixes, blanks, trailing
  text and what an overflow gives (an error, or a saturated value).

The answer is `Parsed(value, end, error)`: `end` is the index in the text
where the consumer stops reading (C's endptr; the whole length where the
consumer only takes whole strings), `error` is None, SYNTAX or RANGE (the
consumer's own name for it is in each docstring), and `value` is what the
consumer stores or returns then (0 or its saturated value on an error, as
the consumer does). A few consumers answer a plain value or None.

Tests: tests/unit/readers/numbers/ (unit cases per function, glibc's
strtoul/strtol through ctypes, Go 1.19's strconv where `go` is installed).
"""

from __future__ import annotations

import functools
import re
from collections import namedtuple

Parsed = namedtuple("Parsed", ("value", "end", "error"))
_parsed = functools.partial(tuple.__new__, Parsed)     # Parsed((value, end, error)) at C speed: the common path
SYNTAX = "syntax"
RANGE = "range"

U64_MAX = (1 << 64) - 1
I64_MAX = (1 << 63) - 1
U32_MAX = (1 << 32) - 1
I32_MAX = (1 << 31) - 1

C_SPACE = " \t\n\v\f\r"             # isspace() in the C locale (glibc, the kernel's ctype for ASCII)
GRUB_SPACE = "\n\r \t"              # kern/misc.c grub_isspace()
_RUNS = {2: re.compile(r"[01]*"), 8: re.compile(r"[0-7]*"), 10: re.compile(r"[0-9]*"),
         16: re.compile(r"[0-9a-fA-F]*")}
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_PLAIN_DECIMAL = re.compile(r"[0-9]+")
# The common case everywhere: a short plain decimal, which fits every type here but int32 (18 digits).
_SHORT_DECIMAL = re.compile(r"[1-9][0-9]{0,17}|0")
_SHORT_INT32 = re.compile(r"[1-9][0-9]{0,8}|0")
_WIDTHS = {}
# Readers meet the same few numbers again and again (65536, 0, 1, 2): each
# public function remembers its last answers (all immutable), as re does its
# patterns; a bounded count, so a hostile file cannot grow it.
_remembered = functools.lru_cache(maxsize=512)


def _width(limit, base):
    """How many digits `limit` has in `base`."""
    key = (limit, base)
    if key not in _WIDTHS:
        _WIDTHS[key] = len({2: "{:b}", 8: "{:o}", 10: "{:d}", 16: "{:x}"}[base].format(limit))
    return _WIDTHS[key]


def _run(text, start, base):
    """End of the run of `base` digits at `start`."""
    return _RUNS[base].match(text, start).end()


def _magnitude(digits, base, limit):
    """The value of ASCII `digits` in `base`, or None when it is above
    `limit`: the length decides before any conversion."""
    significant = digits.lstrip("0")
    if len(significant) > _width(limit, base):
        return None
    value = int(significant, base) if significant else 0
    return value if value <= limit else None


def _overflow_at(digits, base, limit):
    """Index of the digit at which a digit-by-digit reader passes `limit`
    (GRUB, Go), or None when the whole run fits."""
    zeros = len(digits) - len(digits.lstrip("0"))
    width = _width(limit, base)
    head = digits[zeros:zeros + width]
    if len(head) < width or int(head, base) <= limit:
        return None if len(digits) - zeros <= width else zeros + width
    return zeros + width - 1


# ------------------------------------------------------------------ C: glibc

@_remembered
def c_strtoul(text, base=0):
    """glibc 2.36 stdlib/strtol_l.c strtoul(text, &end, base) for base 0, 8,
    10 or 16 (unsigned long: 64 bits): blanks, then `+` or `-`, then for
    base 0 or 16 `0x`/`0X` (hex; `0x` with no hex digit after it reads `0`
    and ends at the `x`), for base 0 a leading `0` (octal); no digit: 0 and
    end 0. Past ULONG_MAX: ERANGE (RANGE) and ULONG_MAX; `-N` is the
    negation modulo 2^64. (glibc 2.38+ under C23 also takes `0b`: not here.)"""
    return _c_strto(text, base, False)


@_remembered
def c_strtol(text, base=0):
    """glibc 2.36 strtol(text, &end, base) (long: 64 bits): as c_strtoul,
    out of [LONG_MIN, LONG_MAX] ERANGE (RANGE) saturating to the bound."""
    return _c_strto(text, base, True)


def _c_strto(text, base, signed):
    if base in (0, 10) and _SHORT_DECIMAL.fullmatch(text):
        return _parsed((int(text), len(text), None))
    at = 0
    size = len(text)
    while at < size and text[at] in C_SPACE:
        at += 1
    negative = at < size and text[at] == "-"
    if at < size and text[at] in "+-":
        at += 1
    if base in (0, 16) and text[at:at + 1] == "0" and text[at + 1:at + 2] in ("x", "X"):
        if text[at + 2:at + 3] in HEX_DIGITS and text[at + 2:at + 3]:
            base, at = 16, at + 2
        else:
            return Parsed(0, at + 1, None)      # "0x" alone: the 0, endptr at the x
    elif base == 0:
        base = 8 if text[at:at + 1] == "0" else 10
    end = _run(text, at, base)
    if end == at:
        return Parsed(0, 0, None)
    limit = (I64_MAX + 1 if negative else I64_MAX) if signed else U64_MAX
    value = _magnitude(text[at:end], base, limit)
    if value is None:
        if signed:
            return Parsed(-(I64_MAX + 1) if negative else I64_MAX, end, RANGE)
        return Parsed(U64_MAX, end, RANGE)
    if negative:
        value = -value if signed else (-value) & U64_MAX
    return Parsed(value, end, None)


def c_int32(value):
    """C's (int) conversion of an integer (signed or unsigned, any width) on
    x86 with GCC or Clang: a 32-bit two's complement int, so its low 32 bits
    read as signed (an out-of-range conversion is implementation-defined in
    C; GCC documents it as reduction modulo 2^32)."""
    value &= U32_MAX
    return value - (1 << 32) if value > I32_MAX else value


def c_atoi(text):
    """glibc atoi(text): (int) strtol(text, NULL, 10); an out-of-range long
    saturates, then the cast to a 32-bit int keeps its low 32 bits."""
    return c_int32(_c_strto(text, 10, True).value)


# ------------------------------------------------------------------ GRUB

@_remembered
def grub_strtoull(text, base=0):
    """GRUB 2.06 grub-core/kern/misc.c grub_strtoull(): see _grub_strtoull."""
    return _grub_strtoull(text, base)


def _grub_strtoull(text, base):
    """GRUB 2.06 grub-core/kern/misc.c grub_strtoull(text, &end, base), the
    same in RHEL's fork (437-512): grub_isspace() blanks, no sign; `0x`
    (lowercase x only) is hex for base 0 or 16, `0` then 0-7 octal for base
    0, else decimal (so `08` is 8). No digit: GRUB_ERR_BAD_NUMBER (SYNTAX),
    0, end at where the digits should be. Past 2^64-1:
    GRUB_ERR_OUT_OF_RANGE (RANGE), ~0ULL, end at the digit that overflowed."""
    if base in (0, 10) and _SHORT_DECIMAL.fullmatch(text):
        return _parsed((int(text), len(text), None))
    at = 0
    while at < len(text) and text[at] in GRUB_SPACE:
        at += 1
    if text[at:at + 1] == "0":
        if text[at + 1:at + 2] == "x" and base in (0, 16):
            base, at = 16, at + 2
        elif base == 0 and text[at + 1:at + 2] in tuple("01234567"):
            base = 8
    base = base or 10
    end = _run(text, at, base)
    if end == at:
        return Parsed(0, at, SYNTAX)
    stop = _overflow_at(text[at:end], base, U64_MAX)
    if stop is not None:
        return Parsed(U64_MAX, at + stop, RANGE)
    return Parsed(int(text[at:end].lstrip("0") or "0", base), end, None)


@_remembered
def grub_strtoul(text, base=0, long_bits=64):
    """GRUB 2.06 include/grub/misc.h grub_strtoul(): grub_strtoull(), and
    where `long` is 32 bits (i386-pc, BIOS) a value past 2^32-1 is
    GRUB_ERR_OUT_OF_RANGE (RANGE) and ~0UL too."""
    parsed = _grub_strtoull(text, base)
    if long_bits == 32 and parsed.error is None and parsed.value > U32_MAX:
        return Parsed(U32_MAX, parsed.end, RANGE)
    if long_bits == 32 and parsed.error == RANGE:
        return Parsed(U32_MAX, parsed.end, RANGE)
    return parsed


# ------------------------------------------------------------------ Go

_GO_DIGITS = {c: int(c, 36) for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}


@_remembered
def go_parse_uint(text, base=10, bit_size=64):
    """Go strconv.ParseUint: see _go_parse_uint."""
    return _go_parse_uint(text, base, bit_size)


def _go_parse_uint(text, base, bit_size):
    """Go 1.19-1.23 strconv.ParseUint(text, base, bitSize), base 0 or 2-36:
    no sign, no blanks; base 0 reads `0b`/`0o`/`0x` (either case) and a
    leading `0` as octal, and then allows `_` between digits (underscoreOK);
    "" or a bad digit: ErrSyntax (SYNTAX, 0); past 2^bitSize-1: ErrRange
    (RANGE, the maximum), decided at the digit that overflows, before any
    later bad character is seen (as ParseUint does)."""
    if not text:
        return Parsed(0, 0, SYNTAX)
    if base == 10 and bit_size == 64 and _SHORT_DECIMAL.fullmatch(text):
        return _parsed((int(text), len(text), None))
    maximum = (1 << bit_size) - 1
    whole, body, with_prefix = text, text, base == 0
    if base == 0:
        base = 10
        if text[0] == "0":
            prefix = text[1:2].lower()
            if len(text) >= 3 and prefix in ("b", "o", "x"):
                base, body = {"b": 2, "o": 8, "x": 16}[prefix], text[2:]
            else:
                base, body = 8, text[1:]
    plain = body.replace("_", "") if with_prefix else body
    if base in _RUNS and _RUNS[base].fullmatch(plain):
        stop = _overflow_at(plain, base, maximum)
        if stop is not None:
            return Parsed(maximum, len(text), RANGE)
        if "_" in body and not _go_underscores_ok(whole):
            return Parsed(0, len(text), SYNTAX)
        return Parsed(int(plain.lstrip("0") or "0", base), len(text), None)
    value = 0
    for char in body:                       # any other base, or a bad character: digit by digit
        if char == "_" and with_prefix:
            continue
        digit = _GO_DIGITS.get(char, 99)
        if digit >= base:
            return Parsed(0, len(text), SYNTAX)
        value = value * base + digit
        if value > maximum:
            return Parsed(maximum, len(text), RANGE)
    if with_prefix and "_" in body and not _go_underscores_ok(whole):
        return Parsed(0, len(text), SYNTAX)
    return Parsed(value, len(text), None)


def _go_underscores_ok(text):
    """strconv's underscoreOK(): `_` only between digits (a base prefix counts as one)."""
    if text[:1] in ("+", "-"):
        text = text[1:]
    saw, start, hexadecimal = "^", 0, False
    if len(text) >= 2 and text[0] == "0" and text[1].lower() in "box":
        saw, start, hexadecimal = "0", 2, text[1].lower() == "x"
    for char in text[start:]:
        if "0" <= char <= "9" or hexadecimal and char in HEX_DIGITS:
            saw = "0"
        elif char == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


@_remembered
def go_parse_int(text, base=10, bit_size=64):
    """Go strconv.ParseInt: see _go_parse_int."""
    return _go_parse_int(text, base, bit_size)


def _go_parse_int(text, base, bit_size):
    """Go strconv.ParseInt(text, base, bitSize): one `+` or `-`, then
    ParseUint's rules; out of range: ErrRange (RANGE) with the bound."""
    if not text:
        return Parsed(0, 0, SYNTAX)
    negative = text[0] == "-"
    unsigned = _go_parse_uint(text[1:] if text[0] in "+-" else text, base, bit_size)
    if unsigned.error == SYNTAX:
        return Parsed(0, len(text), SYNTAX)
    cutoff = 1 << (bit_size - 1)
    if not negative and (unsigned.error or unsigned.value >= cutoff):
        return Parsed(cutoff - 1, len(text), RANGE)
    if negative and (unsigned.error or unsigned.value > cutoff):
        return Parsed(-cutoff, len(text), RANGE)
    return _parsed((-unsigned.value if negative else unsigned.value, len(text), None))


GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}


def go_parse_bool(text):
    """Go strconv.ParseBool: exactly one of its twelve spellings; None (ErrSyntax) otherwise."""
    return GO_BOOLS.get(text)


@_remembered
def go_json_integer(literal, signed=True, bits=64):
    """encoding/json (Go 1.19-1.23) literalStore() of a JSON number into an
    int/intN (ParseInt(s, 10, 64), then OverflowInt) or uint/uintN
    (ParseUint(s, 10, 64), then OverflowUint), as dockerd decodes
    daemon.json into its config struct: the value, or None where json
    answers "cannot unmarshal number ... into Go value of type ..." (a
    fraction, an exponent, a sign on a uint, out of range)."""
    if bits == 64 and _SHORT_DECIMAL.fullmatch(literal):
        return int(literal)
    parsed = _go_parse_int(literal, 10, 64) if signed else _go_parse_uint(literal, 10, 64)
    if parsed.error:
        return None
    value = parsed.value
    if signed:
        return value if -(1 << (bits - 1)) <= value < 1 << (bits - 1) else None
    return value if value < 1 << bits else None


# ------------------------------------------------------------------ TOML

_TOML_INTEGER = re.compile(
    r"(?P<sign>[+-]?)(?P<dec>0|[1-9](?:_?[0-9])*)"
    r"|0x(?P<hex>[0-9A-Fa-f](?:_?[0-9A-Fa-f])*)|0o(?P<oct>[0-7](?:_?[0-7])*)|0b(?P<bin>[01](?:_?[01])*)")


@_remembered
def toml_integer(text):
    """A TOML 1.0 integer (the whole text): decimal with `_` between digits,
    no leading zero, `+`/`-` on decimals only; `0x` (hex digits of either
    case), `0o`, `0b` lowercase prefixes, `_` between digits; a value out of
    the signed 64-bit range is an error (RANGE; the spec: "an error must be
    thrown"), as BurntSushi/toml 1.3 (containers.conf) and tomllib with
    int64 consumers answer."""
    if _SHORT_DECIMAL.fullmatch(text):
        return _parsed((int(text), len(text), None))
    match = _TOML_INTEGER.fullmatch(text)
    if not match:
        return Parsed(0, 0, SYNTAX)
    negative = match.group("sign") == "-"
    for group, base in (("dec", 10), ("hex", 16), ("oct", 8), ("bin", 2)):
        if match.group(group) is not None:
            break
    value = _magnitude(match.group(group).replace("_", ""), base, I64_MAX + 1 if negative else I64_MAX)
    if value is None:
        return Parsed(0, len(text), RANGE)
    return Parsed(-value if negative else value, len(text), None)


# ------------------------------------------------------------------ shadow

@_remembered
def shadow_getulong(text):
    """shadow 4.13 lib/getulong.c getulong(): strtoul(text, &end, 0) with a
    non-empty text wholly consumed and no ERANGE; the value, or None."""
    if not text:
        return None
    parsed = _c_strto(text, 0, False)
    if parsed.error or parsed.end != len(text):
        return None
    return parsed.value


@_remembered
def passwd_id(text):
    """A uid or gid field of /etc/passwd or /etc/group as this collection
    takes it: plain ASCII decimal that fits a 32-bit uid_t/gid_t and is not
    (uid_t)-1 (the kernel's "no id"; shadow 4.13 lib/get_uid.c refuses what
    does not fit uid_t). The value, or None."""
    return plain_decimal(text, U32_MAX - 1)


def plain_decimal(text, limit):
    """Non-empty ASCII decimal digits and nothing else, at most `limit`: the
    value, or None (the digit loops of systemd-boot's counters and the
    like, which stop at a non-digit and give up on an overflow)."""
    if not _PLAIN_DECIMAL.fullmatch(text or ""):
        return None
    return _magnitude(text, 10, limit)


# ------------------------------------------------------------------ the kernel

@_remembered
def kstrtoull(text, base=0):
    """Linux lib/kstrtox.c (6.1, 6.12) kstrtoull(text, base): one leading
    `+`; base 0: `0x` then a hex digit is hex, `0` octal, else decimal;
    at least one digit, then at most one `\\n`, then the end. -EINVAL
    (SYNTAX) or -ERANGE (RANGE, tested first: `99...9x` past 2^64 is
    ERANGE) leave the value unset: 0 here."""
    return _kstrto(text, 1 if text[:1] == "+" else 0, base, U64_MAX)


def _kstrto(text, at, base, limit):
    if base in (0, 10) and at == 0 and _SHORT_INT32.fullmatch(text):
        value = int(text)
        return _parsed((value, len(text), None)) if value <= limit else Parsed(0, len(text), RANGE)
    if base in (0, 16) and text[at:at + 1] == "0" and text[at + 1:at + 2] in ("x", "X"):
        if base == 16 or text[at + 2:at + 3] and text[at + 2:at + 3] in HEX_DIGITS:
            base, at = 16, at + 2
    if base == 0:
        base = 8 if text[at:at + 1] == "0" else 10
    end = _run(text, at, base)
    value = _magnitude(text[at:end], base, U64_MAX)
    if value is None:
        return Parsed(0, end, RANGE)
    if end == at:
        return Parsed(0, end, SYNTAX)
    rest = text[end + 1:] if text[end:end + 1] == "\n" else text[end:]
    if rest:
        return Parsed(0, end, SYNTAX)
    if value > limit:
        return Parsed(0, end, RANGE)
    return Parsed(value, len(text), None)


@_remembered
def kstrtoul(text, base=0):
    """kstrtoul(): kstrtoull() into a 64-bit unsigned long."""
    return _kstrto(text, 1 if text[:1] == "+" else 0, base, U64_MAX)


@_remembered
def kstrtouint(text, base=0):
    """kstrtouint(): kstrtoull(), -ERANGE past 2^32-1."""
    return _kstrto(text, 1 if text[:1] == "+" else 0, base, U32_MAX)


@_remembered
def kstrtoll(text, base=0, bits=64):
    """kstrtoll(): `-` then _kstrtoull() (no `+` after it), else
    kstrtoull(); -ERANGE outside the signed range of `bits`."""
    return _kstrtoll(text, base, bits)


def _kstrtoll(text, base, bits):
    cutoff = 1 << (bits - 1)
    if text[:1] == "-":
        parsed = _kstrto(text, 1, base, cutoff)
        return parsed if parsed.error else Parsed(-parsed.value, len(text), None)
    return _kstrto(text, 1 if text[:1] == "+" else 0, base, cutoff - 1)


@_remembered
def kstrtoint(text, base=0):
    """kstrtoint(): kstrtoll(), -ERANGE outside [INT_MIN, INT_MAX]."""
    return _kstrtoll(text, base, 32)


def kstrtobool(text):
    """lib/kstrtox.c kstrtobool() since 5.19 (commit 0d6ea3ac94ca, so in 6.1
    and 6.12): the first character `y`/`Y`/`t`/`T`/`1` is true,
    `n`/`N`/`f`/`F`/`0` false, `o`/`O` then `n`/`N` true, then `f`/`F`
    false; anything else (empty or NULL included) -EINVAL: None."""
    first = (text or "")[:1]
    if first and first in "yYtT1":
        return True
    if first and first in "nNfF0":
        return False
    if first and first in "oO":
        return {"n": True, "N": True, "f": False, "F": False}.get(text[1:2])   # "o" alone: s[1] is the NUL
    return None


_PROC_TMPBUFLEN = 22
_PROC_TRAILERS = " \t\n"        # proc_wspace_sep


@_remembered
def proc_dointvec(text):
    """The value a write of `text` to an int sysctl (proc_dointvec,
    kernel/sysctl.c 6.1 and 6.12) stores: proc_skip_spaces(), then
    proc_get_long(): an optional `-` (not `+`), a decimal digit, then
    strtoul_lenient(p, 0) (base 0: `0x` hex, `0` octal) on the first 21
    bytes only (a number of 21 bytes or more is -EINVAL), followed by the
    end or a blank/newline; then the int range (-2^31..2^31-1).
    Parsed(value, end after the number, None) or (0, _, SYNTAX) for -EINVAL.
    What follows the number (after blanks) is the caller's to judge."""
    if _SHORT_INT32.fullmatch(text):
        return _parsed((int(text), len(text), None))
    at = 0
    while at < len(text) and text[at] in C_SPACE:
        at += 1
    chunk = text[at:at + _PROC_TMPBUFLEN - 1]
    negative = chunk[:1] == "-" and len(text) - at > 1
    start = 1 if negative else 0
    if not chunk[start:start + 1] or chunk[start] not in "0123456789":
        return Parsed(0, at, SYNTAX)
    base, digits_at = 10, start
    if chunk[start] == "0":
        base = 8
        if chunk[start + 1:start + 2] in ("x", "X") and chunk[start + 2:start + 3] and \
                chunk[start + 2] in HEX_DIGITS:
            base, digits_at = 16, start + 2
    end = _run(chunk, digits_at, base)
    value = _magnitude(chunk[digits_at:end], base, U64_MAX)
    if value is None or end == _PROC_TMPBUFLEN - 1:
        return Parsed(0, at + end, SYNTAX)
    if at + end < len(text) and text[at + end] not in _PROC_TRAILERS:
        return Parsed(0, at + end, SYNTAX)
    if value > (I32_MAX + 1 if negative else I32_MAX):
        return Parsed(0, at + end, SYNTAX)
    return Parsed(-value if negative else value, at + end, None)


@_remembered
def proc_dointvec_whole(text):
    """The int an int sysctl holds after `text` is written to it, or None:
    proc_dointvec() above, and nothing but blanks after the number (with
    more, the write ends short and what follows is refused: not judged as
    a value). A newline after the text (systemd-sysctl adds one) changes
    nothing: it is a blank to proc_get_long."""
    if _SHORT_INT32.fullmatch(text):
        return int(text)
    parsed = proc_dointvec.__wrapped__(text)
    if parsed.error or text[parsed.end:].strip(" \t\n"):
        return None
    return parsed.value
