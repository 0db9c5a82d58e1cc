# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rpmdb.py against rpm itself (Debian 12's rpm 4.18.0, sqlite backend):
databases built here at test time by build_rpmdb.sh (rpmbuild of tiny
payload-less packages, `rpm --install --justdb`), then `rpm --dbpath DIR -qa`
and `-q NAME`, rpm.vercmp() of rpm's Lua API, and rpm's treatment of
hand-made, malformed and byte-flipped headers. rpm runs only on copies: even
`rpm -qa` creates rpmdb.sqlite-shm/-wal beside a database."""

import os
import random
import shutil
import sqlite3
import struct
import subprocess

import pytest

import hdrbuild as hb
from rpmdb_cases import (BAD_HEADERS, EXTRA_PAIRS, FIXTURE, GOOD, QF, RPM, RPM_TESTSUITE, as_lines, db_of,
                         db_with_blobs, entries, expect_error, fresh_copy, needs_rpm, read, rpm_qa)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import rpmdb
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError

HERE = os.path.dirname(os.path.abspath(__file__))
pytestmark = needs_rpm


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A database built now: OUT/db/rpmdb.sqlite and OUT/oracle.txt."""
    if not (RPM and os.path.exists("/usr/bin/rpmbuild")):
        pytest.skip("rpmbuild is not installed")
    out = tmp_path_factory.mktemp("rpmdb-build")
    subprocess.run(["bash", os.path.join(HERE, "build_rpmdb.sh"), str(out)], check=True,
                   capture_output=True, timeout=600)
    return str(out)


def test_backend_is_sqlite():
    out = subprocess.run([RPM, "-E", "%_db_backend"], capture_output=True, text=True, check=False).stdout.strip()
    assert out == "sqlite"


def test_built_database_matches_rpm_qa(built, tmp_path):
    installed = read(db_of(built))
    rc, lines, err = rpm_qa(fresh_copy(built, tmp_path))
    assert rc == 0, err
    assert as_lines(installed) == lines
    with open(os.path.join(built, "oracle.txt"), encoding="utf-8") as handle:
        assert lines == sorted(handle.read().splitlines())


RHEL94 = os.path.join(HERE, os.pardir, os.pardir, "platforms", "rhel94")


def test_committed_fixture_matches_rpm_qa(tmp_path):
    """The fixture the unit stage reads without rpm is still what rpm lists."""
    rc, lines, err = rpm_qa(fresh_copy(FIXTURE, tmp_path))
    assert rc == 0, err
    assert lines == as_lines(read(db_of(FIXTURE)))


def test_rhel94_tree_database_matches_rpm_qa(tmp_path):
    """The RHEL 9.4 tree's database (tests/unit/platforms/rhel94) as rpm lists it."""
    target = tmp_path / "rhel94"
    target.mkdir()
    shutil.copy(os.path.join(RHEL94, "rpmdb.sqlite"), target / "rpmdb.sqlite")
    rc, lines, err = rpm_qa(target)
    assert rc == 0, err
    assert lines == as_lines(read(os.path.join(RHEL94, "rpmdb.sqlite")))
    with open(os.path.join(RHEL94, "rpmdb-oracle.txt"), encoding="utf-8") as handle:
        assert lines == sorted(handle.read().splitlines())


def test_a_fresh_build_lists_what_the_fixture_lists(built):
    """build_rpmdb.sh still makes the fixture's packages (the gpg-pubkey differs: a new key each build)."""
    def without_key(path):
        with open(path, encoding="utf-8") as handle:
            return [line for line in handle.read().splitlines() if not line.startswith("gpg-pubkey ")]
    assert without_key(os.path.join(built, "oracle.txt")) == without_key(os.path.join(FIXTURE, "oracle.txt"))


@pytest.mark.parametrize("blobs", [
    [hb.package("alpha", "1.0", "1")],
    [hb.package("beta", "2.0", "3.el9", epoch=0, arch="noarch")],
    [hb.package("beta", "2.0", "3.el9", epoch=4294967295)],
    # a dribble replaces the region's VERSION, as hdrblobImport does
    [hb.package("gamma", "1", "1", dribbles=[(1001, hb.T_STRING, "9.9"), (1008, hb.T_INT32, 1)])],
    [hb.package("delta", "1", "1", arch=None)],
    # a legacy (v3) header without a region
    [hb.build([(1000, hb.T_STRING, "legacy"), (1001, hb.T_STRING, "1"), (1002, hb.T_STRING, "2"),
               (1022, hb.T_STRING, "i386")], region_tag=None)],
    # big string arrays, int16/int64 alignment, binary data
    [hb.package("big", "1", "1", extra=[
        (1116, hb.T_INT32, list(range(3000))),
        (1117, hb.T_STRING_ARRAY, ["file%05d.txt" % i for i in range(3000)]),
        (1030, hb.T_INT16, list(range(3000))),
        (5008, hb.T_INT64, [1, 2, 3]),
        (1012, hb.T_BIN, b"\x00\x01" * 7),
    ])],
    [hb.package("unicode-é", "1", "1")],  # rpmbuild forbids it; rpm reads it
])
def test_synthetic_headers_match_rpm(built, tmp_path, blobs):
    target = db_with_blobs(built, tmp_path, blobs)
    rc, lines, err = rpm_qa(target)
    assert rc == 0, err
    assert as_lines(read(target / "rpmdb.sqlite")) == lines


def test_bad_headers_against_rpm(built, tmp_path):
    """One database with every bad header (and a good one): our reader refuses
    it naming the header; rpm lists the good one and skips the damaged ones."""
    cases = [c for c in BAD_HEADERS if c[1]]
    target = db_with_blobs(built, tmp_path, [GOOD] + [c[1] for c in cases])
    rc, lines, err = rpm_qa(target, with_instance=True)
    listed = {int(line.split()[0]) for line in lines}
    assert 1 in listed
    for number, (case_id, _blob, _words, rpm_lists) in enumerate(cases, 2):
        if rpm_lists is not None:
            assert (number in listed) == rpm_lists, (case_id, lines, err)
    with pytest.raises(ConfigError, match=r"header #2 is damaged"):
        read(target / "rpmdb.sqlite")


# Tags rpm 4.18 type-checks and 4.16.1 (whose table rpmdb.py uses) does not know.
TAGS_SINCE_416 = {276, 277, 5098, 5099, 5100, 5101}

SYNTHETIC = [
    hb.package("syn-a", "1.0", "1.el9", epoch=3, extra=[
        (1030, hb.T_INT16, [0o644, 0o755, 0o600]), (1116, hb.T_INT32, [1, 2, 3]),
        (1117, hb.T_STRING_ARRAY, ["a", "bb", "ccc"]), (1012, hb.T_BIN, b"\x01\x02\x03"),
        (5008, hb.T_INT64, [7]), (1005, hb.T_I18NSTRING, ["description"])]),
    hb.package("syn-b", "2", "0.1", arch=None, dribbles=[
        (1001, hb.T_STRING, "2.1"), (1008, hb.T_INT32, 5), (1127, hb.T_INT32, [1, 2])]),
    hb.build([(1000, hb.T_STRING, "syn-legacy"), (1001, hb.T_STRING, "3"), (1002, hb.T_STRING, "4"),
              (1003, hb.T_INT32, 1), (1022, hb.T_STRING, "noarch")], region_tag=None),
]


@pytest.mark.parametrize("source", ["real", "synthetic"])
def test_flipped_bytes_in_blobs_against_rpm(built, tmp_path, source):
    """Seeded byte flips in headers, all in one database, one rpm -qa.
    Real headers carry SHA1/SHA256 header digests, so rpm (and we) refuse
    nearly every flip in the region; the synthetic ones have none, so only
    the structural checks decide. Whatever we accept, rpm accepts with the
    same NEVRA (we are never more lenient than rpm); we may refuse more."""
    if source == "real":
        conn = sqlite3.connect("file:%s?mode=ro&immutable=1" % db_of(built), uri=True)
        originals = [row[0] for row in conn.execute("SELECT blob FROM Packages ORDER BY hnum")]
        conn.close()
    else:
        originals = SYNTHETIC
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "20260721")))
    mutated = []
    for _attempt in range(int(os.environ.get("FUZZ_N", "400"))):
        blob = bytearray(rng.choice(originals))
        il = struct.unpack_from(">i", blob, 0)[0]
        for _flip in range(rng.choice((1, 1, 2, 3))):
            # mostly in the intro and index (where structure lives), some in data
            end = 8 + 16 * il if rng.random() < 0.7 else len(blob)
            pos = rng.randrange(0, end)
            blob[pos] ^= 1 << rng.randrange(8)
        mutated.append(bytes(blob))
    target = db_with_blobs(built, tmp_path, mutated)
    rc, lines, err = rpm_qa(target, with_instance=True)
    rpm_says = {}
    for line in lines:
        number, rest = line.split(" ", 1)
        rpm_says[int(number)] = rest
    stats = {"both accept": 0, "both refuse": 0, "only rpm accepts": 0, "only we accept": 0,
             "only we accept: a tag rpm 4.16 does not know": 0}
    stricter = []
    lenient = []
    for number, blob in enumerate(mutated, 1):
        reason = None
        try:
            ours = rpmdb.parse_header(blob)
        except rpmdb.BadHeader as exc:
            ours = None
            reason = str(exc)
        if ours is not None and number in rpm_says:
            stats["both accept"] += 1
            name, evra = ours[0], ours[1:]
            assert as_lines({name: [evra]}) == [rpm_says[number]], number
        elif ours is None and number not in rpm_says:
            stats["both refuse"] += 1
        elif ours is None:
            stats["only rpm accepts"] += 1
            stricter.append((number, reason, rpm_says[number][:80]))
        elif any(e[0] in TAGS_SINCE_416 for e in entries(blob)):
            stats["only we accept: a tag rpm 4.16 does not know"] += 1
        else:
            stats["only we accept"] += 1
            lenient.append((number, ours, blob.hex()))
    print("\nflip fuzz vs rpm (%s headers):" % source, stats)
    for item in stricter[:15]:
        print("  stricter:", item)
    assert lenient == []


def test_truncated_copy_what_rpm_says(built, tmp_path):
    target = fresh_copy(built, tmp_path)
    data = (target / "rpmdb.sqlite").read_bytes()
    (target / "rpmdb.sqlite").write_bytes(data[: len(data) // 2])
    rc, lines, err = rpm_qa(target)
    print("\nrpm -qa on a half database: rc=%d, %d lines, stderr: %s" % (rc, len(lines), err[:300]))
    expect_error(target / "rpmdb.sqlite", "truncated")


def test_vercmp_against_rpm_lua():
    """All pairs through rpm.vercmp() of rpm's Lua API (EVR strings) in one rpm call."""
    pairs = [(a, b) for a, b, _expected in RPM_TESTSUITE] + EXTRA_PAIRS
    pairs += [(b, a) for a, b in EXTRA_PAIRS]

    def lua_string(s):
        return "'" + "".join("\\%d" % byte for byte in s.encode("utf-8")) + "'"
    body = ";".join("do local ok, r = pcall(rpm.vercmp, %s, %s); print((ok and tostring(r) or 'invalid') .. ' ') end"
                    % (lua_string(a), lua_string(b)) for a, b in pairs)
    out = subprocess.run([RPM, "--eval", "%%{lua:%s}" % body], capture_output=True, text=True, timeout=60, check=False)
    theirs = out.stdout.split()
    assert len(theirs) == len(pairs), out.stderr
    compared = [(a, b, rpmdb.vercmp_evr_strings(a, b), int(t)) for (a, b), t in zip(pairs, theirs)
                if t != "invalid"]
    refused = [(a, b) for (a, b), t in zip(pairs, theirs) if t == "invalid"]
    print("\n%d pairs compared with rpm.vercmp; rpm refuses %r" % (len(compared), refused))
    assert [c for c in compared if c[2] != c[3]] == []
    assert all("" in pair for pair in refused)  # rpmverParse refuses only an empty EVR


AUDITED = ["podman", "docker-ce", "moby-engine", "containers-common", "container-selinux", "crun",
           "runc", "kernel", "systemd", "selinux-policy", "not-installed"]


def test_names_through_the_name_index_match_rpm_q(built, tmp_path):
    found = read(db_of(built), names=AUDITED)
    proc = subprocess.run([RPM, "--dbpath", str(fresh_copy(built, tmp_path)), "-q", "--qf",
                           QF.split(" ", 1)[1]] + AUDITED, capture_output=True, text=True, check=False)
    listed = sorted(line for line in proc.stdout.splitlines() if "is not installed" not in line)
    assert as_lines(found) == listed
