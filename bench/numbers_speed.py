# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the numeric layer (readers/numbers.py, issue 18) compares with the
conversions the readers made before it, on the numbers real files hold.

Each pair converts the same realistic inputs, twice: as files hold them
(a few values again and again: the layer remembers its last answers) and
every value different (nothing remembered: the cost of a first reading): subuid starts and counts
(shadow's strtoul), TOML integers (containers.conf), GRUB `default=` values,
sysctl.d values, kernel parameters (kstrtoul) and daemon.json numbers
(encoding/json into a uint). The old conversions are copied here as they
were (int() after a regex), so the comparison survives their removal. Prints
the seconds of each side (best of --repeat) and the ratio new/old; the
target is no slower than about 1.2x. A figure is a ratio from one run on a
shared machine, never a test.
"""

import argparse
import os
import re
import sys
import timeit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "plugins"))

from module_utils.posture.readers import kernel_cmdline, numbers  # noqa: E402
from module_utils.posture.readers.sysctl import sysctl_integer  # noqa: E402

# ------------------------------------------------------------------ the conversions before issue 18
_C_SPACE = " \t\n\v\f\r"
_OLD_STRTOUL = re.compile(r"[%s]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)" % re.escape(_C_SPACE))
_OLD_TOML = re.compile(r"0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*"
                       r"|(?P<dec>[+-]?(?:0|[1-9](?:_?[0-9])*))")
_OLD_GRUB = re.compile(r"\s*\+?(?:0[xX]([0-9a-fA-F]*)|(0[0-7]*)|([1-9][0-9]*))")
_OLD_KSTRTOUL = re.compile(r"\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
_OLD_DIGITS = re.compile(r"[0-9]+")


def old_strtoul(text):
    if not text:
        return None
    match = _OLD_STRTOUL.match(text)
    if not match or match.end() != len(text):
        return None
    sign, digits = match.group(1), match.group(2)
    base = 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") and len(digits) > 1 else 10
    value = int(digits, base)
    if value > 2 ** 64 - 1:
        return None
    return (-value) % 2 ** 64 if sign == "-" else value


def old_toml(token):
    match = _OLD_TOML.fullmatch(token)
    token = match.group(0).replace("_", "")
    number = int(token[2:], {"x": 16, "o": 8, "b": 2}[token[1]]) if match.group("dec") is None else int(token)
    return number if -(1 << 63) <= number <= (1 << 63) - 1 else None


def old_grub(part):
    number = _OLD_GRUB.match(part)
    hexadecimal, octal, decimal = number.groups() if number else ("", None, None)
    if hexadecimal:
        return int(hexadecimal, 16)
    if octal or decimal:
        return int(octal, 8) if octal else int(decimal)
    return None


def old_sysctl(raw):
    return int(raw.strip())


def old_kstrtoul(value):
    text = value[:-1] if value.endswith("\n") else value
    match = _OLD_KSTRTOUL.fullmatch(text)
    if not match:
        return None
    digits = match.group(1)
    number = int(digits, 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") else 10)
    return number if number < 2 ** 64 else None


def old_json_uint(value):
    return int(value) if _OLD_DIGITS.fullmatch(value) and int(value) <= 2 ** 64 - 1 else None


# ------------------------------------------------------------------ the same work through numbers.py,
# as the readers call it

def new_grub(part):
    parsed = numbers.grub_strtoul(part)
    return None if parsed.error else parsed.value


def new_toml(token):
    parsed = numbers.toml_integer(token)
    return None if parsed.error else parsed.value


def new_json_uint(value):
    return numbers.go_json_integer(value, False, 64)


# (what, old, new, values as files hold them (repeated), values all different (nothing remembered))
PAIRS = [
    ("subuid start/count (shadow strtoul)", old_strtoul, numbers.shadow_getulong,
     ["100000", "65536", "165536", "65536", "231072", "65536", "0x186a0", "65536"],
     lambda k: str(100000 + 65536 * k) if k % 10 else hex(100000 + 65536 * k)),
    ("TOML integer (containers.conf)", old_toml, new_toml, ["2048", "4096", "0", "-1", "1_000", "0x1F", "65536"],
     lambda k: str(7 * k) if k % 10 else "0x%x" % k),
    ("GRUB default=", old_grub, new_grub, ["0", "1", "0", "saved", "gnulinux-simple-0d1e"], str),
    ("sysctl.d value", old_sysctl, sysctl_integer, ["2", "1", "0", "2", "1", "1", "65536"], str),
    ("kernel parameter (kstrtoul)", old_kstrtoul, kernel_cmdline.kstrtoul, ["0", "1", "1", "0x0"], str),
    ("daemon.json uint", old_json_uint, new_json_uint, ["1048576", "3", "0"], lambda k: str(1024 * k)),
]
CACHED = [value for value in vars(numbers).values() if hasattr(value, "cache_clear")]


def forget():
    for function in CACHED:
        function.cache_clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loops", type=int, default=20000)
    parser.add_argument("--distinct", type=int, default=20000)
    args = parser.parse_args()
    totals = [0.0] * 4
    print("%-38s %9s %9s %6s | %9s %9s %6s" % ("input", "old s", "new s", "ratio", "old s", "new s", "ratio"))
    print("%-38s %26s | %26s" % ("", "values as in files", "every value new"))
    for name, old, new, inputs, make in PAIRS:
        distinct = [make(k) for k in range(1, args.distinct + 1)]
        for text in inputs + distinct[:2000]:
            if old(text) != new(text):
                raise SystemExit("%s: %r is %r before and %r now" % (name, text, old(text), new(text)))
        figures = [
            min(timeit.repeat(lambda: [old(text) for text in inputs], repeat=args.repeat, number=args.loops)),
            min(timeit.repeat(lambda: [new(text) for text in inputs], repeat=args.repeat, number=args.loops)),
            min(timeit.repeat(lambda: [old(text) for text in distinct], setup=forget, repeat=args.repeat, number=1)),
            min(timeit.repeat(lambda: [new(text) for text in distinct], setup=forget, repeat=args.repeat, number=1)),
        ]
        totals = [total + figure for total, figure in zip(totals, figures)]
        print("%-38s %9.3f %9.3f %5.2fx | %9.3f %9.3f %5.2fx" % (
            name, figures[0], figures[1], figures[1] / figures[0], figures[2], figures[3], figures[3] / figures[2]))
    print("%-38s %9.3f %9.3f %5.2fx | %9.3f %9.3f %5.2fx" % (
        "all", totals[0], totals[1], totals[1] / totals[0], totals[2], totals[3], totals[3] / totals[2]))


if __name__ == "__main__":
    main()
