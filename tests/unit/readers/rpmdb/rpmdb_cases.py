# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the rpmdb tests: databases (the committed fixture, copies,
databases refilled with hand-made headers), rpm's answers, and the case
tables (malformed headers, rpm's own rpmvercmp table)."""

import os
import shutil
import sqlite3
import struct
import subprocess
import threading

import pytest

import hdrbuild as hb
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import rpmdb
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture")      # db built by build_rpmdb.sh, and its oracle (README.md)
RPM = shutil.which("rpm")
needs_rpm = pytest.mark.skipif(RPM is None, reason="rpm (Debian's rpm package) is not installed")
QF = "%{DBINSTANCE} %{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n"


def rpm_qa(dbdir, with_instance=False):
    """(returncode, sorted lines, stderr) of rpm -qa on a database directory.
    Records end with a 0x1e byte, so that a name with a newline (fuzzing) stays one."""
    qf = QF if with_instance else QF.split(" ", 1)[1]
    proc = subprocess.run([RPM, "--dbpath", str(dbdir), "-qa", "--qf", qf.replace("\\n", "\x1e")],
                          capture_output=True, timeout=120, check=False)
    lines = proc.stdout.decode("utf-8", "backslashreplace").split("\x1e")[:-1]
    return proc.returncode, sorted(lines), proc.stderr.decode("utf-8", "backslashreplace")


def as_lines(installed):
    def show(value):
        return "(none)" if value is None else str(value)
    return sorted("%s %s %s %s %s" % ((name,) + tuple(show(v) for v in evra))
                  for name, versions in installed.items() for evra in versions)


def db_of(built):
    return os.path.join(built, "db", "rpmdb.sqlite")


def fresh_copy(built, tmp_path, name="db"):
    """A copy of the built database (without -shm/-wal) in its own directory."""
    target = tmp_path / name
    target.mkdir()
    shutil.copy(db_of(built), target / "rpmdb.sqlite")
    return target


def db_with_blobs(built, tmp_path, blobs, name="db"):
    """The built database emptied and refilled with `blobs` (hnum 1, 2, ...);
    rpm needs its index tables, so they are kept (empty)."""
    target = fresh_copy(built, tmp_path, name)
    conn = sqlite3.connect(str(target / "rpmdb.sqlite"))
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        conn.execute("DELETE FROM '%s'" % table)
    conn.execute("DELETE FROM sqlite_sequence")
    conn.executemany("INSERT INTO Packages(hnum, blob) VALUES (?, ?)",
                     list(enumerate(blobs, 1)))
    conn.commit()
    conn.close()  # WAL checkpointed and removed on close
    return target


def read(path, **kwargs):
    return rpmdb.read_sqlite_rpmdb(str(path), **kwargs)


def entries(blob):
    il = struct.unpack_from(">i", blob, 0)[0]
    return [list(struct.unpack_from(">iiii", blob, 8 + 16 * i)) for i in range(il)]


def with_entry(blob, index, field, value):
    out = bytearray(blob)
    struct.pack_into(">i", out, 8 + 16 * index + 4 * field, value)
    return bytes(out)


def find_tag(blob, tag):
    return next(i for i, e in enumerate(entries(blob)) if e[0] == tag)


GOOD = hb.package("victim", "1.0", "1", epoch=2)
NAME_AT = find_tag(GOOD, 1000)
EPOCH_AT = find_tag(GOOD, 1003)
IL = len(entries(GOOD))
DL = struct.unpack_from(">i", GOOD, 4)[0]
RIL = 8  # region tag + 7 entries (100, 1000-1004, 1022)
TRAILER = struct.pack(">iiii", 63, 7, -16 * RIL, 16)
assert GOOD.count(TRAILER) == 1

# (id, blob, words expected in our error, does rpm 4.18 still list the package?)
BAD_HEADERS = [
    ("empty", b"", "shorter than", False),
    ("short-intro", b"\x00\x00\x00", "shorter than", False),
    ("il-huge", struct.pack(">ii", 0x7FFFFFFF, DL) + GOOD[8:], "il", False),
    ("il-negative", struct.pack(">ii", -1, DL) + GOOD[8:], "il", False),
    ("il-zero", struct.pack(">ii", 0, 0), "il", False),
    ("dl-huge", struct.pack(">ii", IL, 0x7FFFFFFF) + GOOD[8:], "dl", False),
    ("dl-off-by-one", struct.pack(">ii", IL, DL + 1) + GOOD[8:], "blob size", False),
    ("truncated-blob", GOOD[:-1], "blob size", False),
    ("name-offset-beyond", with_entry(GOOD, NAME_AT, 2, DL + 100), "offset beyond", False),
    ("name-offset-negative", with_entry(GOOD, NAME_AT, 2, -8), "run past", False),
    ("name-overlaps-previous", with_entry(GOOD, NAME_AT, 2, 0), "run past", False),
    ("epoch-misaligned", with_entry(GOOD, EPOCH_AT, 2, entries(GOOD)[EPOCH_AT][2] + 1), "", False),
    ("epoch-count-huge", with_entry(GOOD, EPOCH_AT, 3, 0x00FFFFFF), "", False),
    ("epoch-count-zero", with_entry(GOOD, EPOCH_AT, 3, 0), "count", False),
    ("epoch-as-string", with_entry(GOOD, EPOCH_AT, 1, hb.T_STRING), "", False),
    ("name-as-int32", with_entry(GOOD, NAME_AT, 1, hb.T_INT32), "", False),
    ("type-null", with_entry(GOOD, NAME_AT, 1, 0), "type", False),
    ("type-ten", with_entry(GOOD, NAME_AT, 1, 10), "type", False),
    ("string-count-two", with_entry(GOOD, NAME_AT, 3, 2), "count 2", False),
    ("tag-below-100", with_entry(GOOD, NAME_AT, 0, 63), "below 100", False),
    ("region-trailer-bad", GOOD.replace(TRAILER, struct.pack(">iiii", 62, 7, -16 * RIL, 16)), "trailer", False),
    ("region-ril-too-big", GOOD.replace(TRAILER, struct.pack(">iiii", 63, 7, -16 * 99, 16)), "ril", False),
    ("region-ril-zero", GOOD.replace(TRAILER, struct.pack(">iiii", 63, 7, 0, 16)), "ril", False),
    ("region-type", with_entry(GOOD, 0, 1, hb.T_STRING), "region tag", False),
    ("signature-region", with_entry(GOOD, 0, 0, 62), "signature", False),
    ("no-name", hb.build([(1001, hb.T_STRING, "1"), (1002, hb.T_STRING, "1")]), "no NAME", False),
    ("name-twice", hb.build([(1000, hb.T_STRING, "a"), (1000, hb.T_STRING, "b")]), "twice", None),
    # rpm does not check encodings when reading: it lists the raw bytes
    ("name-not-utf8", hb.package(b"bad\xff\xfename"), "not UTF-8", True),
    ("unterminated-string", hb.build([(1000, hb.T_STRING, "abc")], region_tag=None)[:-1] + b"d",
     "strings run past", False),
]


def expect_error(path, words, **kwargs):
    with pytest.raises(ConfigError) as caught:
        read(path, **kwargs)
    assert words in str(caught.value), str(caught.value)
    assert str(path) in str(caught.value)
    return caught.value


def finishes(function, seconds=5):
    result = {}

    def run():
        try:
            result["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - reported below
            result["error"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hung"
    return result


def new_db(path, statements):
    conn = sqlite3.connect(str(path))
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


# ------------------------------------------------------------------ rpmvercmp
# rpm's own expectations: tests/rpmvercmp.at of rpm-4.18.0-release (data, 91 pairs).
RPM_TESTSUITE_PAIRS = """
1.0 1.0 0|1.0 2.0 -1|2.0 1.0 1|2.0.1 2.0.1 0|2.0 2.0.1 -1|2.0.1 2.0 1|2.0.1a 2.0.1a 0|2.0.1a 2.0.1 1
2.0.1 2.0.1a -1|5.5p1 5.5p1 0|5.5p1 5.5p2 -1|5.5p2 5.5p1 1|5.5p10 5.5p10 0|5.5p1 5.5p10 -1|5.5p10 5.5p1 1
10xyz 10.1xyz -1|10.1xyz 10xyz 1|xyz10 xyz10 0|xyz10 xyz10.1 -1|xyz10.1 xyz10 1|xyz.4 xyz.4 0|xyz.4 8 -1
8 xyz.4 1|xyz.4 2 -1|2 xyz.4 1|5.5p2 5.6p1 -1|5.6p1 5.5p2 1|5.6p1 6.5p1 -1|6.5p1 5.6p1 1|6.0.rc1 6.0 1
6.0 6.0.rc1 -1|10b2 10a1 1|10a2 10b2 -1|1.0aa 1.0aa 0|1.0a 1.0aa -1|1.0aa 1.0a 1|10.0001 10.0001 0
10.0001 10.1 0|10.1 10.0001 0|10.0001 10.0039 -1|10.0039 10.0001 1|4.999.9 5.0 -1|5.0 4.999.9 1
20101121 20101121 0|20101121 20101122 -1|20101122 20101121 1|2_0 2_0 0|2.0 2_0 0|2_0 2.0 0|a a 0|a+ a+ 0
a+ a_ 0|a_ a+ 0|+a +a 0|+a _a 0|_a +a 0|+_ +_ 0|_+ +_ 0|_+ _+ 0|+ _ 0|_ + 0|1.0~rc1 1.0~rc1 0
1.0~rc1 1.0 -1|1.0 1.0~rc1 1|1.0~rc1 1.0~rc2 -1|1.0~rc2 1.0~rc1 1|1.0~rc1~git123 1.0~rc1~git123 0
1.0~rc1~git123 1.0~rc1 -1|1.0~rc1 1.0~rc1~git123 1|1.0^ 1.0^ 0|1.0^ 1.0 1|1.0 1.0^ -1|1.0^git1 1.0^git1 0
1.0^git1 1.0 1|1.0 1.0^git1 -1|1.0^git1 1.0^git2 -1|1.0^git2 1.0^git1 1|1.0^git1 1.01 -1|1.01 1.0^git1 1
1.0^20160101 1.0^20160101 0|1.0^20160101 1.0.1 -1|1.0.1 1.0^20160101 1|1.0^20160101^git1 1.0^20160101^git1 0
1.0^20160102 1.0^20160101^git1 1|1.0^20160101^git1 1.0^20160102 -1|1.0~rc1^git1 1.0~rc1^git1 0
1.0~rc1^git1 1.0~rc1 1|1.0~rc1 1.0~rc1^git1 -1|1.0^git1~pre 1.0^git1~pre 0|1.0^git1 1.0^git1~pre 1
1.0^git1~pre 1.0^git1 -1
"""
RPM_TESTSUITE = [tuple(p.split()) for line in RPM_TESTSUITE_PAIRS.strip().splitlines()
                 for p in line.split("|")]

# Ours: versions of the packages the audit reads, EVR strings, edge cases.
EXTRA_PAIRS = [
    ("26.1.3", "26.1.10"), ("26.1.3", "26.1.3"), ("3:26.1.3-1.el9", "26.1.3-1.el9"),
    ("2:1-91.el9", "2:1-90.el9"), ("5:5.2.2-1.el9", "5:5.2.2-1.el9_5"), ("5.2.2-1.el9", "5.2.2-1.el9.1"),
    ("5.14.0-427.13.1.el9_4", "5.14.0-362.24.1.el9_3"), ("5.14.0-427.13.1.el9_4", "5.14.0-427.13.1.el9_4.x"),
    ("252-32.el9_4", "252-32.el9_4.1"), ("38.1.35-2.el9_4", "38.1.35-2.el9_4.1"),
    ("2.229.0-1.el9", "2.229.0-1.fc40"), ("1.1.13-1.el9", "1.1.12-3.el9"), ("1.16.1", "1.16"),
    ("1.37.0~rc1^20240801git", "1.37.0~rc1"), ("1.37.0~rc1^20240801git", "1.37.0"),
    ("1.0", "1.0a"), ("1.0a", "1.0"), ("0:1.0", "1.0"), (":1.0", "0:1.0"), ("1:1.0", "0:2.0"),
    ("10:1", "9:1"), ("01:1", "1:1"), ("1.0-1", "1.0"), ("1.0", "1.0-1"), ("1.0-", "1.0"),
    ("0001", "1"), ("00", "0"), ("", ""), ("", "1"), ("1", ""), ("a", "b"), ("B", "a"), ("Z", "z"),
    ("1.é", "1.e"), ("é", "e"), ("1..2", "1.2"), ("1~", "1"), ("1^", "1~"), ("~~", "~"), ("^^", "^"),
    ("1.0~rc1^a", "1.0~rc1^b"), ("123456789012345678901234567890", "123456789012345678901234567891"),
    ("1a1", "1.a.1"), ("a1", "1a"), ("1-2-3", "1-2-4"), ("1:2:3", "1:2:4"), ("4.18.0+dfsg", "4.18.0"),
]
