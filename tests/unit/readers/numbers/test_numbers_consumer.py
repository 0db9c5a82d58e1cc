# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""numbers.py against the real consumers that run here, on the same inputs:

- glibc's strtoul, strtol and atoi (this machine's libc.so.6 through ctypes:
  value, endptr and errno), for base 0, 10 and 16;
- C's (int) conversion (a small program built with this machine's `cc`,
  skipped without one);
- Go's strconv.ParseUint, ParseInt, ParseBool and encoding/json into
  int64/uint64 (a small program built with this machine's `go`; Debian 12's
  golang-go is 1.19: skipped, saying so, where no `go` is installed).

The inputs are the edge cases of test_numbers.py and a few thousand
generated strings over digits, prefixes, signs, blanks, underscores and
non-ASCII digits. The kernel's parsers are not run (writing a sysctl or a
module parameter is not allowed on a shared machine): test_numbers.py holds
kstrtobool and the kstrto* family to lib/kstrtox.c as its source reads."""

import ctypes
import ctypes.util
import json
import os
import random
import re
import shutil
import subprocess

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import numbers as n
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.numbers import RANGE, SYNTAX

HUGE = "9" * 5000
EDGES = ["", "+", "-", "0", "00", "08", "0x", "0X", "0xg", "0x1F", "0X1f", "0b101", "0o17", "0_7", "1_000",
         "_1", "1_", "1__0", "0x_1", " 1", "\t-1", "1\n", "1 ", "+-1", "-+1", "++1", "--1",
         "18446744073709551615", "18446744073709551616", "-18446744073709551615", "-18446744073709551616",
         "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
         "4294967295", "4294967296", "2147483648", "-2147483649", "0xffffffffffffffff", "0x10000000000000000",
         "0" * 5000 + "7", HUGE, HUGE + "x", "-" + HUGE, "x" + HUGE,
         "\u00b3", "\u0663", "\uff13", "1\u00b3", "\u00a01", "t", "T", "true", "True", "TRUE", "tRUE", "f", "F",
         "false", "False", "FALSE", "1.0", "1e3", "-0", "01", "1.5e400"]
ALPHABET = list("0123456789") * 4 + list("abcdefxXoObB+-_ \t\n\v") + ["\u00b3", "\u0663", "\uff13", "\u00a0"]


def generated(count=3000, seed=18):
    pick = random.Random(seed)
    found = []
    for index in range(count):
        length = pick.choice((1, 2, 3, 5, 10, 19, 20, 21, 22, 30))
        text = "".join(pick.choice(ALPHABET) for position in range(length))
        if index % 3 == 0:
            text = pick.choice(("0", "0x", "-", "+", " ", "0b", "0o", "")) + text
        found.append(text)
    return found


INPUTS = EDGES + generated()


# ------------------------------------------------------------------ glibc

def _libc():
    name = ctypes.util.find_library("c")
    if not name:
        pytest.skip("no C library found for ctypes")
    libc = ctypes.CDLL(name, use_errno=True)
    for function, result in (("strtoul", ctypes.c_ulong), ("strtol", ctypes.c_long)):
        getattr(libc, function).argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
        getattr(libc, function).restype = result
    libc.atoi.argtypes = [ctypes.c_char_p]
    libc.atoi.restype = ctypes.c_int
    return libc


def _glibc(libc, function, text, base):
    data = text.encode("utf-8")
    buffer = ctypes.create_string_buffer(data)
    end = ctypes.c_char_p()
    ctypes.set_errno(0)
    value = getattr(libc, function)(ctypes.cast(buffer, ctypes.c_char_p), ctypes.byref(end), base)
    errno = ctypes.get_errno()
    offset = ctypes.cast(end, ctypes.c_void_p).value - ctypes.addressof(buffer)
    return value, len(data[:offset].decode("utf-8")), RANGE if errno == 34 else None


@pytest.mark.parametrize("function,base", [("strtoul", 0), ("strtoul", 10), ("strtoul", 16),
                                           ("strtol", 0), ("strtol", 10), ("strtol", 16)])
def test_strto_against_glibc(function, base):
    libc = _libc()
    ours = n.c_strtoul if function == "strtoul" else n.c_strtol
    differ = []
    for text in INPUTS:
        if "\0" in text:
            continue
        real = _glibc(libc, function, text, base)
        if tuple(ours(text, base)) != real:
            differ.append((text[:40], real, tuple(ours(text, base))))
    assert not differ, differ[:10]


def test_atoi_against_glibc():
    libc = _libc()
    differ = [(text[:40], libc.atoi(text.encode("utf-8")), n.c_atoi(text)) for text in INPUTS
              if libc.atoi(text.encode("utf-8")) != n.c_atoi(text)]
    assert not differ, differ[:10]


C_INT_PROGRAM = r"""
#include <stdio.h>

int main(void)
{
    unsigned long long u;
    long long s;
    char type;

    while (scanf(" %c", &type) == 1) {
        if (type == 's' && scanf("%lld", &s) == 1)
            printf("%d\n", (int) s);
        else if (type == 'u' && scanf("%llu", &u) == 1)
            printf("%d\n", (int) u);
        else
            return 1;
    }
    return 0;
}
"""
C_INT_VALUES = [0, 1, 7, (1 << 31) - 1, 1 << 31, (1 << 32) - 2, (1 << 32) - 1, 1 << 32, (1 << 32) + 1, 1 << 33,
                (1 << 63) - 1, 1 << 63, (1 << 64) - 1, -1, -2, -(1 << 31), -(1 << 31) - 1, -(1 << 32) - 1, -(1 << 63)]


def test_c_int32_against_the_c_compilers_int_conversion(tmp_path):
    """c_int32 against (int) of an unsigned long long and of a long long, compiled here by `cc`."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler (cc) installed")
    source, program = tmp_path / "c_int.c", tmp_path / "c_int"
    source.write_text(C_INT_PROGRAM)
    subprocess.run([compiler, "-O0", "-o", str(program), str(source)], check=True, timeout=60)
    values = C_INT_VALUES + [random.Random(32).randrange(-(1 << 63), 1 << 64) for index in range(200)]
    stdin = "".join(("s %d\n" if value < 0 else "u %d\n") % value for value in values)
    done = subprocess.run([str(program)], input=stdin, capture_output=True, text=True, check=True, timeout=60)
    assert [int(line) for line in done.stdout.split()] == [n.c_int32(value) for value in values]


# ------------------------------------------------------------------ Go

GO_PROGRAM = r"""
package main

import (
    "encoding/json"
    "errors"
    "os"
    "strconv"
)

func verdict(err error) string {
    if err == nil {
        return ""
    }
    var numErr *strconv.NumError
    if errors.As(err, &numErr) && numErr.Err == strconv.ErrRange {
        return "range"
    }
    return "syntax"
}

func main() {
    var inputs []string
    if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
        panic(err)
    }
    out := [][]string{}
    for _, s := range inputs {
        row := []string{}
        for _, base := range []int{10, 0} {
            u, err := strconv.ParseUint(s, base, 64)
            row = append(row, strconv.FormatUint(u, 10), verdict(err))
            for _, bits := range []int{64, 32} {
                i, err := strconv.ParseInt(s, base, bits)
                row = append(row, strconv.FormatInt(i, 10), verdict(err))
            }
        }
        b, err := strconv.ParseBool(s)
        row = append(row, strconv.FormatBool(b), verdict(err))
        var i64 int64
        var u64 uint64
        if json.Unmarshal([]byte(s), &i64) == nil {
            row = append(row, strconv.FormatInt(i64, 10))
        } else {
            row = append(row, "refused")
        }
        if json.Unmarshal([]byte(s), &u64) == nil {
            row = append(row, strconv.FormatUint(u64, 10))
        } else {
            row = append(row, "refused")
        }
        out = append(out, row)
    }
    json.NewEncoder(os.Stdout).Encode(out)
}
"""
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


@pytest.fixture(scope="module")
def go_answers(tmp_path_factory):
    go = shutil.which("go")
    if not go:
        pytest.skip("no `go` on this machine (Debian: apt-get install golang-go): Go's strconv not run")
    work = tmp_path_factory.mktemp("go-strconv")
    source = work / "main.go"
    source.write_text(GO_PROGRAM)
    env = dict(os.environ, GOCACHE=str(work / "cache"), GOPATH=str(work / "gopath"), GO111MODULE="off",
               GOFLAGS="", CGO_ENABLED="0")
    subprocess.run([go, "build", "-o", str(work / "strconv"), str(source)], cwd=str(work), env=env,
                   check=True, capture_output=True, timeout=300)
    run = subprocess.run([str(work / "strconv")], input=json.dumps(INPUTS).encode("utf-8"),
                         capture_output=True, check=True, timeout=120)
    return json.loads(run.stdout)


def _ours(text):
    row = []
    for base in (10, 0):
        parsed = n.go_parse_uint(text, base, 64)
        row += [str(parsed.value), parsed.error or ""]
        for bits in (64, 32):
            parsed = n.go_parse_int(text, base, bits)
            row += [str(parsed.value), parsed.error or ""]
    boolean = n.go_parse_bool(text)
    row += ["true" if boolean else "false", "" if boolean is not None else SYNTAX]
    for signed in (True, False):
        value = n.go_json_integer(text, signed=signed, bits=64)
        row.append("refused" if value is None else str(value))
    return row


def _comparable(text, row):
    """json.Unmarshal also takes blanks around a number: go_json_integer is
    only ever given a number literal, so only those are compared there."""
    return row if JSON_NUMBER.fullmatch(text) else row[:-2]


def test_strconv_against_go(go_answers):
    differ = [(text[:40], real, _ours(text)) for text, real in zip(INPUTS, go_answers)
              if _comparable(text, real) != _comparable(text, _ours(text))]
    assert not differ, differ[:5]
    assert len(go_answers) == len(INPUTS) > 3000
