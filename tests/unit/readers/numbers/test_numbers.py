# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""numbers.py, function by function: the edge cases every consumer must be
held to (empty, sign only, a prefix without digits, leading zeros, `08`,
the type's maximum and one past it, 5000 digits, non-ASCII digits, blanks,
a trailing newline). The verdicts are the consumers' from their sources;
test_numbers_consumer.py runs glibc and Go on the same kind of inputs."""

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import numbers as n
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.numbers import (
    RANGE, SYNTAX, U32_MAX, U64_MAX, I64_MAX,
)

HUGE = "9" * 5000
ODD_DIGITS = ("\u00b3", "\u0663", "\uff13", "1\u00b3", "\u0661\u0660")   # superscript, Arabic-Indic, fullwidth


# ------------------------------------------------------------------ glibc strtoul / strtol / atoi

@pytest.mark.parametrize("text,base,expected", [
    ("", 0, (0, 0, None)),
    ("-", 0, (0, 0, None)),
    ("+", 10, (0, 0, None)),
    ("0x", 0, (0, 1, None)),                  # the 0, endptr at the x
    ("0xg", 16, (0, 1, None)),
    ("0x1F", 0, (31, 4, None)),
    ("0X1f", 16, (31, 4, None)),
    ("0x1f", 10, (0, 1, None)),
    ("010", 0, (8, 3, None)),
    ("010", 10, (10, 3, None)),
    ("08", 0, (0, 1, None)),
    ("0008", 10, (8, 4, None)),
    (" \t\n\v\f\r42", 0, (42, 8, None)),
    ("\u00a042", 0, (0, 0, None)),            # a no-break space is not C's isspace
    ("42\n", 0, (42, 2, None)),
    ("18446744073709551615", 10, (U64_MAX, 20, None)),
    ("18446744073709551616", 10, (U64_MAX, 20, RANGE)),
    ("0xffffffffffffffff", 0, (U64_MAX, 18, None)),
    ("0x10000000000000000", 0, (U64_MAX, 19, RANGE)),
    ("-1", 0, (U64_MAX, 2, None)),
    ("-18446744073709551615", 10, (1, 21, None)),
    ("-18446744073709551616", 10, (U64_MAX, 21, RANGE)),
    ("0" * 5000 + "7", 10, (7, 5001, None)),
    (HUGE, 10, (U64_MAX, 5000, RANGE)),
    (HUGE + "x", 0, (U64_MAX, 5000, RANGE)),
])
def test_c_strtoul(text, base, expected):
    assert tuple(n.c_strtoul(text, base)) == expected


@pytest.mark.parametrize("text", ODD_DIGITS)
def test_c_strtoul_takes_no_other_digits(text):
    parsed = n.c_strtoul(text)
    assert parsed.end == (1 if text[0] == "1" else 0) and parsed.error is None


@pytest.mark.parametrize("text,expected", [
    ("9223372036854775807", (I64_MAX, 19, None)),
    ("9223372036854775808", (I64_MAX, 19, RANGE)),
    ("-9223372036854775808", (-I64_MAX - 1, 20, None)),
    ("-9223372036854775809", (-I64_MAX - 1, 20, RANGE)),
    ("-" + HUGE, (-I64_MAX - 1, 5001, RANGE)),
    (" -0x10", (-16, 6, None)),
])
def test_c_strtol(text, expected):
    assert tuple(n.c_strtol(text, 0)) == expected


@pytest.mark.parametrize("text,expected", [
    ("1", 1), ("  -1", -1), ("", 0), ("x", 0), ("4294967297", 1), ("2147483648", -2147483648),
    (HUGE, -1), ("-" + HUGE, 0), ("\u0663", 0), ("0x10", 0), ("010", 10),
])
def test_c_atoi(text, expected):
    assert n.c_atoi(text) == expected


@pytest.mark.parametrize("value,expected", [
    (0, 0), (7, 7), ((1 << 31) - 1, (1 << 31) - 1), (1 << 31, -(1 << 31)), (U32_MAX, -1), (U32_MAX + 2, 1),
    (U64_MAX, -1), (-1, -1), (-(1 << 31) - 1, (1 << 31) - 1),
])
def test_c_int32(value, expected):
    """C's (int) of an integer on x86: the low 32 bits, signed (the consumer test holds it to `cc`)."""
    assert n.c_int32(value) == expected


# ------------------------------------------------------------------ GRUB

@pytest.mark.parametrize("text,expected", [
    ("", (0, 0, SYNTAX)),
    ("-1", (0, 0, SYNTAX)),                    # no sign in grub_strtoull
    ("+1", (0, 0, SYNTAX)),
    ("0x", (0, 2, SYNTAX)),                    # base 16, past the 0x, no digit
    ("0X1", (0, 1, None)),                     # only a lowercase x is hex
    ("0x1F", (31, 4, None)),
    ("010", (8, 3, None)),
    ("08", (8, 2, None)),                      # 0 then 8: not octal, decimal 8
    ("0", (0, 1, None)),
    (" \t\r\n7", (7, 5, None)),
    ("\v7", (0, 0, SYNTAX)),                   # grub_isspace() has no \v or \f
    ("1 ", (1, 1, None)),
    ("18446744073709551615", (U64_MAX, 20, None)),
    ("18446744073709551616", (U64_MAX, 19, RANGE)),    # end at the digit that overflowed
    ("1844674407370955161600", (U64_MAX, 19, RANGE)),
    ("99999999999999999999", (U64_MAX, 19, RANGE)),
    ("000" + "18446744073709551616", (1, 4, None)),   # 00 is octal: 0001, then 8 stops it
    (HUGE, (U64_MAX, 19, RANGE)),
    ("\u0663", (0, 0, SYNTAX)),
    ("\uff13", (0, 0, SYNTAX)),
])
def test_grub_strtoull(text, expected):
    assert tuple(n.grub_strtoull(text)) == expected


def test_grub_strtoul_on_a_32_bit_long():
    assert tuple(n.grub_strtoul("4294967295", long_bits=32)) == (U32_MAX, 10, None)
    assert tuple(n.grub_strtoul("4294967296", long_bits=32)) == (U32_MAX, 10, RANGE)
    assert n.grub_strtoul(HUGE, long_bits=32).error == RANGE
    assert tuple(n.grub_strtoul("4294967296")) == (1 << 32, 10, None)


# ------------------------------------------------------------------ Go strconv

@pytest.mark.parametrize("text,base,bits,expected", [
    ("", 10, 64, (0, SYNTAX)),
    ("+", 10, 64, (0, SYNTAX)),
    ("-", 10, 64, (0, SYNTAX)),
    ("+5", 10, 64, (5, None)),
    ("-0", 10, 64, (0, None)),
    ("+-5", 10, 64, (0, SYNTAX)),
    (" 5", 10, 64, (0, SYNTAX)),
    ("5\n", 10, 64, (0, SYNTAX)),
    ("007", 10, 64, (7, None)),
    ("1_000", 10, 64, (0, SYNTAX)),           # underscores only with base 0
    ("1_000", 0, 64, (1000, None)),
    ("_1000", 0, 64, (0, SYNTAX)),
    ("1__000", 0, 64, (0, SYNTAX)),
    ("1000_", 0, 64, (0, SYNTAX)),
    ("0x_1F", 0, 64, (31, None)),             # the prefix counts as a digit
    ("0X1f", 0, 64, (31, None)),
    ("0x", 0, 64, (0, SYNTAX)),
    ("0b101", 0, 64, (5, None)),
    ("0o17", 0, 64, (15, None)),
    ("017", 0, 64, (15, None)),
    ("08", 0, 64, (0, SYNTAX)),
    ("0_7", 0, 64, (7, None)),
    ("9223372036854775807", 10, 64, (I64_MAX, None)),
    ("9223372036854775808", 10, 64, (I64_MAX, RANGE)),
    ("-9223372036854775808", 10, 64, (-I64_MAX - 1, None)),
    ("-9223372036854775809", 10, 64, (-I64_MAX - 1, RANGE)),
    ("2147483648", 10, 32, (2 ** 31 - 1, RANGE)),
    ("-2147483648", 0, 32, (-2 ** 31, None)),
    (HUGE, 10, 64, (I64_MAX, RANGE)),
    (HUGE + "x", 10, 64, (I64_MAX, RANGE)),    # the range error comes first, at the digit that overflows
    ("x" + HUGE, 10, 64, (0, SYNTAX)),
    ("\u0663", 10, 64, (0, SYNTAX)),
    ("\uff13", 0, 64, (0, SYNTAX)),
    ("z", 36, 64, (35, None)),
])
def test_go_parse_int(text, base, bits, expected):
    parsed = n.go_parse_int(text, base, bits)
    assert (parsed.value, parsed.error) == expected


@pytest.mark.parametrize("text,base,bits,expected", [
    ("", 10, 64, (0, SYNTAX)),
    ("+5", 10, 64, (0, SYNTAX)),
    ("-0", 10, 64, (0, SYNTAX)),
    ("18446744073709551615", 10, 64, (U64_MAX, None)),
    ("18446744073709551616", 10, 64, (U64_MAX, RANGE)),
    ("4294967296", 10, 32, (U32_MAX, RANGE)),
    ("0xFFFF_FFFF", 0, 32, (U32_MAX, None)),
    (HUGE, 0, 64, (U64_MAX, RANGE)),
    ("0" * 5000, 10, 64, (0, None)),
])
def test_go_parse_uint(text, base, bits, expected):
    parsed = n.go_parse_uint(text, base, bits)
    assert (parsed.value, parsed.error) == expected


@pytest.mark.parametrize("text,expected", [
    ("1", True), ("t", True), ("T", True), ("TRUE", True), ("true", True), ("True", True),
    ("0", False), ("f", False), ("F", False), ("FALSE", False), ("false", False), ("False", False),
    ("", None), ("tRUE", None), ("yes", None), ("on", None), (" true", None), ("true\n", None), ("\u00b9", None),
])
def test_go_parse_bool(text, expected):
    assert n.go_parse_bool(text) is expected


@pytest.mark.parametrize("literal,signed,bits,expected", [
    ("1", True, 64, 1), ("-1", True, 64, -1), ("-1", False, 64, None), ("1.0", True, 64, None),
    ("1e3", True, 64, None), ("9223372036854775808", True, 64, None), ("18446744073709551615", False, 64, U64_MAX),
    ("128", True, 8, None), ("-128", True, 8, -128), (HUGE, True, 64, None), (HUGE, False, 64, None),
])
def test_go_json_integer(literal, signed, bits, expected):
    assert n.go_json_integer(literal, signed=signed, bits=bits) == expected


# ------------------------------------------------------------------ TOML 1.0

@pytest.mark.parametrize("text,expected", [
    ("0", (0, None)), ("+0", (0, None)), ("-0", (0, None)), ("1_000", (1000, None)),
    ("", (0, SYNTAX)), ("+", (0, SYNTAX)), ("-", (0, SYNTAX)), ("01", (0, SYNTAX)), ("1__0", (0, SYNTAX)),
    ("_1", (0, SYNTAX)), ("1_", (0, SYNTAX)), ("0x", (0, SYNTAX)), ("0X1", (0, SYNTAX)), ("+0x1", (0, SYNTAX)),
    ("0xdead_BEEF", (0xDEADBEEF, None)), ("0o0_7", (7, None)), ("0b1_0", (2, None)), ("0o8", (0, SYNTAX)),
    ("0x00000000000000000000000000ff", (255, None)),
    ("9223372036854775807", (I64_MAX, None)), ("9223372036854775808", (0, RANGE)),
    ("-9223372036854775808", (-I64_MAX - 1, None)), ("-9223372036854775809", (0, RANGE)),
    ("0x7fffffffffffffff", (I64_MAX, None)), ("0x8000000000000000", (0, RANGE)),
    (HUGE, (0, RANGE)), ("1_" * 2500 + "1", (0, RANGE)),
    ("\u00b3", (0, SYNTAX)), ("\u0663", (0, SYNTAX)), ("\uff13", (0, SYNTAX)), (" 1", (0, SYNTAX)), ("1\n", (0, SYNTAX)),
])
def test_toml_integer(text, expected):
    parsed = n.toml_integer(text)
    assert (parsed.value, parsed.error) == expected


# ------------------------------------------------------------------ shadow

@pytest.mark.parametrize("text,expected", [
    ("100000", 100000), ("0x186a0", 100000), ("0303240", 100000), (" 100000", 100000), ("+1", 1),
    ("-1", U64_MAX), ("", None), ("-", None), ("0x", None), ("08", None), ("1 ", None), ("1\n", None),
    ("18446744073709551615", U64_MAX), ("18446744073709551616", None), (HUGE, None), ("0" * 5000, 0),
    ("\u00b3", None), ("\u0663", None), ("\uff13", None),
])
def test_shadow_getulong(text, expected):
    assert n.shadow_getulong(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("0", 0), ("1000", 1000), ("4294967294", 4294967294), ("4294967295", None), ("4294967296", None),
    ("", None), ("-1", None), ("+1", None), (" 1", None), ("1\n", None), (HUGE, None), ("\u00b3", None),
    ("\u0663", None), ("\uff13", None), (None, None), ("00001000", 1000),
])
def test_passwd_id(text, expected):
    assert n.passwd_id(text) == expected


# ------------------------------------------------------------------ the kernel

@pytest.mark.parametrize("text,expected", [
    ("0", (0, None)), ("+1", (1, None)), ("1\n", (1, None)), ("1\n\n", (0, SYNTAX)), ("1 ", (0, SYNTAX)),
    (" 1", (0, SYNTAX)), ("", (0, SYNTAX)), ("+", (0, SYNTAX)), ("-1", (0, SYNTAX)), ("++1", (0, SYNTAX)),
    ("0x10", (16, None)), ("0X10", (16, None)), ("0x", (0, SYNTAX)), ("0xg", (0, SYNTAX)), ("010", (8, None)),
    ("08", (0, SYNTAX)), ("18446744073709551615", (U64_MAX, None)), ("18446744073709551616", (0, RANGE)),
    (HUGE, (0, RANGE)), (HUGE + "x", (0, RANGE)), ("\u00b3", (0, SYNTAX)), ("\u0663", (0, SYNTAX)),
    ("\uff13", (0, SYNTAX)),
])
def test_kstrtoul(text, expected):
    parsed = n.kstrtoul(text)
    assert (parsed.value, parsed.error) == expected


@pytest.mark.parametrize("text,expected", [
    ("4294967295", (U32_MAX, None)), ("4294967296", (0, RANGE)), ("+0xffffffff\n", (U32_MAX, None)),
])
def test_kstrtouint(text, expected):
    parsed = n.kstrtouint(text)
    assert (parsed.value, parsed.error) == expected


@pytest.mark.parametrize("text,expected", [
    ("-1", (-1, None)), ("-0", (0, None)), ("-+1", (0, SYNTAX)), ("+-1", (0, SYNTAX)), ("-", (0, SYNTAX)),
    ("2147483647", (2 ** 31 - 1, None)), ("2147483648", (0, RANGE)), ("-2147483648", (-2 ** 31, None)),
    ("-2147483649", (0, RANGE)), ("-0x80000000\n", (-2 ** 31, None)), ("-" + HUGE, (0, RANGE)),
])
def test_kstrtoint(text, expected):
    parsed = n.kstrtoint(text)
    assert (parsed.value, parsed.error) == expected


def test_kstrtoll_bounds():
    assert tuple(n.kstrtoll("-9223372036854775808"))[::2] == (-I64_MAX - 1, None)
    assert n.kstrtoll("-9223372036854775809").error == RANGE
    assert n.kstrtoll("9223372036854775808").error == RANGE


def _kstrtobool_from_source(text):
    """lib/kstrtox.c kstrtobool() of Linux 6.1 and 6.12 (0d6ea3ac94ca, 5.19, added t/T/f/F),
    written out as its switch statements read: the oracle for every one- and two-character input."""
    first = text[0] if text else "\0"
    second = text[1] if len(text) > 1 else "\0"
    if first in ("y", "Y", "t", "T", "1"):
        return True
    if first in ("n", "N", "f", "F", "0"):
        return False
    if first in ("o", "O"):
        if second in ("n", "N"):
            return True
        if second in ("f", "F"):
            return False
    return None


def test_kstrtobool_every_short_input():
    alphabet = [chr(c) for c in range(1, 128)] + ["\u00b9", "\u0661", "\uff11"]
    inputs = [""] + alphabet + [a + b for a in "oOyn1x" for b in alphabet]
    for text in inputs:
        assert n.kstrtobool(text) is _kstrtobool_from_source(text), repr(text)
    assert n.kstrtobool(None) is None
    assert n.kstrtobool("off") is False and n.kstrtobool("on") is True and n.kstrtobool("o") is None
    assert n.kstrtobool("true") is True and n.kstrtobool("false") is False and n.kstrtobool("yes-no") is True


@pytest.mark.parametrize("text,expected", [
    ("1", (1, None)), ("1\n", (1, None)), ("  2 ", (2, None)), ("\t-5\n", (-5, None)), ("-0", (0, None)),
    ("0x10", (16, None)), ("010", (8, None)), ("08", (0, SYNTAX)), ("0x", (0, SYNTAX)), ("0xg", (0, SYNTAX)),
    ("+1", (0, SYNTAX)), ("-", (0, SYNTAX)), ("", (0, SYNTAX)), ("\n", (0, SYNTAX)), ("1a", (0, SYNTAX)),
    ("1,2", (0, SYNTAX)),
    ("2147483647", (2 ** 31 - 1, None)), ("2147483648", (0, SYNTAX)), ("-2147483648", (-2 ** 31, None)),
    ("-2147483649", (0, SYNTAX)), ("18446744073709551616", (0, SYNTAX)),
    ("0" * 20 + "1", (0, SYNTAX)),          # 21 bytes: the kernel cannot tell what follows, -EINVAL
    ("0" * 19 + "1", (1, None)),
    (HUGE, (0, SYNTAX)), ("\u00b3", (0, SYNTAX)), ("\u0663", (0, SYNTAX)), ("\uff13", (0, SYNTAX)),
])
def test_proc_dointvec(text, expected):
    parsed = n.proc_dointvec(text)
    assert (parsed.value, parsed.error) == expected


def test_proc_dointvec_stops_after_the_number():
    parsed = n.proc_dointvec(" 1 2\n")
    assert tuple(parsed) == (1, 2, None)


# ------------------------------------------------------------------ no int() on unbounded text

def test_huge_inputs_are_never_python_errors():
    """5000 and 100000 digits: the consumer's verdict (Python's own int()
    refuses past 4300 digits). How long it takes is bench/numbers_speed.py's."""
    for digits in ("9" * 5000, "7" * 100000):
        for function in (n.c_strtoul, n.c_strtol, n.grub_strtoull, n.kstrtoul, n.kstrtoint, n.proc_dointvec,
                         n.toml_integer, n.go_parse_int, n.go_parse_uint):
            assert function(digits).error in (RANGE, SYNTAX, None)
        assert n.shadow_getulong(digits) is None and n.passwd_id(digits) is None


@pytest.mark.parametrize("text,expected", [
    ("2", 2), ("2\n", 2), (" 2 \t", 2), ("0x2", 2), ("010", 8), ("-1", -1), ("2 # two", None), ("1 2", None),
    ("+2", None), ("\uff12", None), ("", None), (HUGE, None), ("2147483648", None),
])
def test_proc_dointvec_whole(text, expected):
    assert n.proc_dointvec_whole(text) == expected


def test_remembered_answers_are_the_computed_ones():
    """The bounded memory of answers changes nothing: a repeated call gives the same immutable answer."""
    for function, text in ((n.c_strtoul, "0x1f"), (n.toml_integer, HUGE), (n.proc_dointvec, "08")):
        first = function(text)
        assert function(text) == first == function.__wrapped__(text)
        assert isinstance(first, tuple)
    assert n.c_strtoul.cache_info().maxsize == 512
