# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rpmdb.py on the committed fixture database (fixture/, built by
build_rpmdb.sh with Debian's rpm 4.18; its oracle is rpm's own -qa output):
the reading, the header checks, the file rules (FIFOs, devices, truncation,
WAL and journal, locks, time and size), rpm's own rpmvercmp table, and the
host tree paths. Needs no rpm; test_rpmdb_consumer.py asks rpm itself."""

import os
import random
import shutil
import socket
import sqlite3
import struct
import time

import pytest

import hdrbuild as hb
from rpmdb_cases import (BAD_HEADERS, FIXTURE, RPM_TESTSUITE, as_lines, db_of, db_with_blobs, expect_error,
                         finishes, fresh_copy, new_db, read)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import rpmdb
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot


@pytest.fixture(scope="module")
def built():
    return FIXTURE


def test_matches_the_oracle(built):
    with open(os.path.join(built, "oracle.txt"), encoding="utf-8") as handle:
        oracle = handle.read().splitlines()
    installed = read(db_of(built))
    assert as_lines(installed) == sorted(oracle)
    assert installed["docker-ce"] == [(3, "26.1.3", "1.el9", "x86_64")]
    assert installed["podman"] == [(5, "5.2.2", "1.el9", "x86_64")]
    assert sorted(installed["kernel"]) == [(None, "5.14.0", "362.24.1.el9_3", "x86_64"),
                                           (None, "5.14.0", "427.13.1.el9_4", "x86_64")]
    assert installed["gpg-pubkey"][0][3] is None  # no ARCH tag


@pytest.mark.parametrize("case", BAD_HEADERS, ids=[c[0] for c in BAD_HEADERS])
def test_bad_header_is_an_error(case):
    _id, blob, words, _rpm_lists = case
    with pytest.raises(rpmdb.BadHeader) as caught:
        rpmdb.parse_header(blob)
    assert words in str(caught.value)


def test_truncated_copies_are_errors(built, tmp_path):
    data = open(db_of(built), "rb").read()
    size = len(data)
    for cut in (1, 15, 16, 99, 100, 101, 4095, 4096, 8192, size // 2, size - 4096, size - 1):
        path = tmp_path / ("cut%d.sqlite" % cut)
        path.write_bytes(data[:cut])
        with pytest.raises(ConfigError):
            read(path)


def test_flipped_bytes_in_file_never_crash(built, tmp_path):
    """Random damage anywhere in the file: a result or an RpmdbError, nothing else."""
    data = open(db_of(built), "rb").read()
    rng = random.Random(7)
    outcomes = {"ok": 0, "error": 0}
    for n in range(150):
        damaged = bytearray(data)
        for _flip in range(rng.choice((1, 4, 32))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / ("flip%d.sqlite" % n)
        path.write_bytes(bytes(damaged))
        try:
            read(path, max_seconds=5)
            outcomes["ok"] += 1
        except ConfigError:
            outcomes["error"] += 1
        path.unlink()
    print("\nfile flip fuzz:", outcomes)


def test_zero_length_file(tmp_path):
    path = tmp_path / "rpmdb.sqlite"
    path.write_bytes(b"")
    expect_error(path, "empty")


def test_not_sqlite(tmp_path):
    path = tmp_path / "rpmdb.sqlite"
    path.write_bytes(b"this is not a database\n" * 100)
    expect_error(path, "not an SQLite 3 database")


def test_berkeley_db_is_named(tmp_path):
    path = tmp_path / "Packages"
    path.write_bytes(b"\0" * 12 + struct.pack("<I", 0x00061561) + b"\0" * 4080)
    expect_error(path, "Berkeley DB")


def test_fifo_is_refused_without_hanging(tmp_path):
    path = tmp_path / "rpmdb.sqlite"
    os.mkfifo(path)
    result = finishes(lambda: read(path))
    assert isinstance(result.get("error"), ConfigError)
    assert "FIFO" in str(result["error"])


def test_devices_directories_sockets_symlinks_are_refused(tmp_path):
    expect_error("/dev/zero", "character device")
    expect_error("/dev/null", "character device")
    expect_error(tmp_path, "directory")
    sock_path = tmp_path / "s"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        expect_error(sock_path, "socket")
    finally:
        sock.close()
    link = tmp_path / "link.sqlite"
    os.symlink("/dev/zero", link)
    expect_error(link, "symbolic link")


def test_missing_file_is_not_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "rpmdb.sqlite")


def test_no_packages_table(tmp_path):
    path = tmp_path / "rpmdb.sqlite"
    new_db(path, ["CREATE TABLE other (x)"])
    expect_error(path, "no Packages table")


def test_packages_as_an_endless_view(tmp_path):
    path = tmp_path / "rpmdb.sqlite"
    new_db(path, ["CREATE VIEW Packages AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                  "SELECT i AS hnum, x'00' AS blob FROM n"])
    expect_error(path, "is a view")


def test_newer_sqlite_file_format(built, tmp_path):
    data = bytearray(open(db_of(built), "rb").read())
    data[19] = 3  # read version: what a future sqlite would need
    path = tmp_path / "rpmdb.sqlite"
    path.write_bytes(bytes(data))
    expect_error(path, "file format version 3")


def test_other_packages_columns(tmp_path):
    path = tmp_path / "rpmdb.sqlite"
    new_db(path, ["CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB, extra TEXT)"])
    expect_error(path, "not (hnum INTEGER PRIMARY KEY, blob BLOB)")


def test_user_version_means_newer_schema(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    new_db(target / "rpmdb.sqlite", ["PRAGMA user_version = 2"])
    expect_error(target / "rpmdb.sqlite", "user_version 2")


def test_blob_stored_as_text(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    new_db(target / "rpmdb.sqlite", ["INSERT INTO Packages(blob) VALUES ('text, not a header')"])
    expect_error(target / "rpmdb.sqlite", "stored as str")


def test_empty_wal_file_is_normal(built, tmp_path):
    """rpm keeps an empty rpmdb.sqlite-wal (PERSIST_WAL) after every clean run."""
    target = fresh_copy(built, tmp_path)
    (target / "rpmdb.sqlite-wal").write_bytes(b"")
    (target / "rpmdb.sqlite-shm").write_bytes(b"\0" * 32768)
    assert "podman" in read(target / "rpmdb.sqlite")
    assert sorted(os.listdir(target)) == ["rpmdb.sqlite", "rpmdb.sqlite-shm", "rpmdb.sqlite-wal"]


def test_reading_creates_no_files(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    before = {p: os.stat(target / p).st_mtime_ns for p in os.listdir(target)}
    read(target / "rpmdb.sqlite")
    assert {p: os.stat(target / p).st_mtime_ns for p in os.listdir(target)} == before


def test_non_empty_wal_from_a_live_writer_is_an_error(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    writer = sqlite3.connect(str(target / "rpmdb.sqlite"), isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # as rpm 4.16 does
        writer.execute("DELETE FROM Packages WHERE hnum = 1")  # committed, in the WAL only
        assert os.path.getsize(target / "rpmdb.sqlite-wal") > 0
        expect_error(target / "rpmdb.sqlite", "write-ahead log")
    finally:
        writer.close()


def test_exclusive_writer_does_not_block_the_reader(built, tmp_path):
    """rpm's writer holds its lock for a whole transaction; the immutable
    reader takes no lock, so it neither waits nor fails on it."""
    target = fresh_copy(built, tmp_path)
    writer = sqlite3.connect(str(target / "rpmdb.sqlite"), isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        result = finishes(lambda: read(target / "rpmdb.sqlite"))
        assert time.monotonic() - started < 2
        assert "podman" in result.get("value", {}), result
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_rollback_journal_of_a_writer_is_an_error(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    new_db(target / "rpmdb.sqlite", ["PRAGMA journal_mode = DELETE"])
    writer = sqlite3.connect(str(target / "rpmdb.sqlite"), isolation_level=None)
    try:
        writer.execute("PRAGMA cache_size = 1")  # spill: the journal is written at once
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("DELETE FROM Packages")
        assert os.path.getsize(target / "rpmdb.sqlite-journal") > 0
        expect_error(target / "rpmdb.sqlite", "rollback journal")
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_time_limit(built, tmp_path):
    blobs = [hb.package("p%d" % i, "1", "1", extra=[(1117, hb.T_STRING_ARRAY, ["f%d" % j for j in range(500)])])
             for i in range(300)]
    target = db_with_blobs(built, tmp_path, blobs)
    assert len(read(target / "rpmdb.sqlite")) == 300
    expect_error(target / "rpmdb.sqlite", "longer than", max_seconds=0)


def test_size_cap(built, monkeypatch):
    monkeypatch.setattr(rpmdb, "MAX_DB_BYTES", 4096)
    expect_error(db_of(built), "larger than")


def test_fedora_and_rhel_paths(built, tmp_path):
    """Fedora 36+ / RHEL 10: /var/lib/rpm -> ../../usr/lib/sysimage/rpm, followed
    inside the root; an absolute link never leaves it; RHEL 8's Berkeley DB is
    named; two different databases are an error."""
    fedora = tmp_path / "fedora"
    (fedora / "usr/lib/sysimage/rpm").mkdir(parents=True)
    (fedora / "var/lib").mkdir(parents=True)
    shutil.copy(db_of(built), fedora / "usr/lib/sysimage/rpm/rpmdb.sqlite")
    os.symlink("../../usr/lib/sysimage/rpm", fedora / "var/lib/rpm")
    assert "podman" in rpmdb.installed_rpms(HostRoot(str(fedora)))
    image = tmp_path / "image"                       # an image tree without /var
    (image / "usr/lib/sysimage/rpm").mkdir(parents=True)
    shutil.copy(db_of(built), image / "usr/lib/sysimage/rpm/rpmdb.sqlite")
    assert "podman" in rpmdb.installed_rpms(HostRoot(str(image)), names=["podman"])
    escape = tmp_path / "escape"
    (escape / "var/lib").mkdir(parents=True)
    os.symlink(os.path.join(built, "db"), escape / "var/lib/rpm")  # absolute: the auditing machine's own path
    assert rpmdb.installed_rpms(HostRoot(str(escape))) == {}
    rhel8 = tmp_path / "rhel8"
    (rhel8 / "var/lib/rpm").mkdir(parents=True)
    (rhel8 / "var/lib/rpm/Packages").write_bytes(b"\0" * 4096)
    with pytest.raises(ConfigError, match="Berkeley DB") as caught:
        rpmdb.installed_rpms(HostRoot(str(rhel8)))
    assert caught.value.path == "/var/lib/rpm/Packages"
    two = tmp_path / "two"
    for where in ("var/lib/rpm", "usr/lib/sysimage/rpm"):
        (two / where).mkdir(parents=True)
        shutil.copy(db_of(built), two / where / "rpmdb.sqlite")
    with pytest.raises(ConfigError, match="two different"):
        rpmdb.installed_rpms(HostRoot(str(two)))


@pytest.mark.parametrize("a,b,expected", RPM_TESTSUITE)
def test_rpmvercmp_rpm_testsuite(a, b, expected):
    assert rpmdb.rpmvercmp(a, b) == int(expected)


AUDITED = ["podman", "docker-ce", "moby-engine", "containers-common", "container-selinux", "crun",
           "runc", "kernel", "systemd", "selinux-policy", "not-installed"]


def test_names_through_the_name_index(built):
    found = read(db_of(built), names=AUDITED)
    assert "not-installed" not in found
    everything = read(db_of(built))
    assert found == {name: everything[name] for name in AUDITED if name in everything}


def test_name_index_out_of_step_is_an_error(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    new_db(target / "rpmdb.sqlite", ["UPDATE Name SET hnum = (SELECT hnum FROM Name WHERE key = 'crun') "
                                     "WHERE key = 'podman'"])
    expect_error(target / "rpmdb.sqlite", "out of step", names=["podman"])


def test_name_index_missing_is_an_error(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    new_db(target / "rpmdb.sqlite", ["DROP TABLE Name"])
    expect_error(target / "rpmdb.sqlite", "Name index", names=["podman"])
    assert "podman" in read(target / "rpmdb.sqlite")


def test_newest_and_evr():
    versions = [(None, "5.14.0", "362.24.1.el9_3", "x86_64"), (None, "5.14.0", "427.13.1.el9_4", "x86_64")]
    assert rpmdb.newest(versions)[2] == "427.13.1.el9_4"
    assert rpmdb.evr_text(5, "4.9.4", "1.el9") == "5:4.9.4-1.el9"
    assert rpmdb.evr_text(None, "252", "32.el9_4") == "252-32.el9_4"


def rhel_tree(tmp_path, database):
    root = tmp_path / "rhel"
    (root / "var/lib/rpm").mkdir(parents=True)
    shutil.copy(database, root / "var/lib/rpm/rpmdb.sqlite")
    return HostRoot(str(root))


def test_engine_versions_from_rpm(built, tmp_path):
    """With no dpkg status file, the engine versions come from rpm's database."""
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import docker_daemon, engine_version
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import containers_conf
    host = rhel_tree(tmp_path, db_of(built))
    docker = engine_version.from_packages("docker", host)
    assert (docker.text, docker.source) == ("3:26.1.3-1.el9", "/var/lib/rpm/rpmdb.sqlite: docker-ce")
    assert docker.at_least(23) and not docker.at_least(26, 2)
    assert engine_version.from_packages("podman", host).text == "5:5.2.2-1.el9"
    assert docker_daemon.dockerd_versions(host) == ("26.1",)
    assert containers_conf.reading_for(host)[0] is containers_conf.COMMON_0_62


def test_rpm_versions_compare_as_rpm_does(built, tmp_path):
    """5.0.0~rc1 is older than 5.0.0 for rpm (the leading numbers alone would say equal)."""
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import engine_version
    target = db_with_blobs(built, tmp_path, [hb.package("podman", "5.0.0~rc1", "1.fc40", epoch=5)])
    new_db(target / "rpmdb.sqlite", ["INSERT INTO Name(key, hnum, idx) VALUES ('podman', 1, 0)"])   # rpm's index
    host = rhel_tree(tmp_path, target / "rpmdb.sqlite")
    podman = engine_version.from_packages("podman", host)
    assert podman.numbers == (5, 0, 0)
    assert podman.at_least(5, 0) and not podman.at_least(5, 0, 0)


def test_damaged_database_is_an_error_for_the_engine_version(tmp_path):
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import engine_version
    root = tmp_path / "broken"
    (root / "var/lib/rpm").mkdir(parents=True)
    (root / "var/lib/rpm/rpmdb.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(ConfigError) as caught:
        engine_version.from_packages("podman", HostRoot(str(root)))
    assert caught.value.path == "/var/lib/rpm/rpmdb.sqlite"
