# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile rpm databases on the hardened tree turned into an rpm host (no
dpkg status file, /var/lib/rpm/rpmdb.sqlite from fixture/): the version of
dockerd the audit reads daemon.json as comes from it, so every docker
daemon control depends on it; docker-no-new-privileges stands for them.

Verdicts: rpm 4.16.1-4.20 (lib/backend/sqlite.c, lib/header.c) reads the
database or refuses it; what the reader cannot read as rpm does -- a FIFO,
a device, a file truncated, oversized or of a newer schema, a transaction
still in the WAL, a header that is not UTF-8, RHEL 8's Berkeley DB -- is an
error naming the file, never a pass."""

import os
import shutil
import sqlite3
import sys
import tempfile

from corpus import Case, CharDevice, Fifo, Link, Sparse
from hosttree import HARDENED

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import hdrbuild as hb  # noqa: E402  (the room's own helper, next to this file)

DB = "var/lib/rpm/rpmdb.sqlite"
with open(os.path.join(HERE, "fixture", "db", "rpmdb.sqlite"), "rb") as _handle:
    FIXTURE = _handle.read()
BASE = dict(HARDENED, **{DB: FIXTURE})
CONTROL = "docker-no-new-privileges"
RPM = "rpm 4.16.1-4.20 lib/backend/sqlite.c, lib/header.c (source); rpm 4.18 on this machine"


def edited(offset, value):
    """The fixture with one byte of its SQLite header changed."""
    data = bytearray(FIXTURE)
    data[offset] = value
    return bytes(data)


def with_statements(*statements):
    """The fixture after some SQL (run on a copy at import time)."""
    directory = tempfile.mkdtemp(prefix="rpmdb-case-")
    try:
        path = os.path.join(directory, "rpmdb.sqlite")
        with open(path, "wb") as handle:
            handle.write(FIXTURE)
        conn = sqlite3.connect(path)
        for statement, args in statements:
            conn.execute(statement, args)
        conn.commit()
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        with open(path, "rb") as handle:
            return handle.read()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def docker_ce_header(version):
    """docker-ce's header replaced by a hand-made one (through the Name index too)."""
    blob = hb.package("docker-ce", version, "1.el9", epoch=3)
    return with_statements(("UPDATE Packages SET blob = ? WHERE hnum = (SELECT hnum FROM Name WHERE key = 'docker-ce')",
                            (blob,)))


def rpm_case(name, expect, tree, consumer=RPM, names=None):
    return Case("rpmdb-" + name, "rpmdb", CONTROL, expect, tree, consumer=consumer, names=names, base=BASE)


CASES = [
    rpm_case("fixture-reads", "pass", {}),
    rpm_case("truncated", "error", {DB: FIXTURE[:len(FIXTURE) // 2]}),
    rpm_case("oversized", "error", {DB: Sparse(3 << 30, FIXTURE[:100])}, RPM + ": over the 2 GiB cap"),
    rpm_case("fifo", "error", {DB: Fifo()}),
    rpm_case("dev-zero", "error", {DB: CharDevice()}),
    rpm_case("not-sqlite", "error", {DB: b"not a database\n" * 300}),
    rpm_case("empty", "error", {DB: b""}),
    rpm_case("berkeley-db-of-rhel8", "error", {DB: None, "var/lib/rpm/Packages": b"\0" * 12 + b"\x61\x15\x06\x00" +
                                               b"\0" * 4080},
             "rpm 4.14 (RHEL 8) Berkeley DB: not read by this audit"),
    rpm_case("wal-holds-a-transaction", "error", {"var/lib/rpm/rpmdb.sqlite-wal": b"\x37\x7f\x06\x82" + b"\0" * 4000},
             RPM + ": committed changes only in the WAL", names="/" + DB),
    rpm_case("empty-wal-is-normal", "pass", {"var/lib/rpm/rpmdb.sqlite-wal": b"",
                                             "var/lib/rpm/rpmdb.sqlite-shm": b"\0" * 32768},
             RPM + ": PERSIST_WAL leaves an empty -wal after every run"),
    rpm_case("newer-schema-user-version", "error", {DB: edited(63, 2)},
             RPM + ": rpm 4.16-6.0 set no user_version (a newer schema)"),
    rpm_case("newer-sqlite-file-format", "error", {DB: edited(19, 3)}, "SQLite: read version 3 is newer than 2"),
    rpm_case("docker-ce-version-not-utf8", "error", {DB: docker_ce_header(b"26.1.\xff")},
             RPM + ": rpm prints the bytes; an engine version that is not text is not judged"),
    rpm_case("docker-ce-header-damaged", "error",
             {DB: with_statements(("UPDATE Packages SET blob = substr(blob, 1, 40) WHERE hnum = "
                                   "(SELECT hnum FROM Name WHERE key = 'docker-ce')", ()))},
             RPM + ": rpm skips a damaged header; it may be the engine's"),
    rpm_case("docker-ce-20-10", "pass", {DB: docker_ce_header("20.10.24")}, RPM + ": read as dockerd 20.10"),
    rpm_case("docker-ce-27-is-not-26", "error", {DB: docker_ce_header("27.3.1")},
             "the project's standard (issue #18): a dockerd newer than 26.1, the newest the readers mirror, "
             "is never judged as 26.1", names="docker-ce 3:27.3.1-1.el9 is newer than the newest dockerd"),
    rpm_case("absolute-link-stays-in-the-root", "pass",
             {DB: None, "var/lib/rpm": Link("/var/lib/dpkg")},
             "an absolute link resolves inside the audited root: no database there, versions unknown"),
]
