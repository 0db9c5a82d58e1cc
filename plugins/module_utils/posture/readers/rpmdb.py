# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The installed RPM packages of a RHEL 9 / Fedora host, read offline from
rpm's sqlite database (rpmdb.sqlite) with the standard library, as `rpm -qa`
and `rpm -q NAME` read it.

Mirrors rpm 4.16.1 (RHEL 9's 4.16.1.3) through 4.20 and 6.0 (tags
rpm-4.16.1-release 18a2350b, rpm-4.18.0-release 5fd72a22, rpm-4.20.1-release,
master a8f0192a; line numbers of 4.16.1 unless said):

* the database (lib/backend/sqlite.c init_table() 249-279): a table
  Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL), one row
  per installed header, read in hnum order as sqlite_pkgdbIter() does (520);
  the Name index table for `rpm -q NAME` (565). rpm sets no user_version or
  application_id and has not changed this schema up to 6.0: a database that
  has either, or other columns, was made by something newer or foreign and is
  refused.
* the header blob (lib/header.c hdrblobInit() 1967-2001,
  hdrblobVerifyRegion() 1784-1872, hdrblobVerifyInfo() 259-305,
  hdrblobImport() 874-974; the stricter count/array/trailer checks of 4.17+):
  il/dl, 16-byte big-endian entries, the immutable region and its trailer,
  entries added at install time ("dribbles") replacing region entries of the
  same tag, the tag types of rpm 4.16.1's rpmtag.h, and the SHA1/SHA256 header
  digests rpm checks on every read (lib/package.c headerCheck()). Where rpm
  logs "damaged header #N -- skipping" and goes on (lib/rpmdb.c 1458-1540),
  this reader raises: the skipped header might be the engine asked about.
* version order: rpmvercmp() (rpmio/rpmvercmp.c 16-137: `~` before anything,
  `^` after the end, digits newer than letters) and rpmverCmp() for
  [epoch:]version[-release] (rpmio/rpmver.c).

Where: /var/lib/rpm/rpmdb.sqlite (rpm's %_dbpath up to 4.20 and RHEL 9's);
Fedora 36+ and RHEL 10 keep it in /usr/lib/sysimage/rpm (Fedora's change
RelocateRPMToUsr: set by the distribution's macros, not upstream's) with
/var/lib/rpm a relative symlink to it, followed inside the root. RHEL 8's
Berkeley DB `Packages` is an error naming it (a reader of it is not part of
this collection yet).

How the file is opened: resolved inside the audited root, lstat'ed, opened
O_RDONLY|O_NONBLOCK|O_NOFOLLOW and checked again (a FIFO, socket, device,
directory or symlink is refused before it is opened); sqlite opens the same
inode through /proc/self/fd/N with mode=ro&immutable=1: no lock taken (a
writer holding one never makes the audit wait), no -shm/-wal created on the
host, no WAL read. So a non-empty rpmdb.sqlite-wal or -journal (a
transaction running, or rpm killed before its checkpoint) is an error: the
answer would be stale. A progress handler and a deadline bound the time.

Tests: tests/unit/readers/rpmdb/ -- test_rpmdb.py (the committed fixture
database and its oracle, no rpm needed), test_rpmdb_consumer.py (Debian's
rpm 4.18: `rpm --dbpath DIR -qa` / `-q` and rpm.vercmp() on databases built
at test time by build_rpmdb.sh, malformed and fuzzed headers), hostile_cases.py.
"""

from __future__ import annotations

import functools
import os
import stat
import struct
import time

from .hostfs import ConfigError

RPMDB_SQLITE = "/var/lib/rpm/rpmdb.sqlite"
RPMDB_PATHS = ("/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite")
RPMDB_BDB = "/var/lib/rpm/Packages"  # RHEL 8 and older (Berkeley DB hash)

# A real rpmdb.sqlite is 10-300 MiB; sqlite pages it in, nothing like the
# whole file is held in memory. The cap only bounds the time a hostile or
# broken file can cost.
MAX_DB_BYTES = 2 * 1024 * 1024 * 1024
MAX_SECONDS = 30.0
MAX_ROWS = 1000000
# rpm's own limits (lib/header.c): headerMaxbytes, HEADER_TAGS_MAX,
# HEADER_DATA_MAX, HEADER_ARRAY_MAX (4.18+).
HEADER_MAX_BYTES = 256 * 1024 * 1024
HEADER_TAGS_MAX = 0xFFFF
HEADER_DATA_MAX = 0x0FFFFFFF
HEADER_ARRAY_MAX = 0x000FFFFF

TAG_HEADERIMAGE, TAG_HEADERSIGNATURES, TAG_HEADERIMMUTABLE = 61, 62, 63
TAG_I18NTABLE = 100
TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH, TAG_ARCH = 1000, 1001, 1002, 1003, 1022
WANTED = (TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH, TAG_ARCH)
TAG_NAMES = {TAG_NAME: "NAME", TAG_VERSION: "VERSION", TAG_RELEASE: "RELEASE",
             TAG_EPOCH: "EPOCH", TAG_ARCH: "ARCH"}
# Header digests rpm verifies on every read from the database (headerCheck,
# lib/package.c; lib/rpmvs.c): hex strings, merged in from the signature header.
TAG_SHA1HEADER, TAG_SHA256HEADER = 269, 273
DIGESTS = {TAG_SHA1HEADER: ("sha1", 40), TAG_SHA256HEADER: ("sha256", 64)}
_HEADER_MAGIC = b"\x8e\xad\xe8\x01\x00\x00\x00\x00"

(T_NULL, T_CHAR, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN,
 T_STRING_ARRAY, T_I18NSTRING) = range(10)
_STRING_TYPES = (T_STRING, T_STRING_ARRAY, T_I18NSTRING)
_SIZE = {T_CHAR: 1, T_INT8: 1, T_INT16: 2, T_INT32: 4, T_INT64: 8, T_BIN: 1}
_ALIGN = {T_INT16: 2, T_INT32: 4, T_INT64: 8}
# The type rpm declares for each tag it knows: rpmtag.h of rpm-4.16.1-release
# (RHEL 9's rpm), read by gen_tagtypes.py as lib/gentagtbl.sh reads it. rpm
# refuses a header in which a known tag has another type (hdrchkTagType,
# lib/header.c), strings of any string type excepted. No tag changed its type
# up to rpm master (2026-07); later rpms know more tags (4.18: 276 277 5098 5099 5100 5101), which
# this reader lets through as 4.16 does.
_TAG_TYPE_LISTS = (
    (T_CHAR, """1029"""),
    (T_INT16, """1030 1033"""),
    (T_INT32, """257 1003 1006 1008 1009 1028 1034 1037 1045 1046 1048 1051 1052 1053 1068 1069 1080
1095 1096 1106 1112 1114 1116 1119 1127 1128 1129 1134 1140 1141 1143 1144 1145 1158
1161 1195 5011 5017 5018 5019 5020 5021 5022 5023 5024 5025 5026 5027 5032 5033 5037
5045 5048 5051 5054 5057 5068 5070 5072 5078 5080 5082 5084 5085 5091 5093"""),
    (T_INT64, """270 271 5008 5009"""),
    (T_STRING, """269 273 1000 1001 1002 1007 1010 1011 1014 1015 1020 1021 1022 1023 1024 1025 1026
1044 1064 1079 1094 1122 1123 1124 1125 1126 1132 1151 1152 1155 1196 5012 5013 5014
5015 5016 5034 5062 5096"""),
    (T_BIN, """259 261 262 267 268 1012 1013 1043 1146"""),
    (T_STRING_ARRAY, """100 266 1018 1019 1027 1035 1036 1039 1040 1047 1049 1050 1054 1055 1059 1060 1061
1062 1065 1066 1067 1081 1082 1085 1086 1087 1088 1089 1090 1091 1092 1097 1098 1099
1113 1115 1117 1118 1120 1121 1133 1135 1142 1147 1148 1149 1150 1153 1154 1156 1157
1159 1160 5000 5001 5002 5005 5006 5007 5010 5030 5031 5035 5036 5040 5041 5042 5043
5044 5046 5047 5049 5050 5052 5053 5055 5056 5058 5059 5060 5061 5066 5067 5069 5071
5076 5077 5079 5081 5086 5087 5088 5089 5090 5092 5097"""),
    (T_I18NSTRING, """1004 1005 1016"""),
)
TAG_TYPES = {int(tag): typ for typ, tags in _TAG_TYPE_LISTS for tag in tags.split()}
_ENTRY = struct.Struct(">iiii")
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BadHeader(Exception):
    """One header rpm would skip as damaged."""

# ---------------------------------------------------------------- header blob


def _where(i, entry):
    return "tag[%d] (tag %d type %d offset %d count %d)" % ((i,) + tuple(entry))


def _align_diff(typ, size):
    width = _SIZE.get(typ, 0)
    if width > 1:
        diff = width - size % width
        if diff != width:
            return diff
    return 0


def parse_header(blob):
    """(name, epoch, version, release, arch) of one rpmdb header blob; epoch,
    version, release and arch are None when the header has no such tag (a
    gpg-pubkey has no ARCH). Raises BadHeader with rpm's reason otherwise."""
    import hashlib  # here, as sqlite3 below: only a host with an rpm database needs them
    size = len(blob)
    if size < 8:
        raise BadHeader("blob of %d bytes, shorter than its 8-byte il/dl intro" % size)
    il, dl = struct.unpack_from(">ii", blob, 0)
    if il < 1 or il > HEADER_TAGS_MAX:
        raise BadHeader("no. of tags (il) %d out of range 1..%d" % (il, HEADER_TAGS_MAX))
    if dl < 0 or dl > HEADER_DATA_MAX:
        raise BadHeader("no. of data bytes (dl) %d out of range" % dl)
    expected = 8 + 16 * il + dl
    if expected != size or expected >= HEADER_MAX_BYTES:
        raise BadHeader("blob size %d, but 8 + 16 * il(%d) + dl(%d) = %d" % (size, il, dl, expected))
    ds = 8 + 16 * il  # data start
    entries = [_ENTRY.unpack_from(blob, 8 + 16 * i) for i in range(il)]

    # hdrblobVerifyRegion: the first entry is the region tag, its data (at the
    # end of the region) a 16-byte trailer whose negated offset is 16 * ril.
    tag0, type0, off0, count0 = entries[0]
    region = 0
    ril, rdl = il, dl
    if tag0 in (TAG_HEADERIMAGE, TAG_HEADERSIGNATURES, TAG_HEADERIMMUTABLE):
        if tag0 == TAG_HEADERSIGNATURES:
            raise BadHeader("a signature header (region tag 62), not a package header")
        region = tag0
        if type0 != T_BIN or count0 != 16:
            raise BadHeader("region tag: BAD, tag %d type %d offset %d count %d" % entries[0])
        if off0 < 0 or off0 + 16 > dl:
            raise BadHeader("region offset: BAD, tag %d type %d offset %d count %d" % entries[0])
        ttag, ttype, toff, tcount = _ENTRY.unpack_from(blob, ds + off0)
        if not (ttag == region and ttype == T_BIN and tcount == 16):
            raise BadHeader("region trailer: BAD, tag %d type %d offset %d count %d"
                            % (ttag, ttype, -toff, tcount))
        rdl = off0 + 16
        if toff > 0 or (-toff) % 16:
            raise BadHeader("region size: BAD, trailer offset %d" % toff)
        ril = -toff // 16
        if ril < 1 or ril > il:
            raise BadHeader("region %d size: BAD, ril %d il %d rdl %d dl %d" % (region, ril, il, rdl, dl))
    # else: a legacy (v3) header without a region; rpm makes one up on import.

    # hdrblobVerifyInfo: every entry after the region tag, in order, with
    # non-decreasing data; the region trailer counts as data (4.18+).
    first = 1 if region else 0
    spans = []  # (index, tag, type, offset, count, length)
    limits = [e[2] for e in entries[first + 1:]] + [dl]
    prev_end = 0
    for i in range(first, il):
        tag, typ, off, count = entries[i]
        limit = limits[i - first]
        if region and off < rdl:  # data inside the region ends before its trailer (4.18+)
            limit = min(limit, rdl - 16)
        if prev_end > off:
            raise BadHeader("%s: overlaps the previous entry's data" % _where(i, entries[i]))
        if tag < TAG_I18NTABLE:
            raise BadHeader("%s: tag below 100 (a second region?)" % _where(i, entries[i]))
        if typ < T_CHAR or typ > T_I18NSTRING:
            raise BadHeader("%s: unknown type" % _where(i, entries[i]))
        if count < 1 or count > dl:
            raise BadHeader("%s: count out of range" % _where(i, entries[i]))
        if typ != T_BIN and count > HEADER_ARRAY_MAX:
            raise BadHeader("%s: array longer than %d" % (_where(i, entries[i]), HEADER_ARRAY_MAX))
        if off % _ALIGN.get(typ, 1):
            raise BadHeader("%s: misaligned" % _where(i, entries[i]))
        if off < 0 or off >= dl:
            raise BadHeader("%s: offset beyond the %d data bytes" % (_where(i, entries[i]), dl))
        known = TAG_TYPES.get(tag)
        if region and known is not None and known != typ and not (
                known in _STRING_TYPES and typ in _STRING_TYPES):
            raise BadHeader("%s: tag %d must have type %d" % (_where(i, entries[i]), tag, known))
        if tag in WANTED:  # rpm type-checks known tags inside a region; here always
            wanted_type_ok = (typ == T_INT32) if tag == TAG_EPOCH else (typ in _STRING_TYPES)
            if not wanted_type_ok:
                raise BadHeader("%s: %s has the wrong type" % (_where(i, entries[i]), TAG_NAMES[tag]))
        if typ in _STRING_TYPES:
            if typ == T_STRING and count != 1:
                raise BadHeader("%s: a string with count %d" % (_where(i, entries[i]), count))
            # the count-th NUL must come before the next entry's data
            if blob.count(b"\x00", ds + off, ds + limit) < count:
                raise BadHeader("%s: strings run past the next entry or the data end" % _where(i, entries[i]))
            end = None  # exact end computed below only where needed
        else:
            end = off + _SIZE[typ] * count
            if end > limit:
                raise BadHeader("%s: data runs past the next entry or the data end" % _where(i, entries[i]))
        spans.append((i, tag, typ, off, count, end))
        prev_end = end if end is not None else off + 1

    # hdrblobImport (regionSwab with HEADERIMPORT_FAST, as rpmdbNextIterator
    # uses it): the data lengths, aligned, add up to exactly dl.
    total = 0
    for seg in ((s for s in spans if s[0] < ril), (s for s in spans if s[0] >= ril)):
        seg = list(seg)
        for k, (i, tag, typ, off, count, end) in enumerate(seg):
            if typ in _STRING_TYPES:
                if k + 1 < len(seg):
                    length = seg[k + 1][3] - off
                else:
                    length = _strings_end(blob, ds + off, count, ds + dl) - (ds + off)
            else:
                length = end - off
            total += _align_diff(typ, total) + length
    if region:
        total += 16
    if total != dl:
        raise BadHeader("hdr load: BAD, entries' data add up to %d of %d bytes" % (total, dl))

    # The header digests (SHA1HEADER, SHA256HEADER) over the immutable region:
    # rpm skips a header whose digest does not match.
    if region:
        for i, tag, typ, off, count, end in spans:
            if tag not in DIGESTS:
                continue
            algorithm, width = DIGESTS[tag]
            start = ds + off
            stop = blob.find(b"\x00", start, ds + dl)
            if typ != T_STRING or stop - start != width:
                raise BadHeader("digest tag %d is not a %d-character string" % (tag, width))
            digest = hashlib.new(algorithm)
            digest.update(_HEADER_MAGIC)
            digest.update(struct.pack(">ii", ril, rdl))
            view = memoryview(blob)
            digest.update(view[8:8 + 16 * ril])
            digest.update(view[ds:ds + rdl])
            if digest.hexdigest().encode("ascii") != blob[start:stop].lower():  # strcasecmp
                raise BadHeader("%s header digest does not match (rpm skips it)" % algorithm.upper())

    # Dribbles (after the region) replace region entries with the same tag.
    found = {}
    for i, tag, typ, off, count, end in spans:
        if tag not in WANTED:
            continue
        section = i >= ril
        if tag in found and found[tag][0] == section:
            raise BadHeader("%s appears twice" % TAG_NAMES[tag])
        if tag not in found or section:
            found[tag] = (section, typ, off, count)
    values = {}
    for tag, (_section, typ, off, count) in found.items():
        if tag == TAG_EPOCH:
            if count != 1:
                raise BadHeader("EPOCH has %d values" % count)
            values[tag] = struct.unpack_from(">I", blob, ds + off)[0]
            continue
        if count != 1 and typ != T_I18NSTRING:
            raise BadHeader("%s has %d values" % (TAG_NAMES[tag], count))
        start = ds + off
        raw = blob[start:blob.index(b"\x00", start, ds + dl)]  # the first (C locale) string
        try:
            values[tag] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadHeader("%s is not UTF-8 (byte %d): %r" % (TAG_NAMES[tag], exc.start, raw[:60]))
    if TAG_NAME not in values:
        raise BadHeader("no NAME tag")
    return (values[TAG_NAME], values.get(TAG_EPOCH), values.get(TAG_VERSION),
            values.get(TAG_RELEASE), values.get(TAG_ARCH))


def _strings_end(blob, start, count, stop):
    """Offset just after the count-th NUL from `start` (known to exist before `stop`)."""
    parts = blob[start:stop].split(b"\x00", count)
    return start + sum(len(p) for p in parts[:count]) + count


# ---------------------------------------------------------------- the sqlite file

def _not_regular(status):
    mode = status.st_mode
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return "is %s, expected a regular file" % kind
    return "is not a regular file"


def _check_sqlite_intro(fd, size, shown):
    """The 100-byte sqlite header: magic, page size, page count against the size."""
    intro = os.pread(fd, 100, 0)
    if len(intro) < 100 or not intro.startswith(_SQLITE_MAGIC):
        if len(intro) >= 16 and intro[12:16] in (b"\x00\x06\x15\x61", b"\x61\x15\x06\x00"):
            raise ConfigError(shown, "is a Berkeley DB hash file (rpm before 4.16), not sqlite")
        raise ConfigError(shown, "is not an SQLite 3 database (%d bytes, no 'SQLite format 3' header)"
                          % size)
    page_size = struct.unpack_from(">H", intro, 16)[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise ConfigError(shown, "is not a valid SQLite database (page size %d)" % page_size)
    read_version = intro[19]
    if read_version not in (1, 2):
        raise ConfigError(shown, "SQLite file format version %d, newer than this reader knows"
                          % read_version)
    pages, counter, valid_for = struct.unpack_from(">I", intro, 28)[0], intro[24:28], intro[92:96]
    if size % page_size:
        raise ConfigError(shown, "is truncated or damaged: %d bytes is not a whole number of %d-byte pages"
                          % (size, page_size))
    if counter == valid_for and pages and pages * page_size > size:
        raise ConfigError(shown, "is truncated or damaged: its header counts %d pages of %d bytes, the file has %d bytes"
                          % (pages, page_size, size))
    return read_version == 2  # WAL mode


def _check_journals(local, shown, wal_mode):
    """A non-empty -wal (WAL mode) or -journal (rollback mode) holds changes the
    immutable reader would not see: the answer would be stale or torn."""
    for suffix, what in (("-wal", "write-ahead log"), ("-journal", "rollback journal")):
        try:
            status = os.lstat(local + suffix)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfigError(shown, "cannot stat its %s: %s" % (what, exc.strerror or exc))
        if not stat.S_ISREG(status.st_mode):
            continue  # never opened here; sqlite (rpm) would trip over it, not us
        if status.st_size > 0:
            raise ConfigError(shown, "its %s %s%s holds %d bytes not yet in the database "
                              "(an rpm transaction is running, or rpm was stopped before it finished); "
                              "the installed versions cannot be read consistently"
                              % (what, os.path.basename(local), suffix, status.st_size))


def read_sqlite_rpmdb(local, shown=None, max_seconds=MAX_SECONDS, names=None):
    """{name: [(epoch, version, release, arch), ...]} from the rpmdb.sqlite at the
    local path `local` (already resolved inside the host root); `shown` is the
    host path named in errors. Raises ConfigError; FileNotFoundError when absent.

    names: only these packages, found through the Name index table as
    `rpm -q NAME` finds them (every header is still checked that it names
    one of them); None: every header, as `rpm -qa`."""
    shown = shown or local
    try:
        before = os.lstat(local)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(shown, "cannot stat: %s" % (exc.strerror or exc))
    reason = _not_regular(before)
    if reason:
        raise ConfigError(shown, reason)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(local, flags)
    except OSError as exc:
        raise ConfigError(shown, "cannot open: %s" % (exc.strerror or exc))
    try:
        after = os.fstat(fd)
        reason = _not_regular(after)
        if reason or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise ConfigError(shown, reason or "changed while it was being opened")
        if after.st_size == 0:
            raise ConfigError(shown, "is empty (0 bytes), not an rpm database")
        if after.st_size > MAX_DB_BYTES:
            raise ConfigError(shown, "is %d bytes, larger than the %d MiB an rpm database may have"
                              % (after.st_size, MAX_DB_BYTES >> 20))
        wal_mode = _check_sqlite_intro(fd, after.st_size, shown)
        _check_journals(local, shown, wal_mode)
        return _query(fd, local, shown, max_seconds, names)
    finally:
        os.close(fd)


def _connect(fd, local):
    """sqlite on the inode we opened: through /proc/self/fd (so a file swapped
    in after our checks is never read), else by path. immutable=1: no locks,
    no -shm/-wal created or read, never blocks on a writer."""
    proc_path = "/proc/self/fd/%d" % fd
    path = proc_path if os.path.exists(proc_path) else local
    import sqlite3
    from urllib.parse import quote
    uri = "file:%s?mode=ro&immutable=1" % quote(path, safe="/")
    return sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)


def _query(fd, local, shown, max_seconds, names):
    import sqlite3
    try:
        conn = _connect(fd, local)
    except sqlite3.Error as exc:
        raise ConfigError(shown, "cannot open as SQLite: %s" % exc)
    # A damaged schema can hold any bytes where sqlite expects UTF-8 text.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    deadline = time.monotonic() + max_seconds
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
    try:
        return _read_packages(conn, shown, deadline, max_seconds, names)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise ConfigError(shown, "reading took longer than %g s: stopped" % max_seconds)
        raise ConfigError(shown, "SQLite error: %s" % exc)
    except sqlite3.Error as exc:  # DatabaseError: "file is not a database", "malformed"
        raise ConfigError(shown, "SQLite error: %s" % exc)
    except UnicodeDecodeError as exc:  # sqlite's message quotes a damaged schema
        raise ConfigError(shown, "SQLite error: damaged schema (%s)" % exc.reason)
    finally:
        conn.close()


def _read_packages(conn, shown, deadline, max_seconds, names):
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if user_version or application_id:
        raise ConfigError(shown, "user_version %d / application_id %d: rpm 4.16-6.0 set neither; "
                          "a newer or foreign schema this reader does not know"
                          % (user_version, application_id))
    kinds = [row[0] for row in conn.execute(
        "SELECT type FROM sqlite_master WHERE name = 'Packages' COLLATE NOCASE")]
    if not kinds:
        raise ConfigError(shown, "has no Packages table: not an rpm database")
    if kinds != ["table"]:
        raise ConfigError(shown, "its Packages is a %s, not a table as rpm makes it" % kinds[0])
    columns = [(row[1], (row[2] or "").upper(), row[5])
               for row in conn.execute("PRAGMA table_info('Packages')")]
    if columns != [("hnum", "INTEGER", 1), ("blob", "BLOB", 0)]:
        raise ConfigError(shown, "its Packages table is %s, not (hnum INTEGER PRIMARY KEY, blob BLOB) "
                          "as rpm 4.16-6.0 create it" % ", ".join("%s %s" % c[:2] for c in columns))
    query, args = "SELECT hnum, blob FROM Packages ORDER BY hnum", ()
    if names is not None:
        index = [(row[1], (row[2] or "").upper()) for row in conn.execute("PRAGMA table_info('Name')")]
        if index[:2] != [("key", "TEXT"), ("hnum", "INTEGER")]:
            raise ConfigError(shown, "its Name index table is missing or not as rpm 4.16-6.0 create it")
        names = sorted(set(names))
        query = ("SELECT hnum, blob FROM Packages WHERE hnum IN "
                 "(SELECT hnum FROM Name WHERE key IN (%s)) ORDER BY hnum" % ",".join("?" * len(names)))
        args = tuple(names)
    installed = {}
    rows = 0
    for hnum, blob in conn.execute(query, args):
        rows += 1
        if time.monotonic() > deadline:  # parsing happens here, between sqlite's steps
            raise ConfigError(shown, "reading took longer than %g s: stopped" % max_seconds)
        if rows > MAX_ROWS:
            raise ConfigError(shown, "more than %d packages: refused" % MAX_ROWS)
        if not isinstance(hnum, int) or not 0 < hnum < 1 << 32:
            raise ConfigError(shown, "a Packages row has header number %r (rpm skips it)" % (hnum,))
        if not isinstance(blob, bytes):
            raise ConfigError(shown, "header #%d is stored as %s, not a blob (rpm skips it)"
                              % (hnum, type(blob).__name__))
        try:
            name, epoch, version, release, arch = parse_header(blob)
        except BadHeader as exc:
            raise ConfigError(shown, "header #%d is damaged (rpm skips it with \"damaged header\"): %s"
                              % (hnum, exc))
        if names is not None and name not in names:
            raise ConfigError(shown, "its Name index points at header #%d, which names %r: "
                              "the index is out of step (rpmdb --rebuilddb)" % (hnum, name))
        installed.setdefault(name, []).append((epoch, version, release, arch))
    return installed


def database(host):
    """(host path, local path) of the rpmdb.sqlite under the root, or None when
    there is none; ConfigError for RHEL 8's Berkeley DB, or for two different
    databases (which one rpm reads is its %_dbpath macro)."""
    found = {}
    for path in RPMDB_PATHS:
        local = host.resolve(path)
        if os.path.lexists(local):
            found.setdefault(local, path)
    if len(found) > 1:
        raise ConfigError(RPMDB_PATHS[0], "and %s are two different rpm databases: which one rpm reads is set by "
                                          "its %%_dbpath macro" % RPMDB_PATHS[1])
    if found:
        local, path = next(iter(found.items()))
        return path, local
    if host.exists(RPMDB_BDB):
        raise ConfigError(RPMDB_BDB, "is a Berkeley DB rpm database (rpm before 4.16, RHEL 8), which this "
                                     "audit does not read: installed versions unknown")
    return None


def installed_rpms(host, names=None):
    """{name: [(epoch, version, release, arch)]} under a HostRoot ({} without an
    rpm database); names: only these, through the Name index as `rpm -q NAME`
    finds them. Read once per host object and set of names."""
    key = "rpmdb packages %s" % (",".join(sorted(names)) if names is not None else "*")

    def compute():
        found = database(host)
        if found is None:
            return {}
        path, local = found
        try:
            return read_sqlite_rpmdb(local, path, names=names)
        except (FileNotFoundError, NotADirectoryError):
            return {}
    return host.derived(key, compute)


def newest(versions):
    """The newest (epoch, version, release, arch) of one name's installed versions (rpmverCmp)."""
    return max(versions, key=functools.cmp_to_key(lambda a, b: compare_evr(a[:3], b[:3])))


def evr_text(epoch, version, release):
    """`[epoch:]version-release` as rpm prints %{EVR}."""
    return "%s%s%s" % ("%s:" % epoch if epoch is not None else "", version or "",
                       "-%s" % release if release is not None else "")


# ---------------------------------------------------------------- rpmvercmp

def _isdigit(c):
    return "0" <= c <= "9"


def _isalpha(c):
    return "a" <= c <= "z" or "A" <= c <= "Z"


def rpmvercmp(a, b):
    """rpm's segment comparison of two version (or release) strings: -1, 0, 1.

    Semantics of rpmio/rpmvercmp.c (rpm 4.16-4.20), reimplemented: segments
    are runs of ASCII digits or ASCII letters, anything else separates; "~"
    sorts before anything (even the end), "^" after the end but before
    anything else; a numeric segment is newer than an alphabetic one;
    numbers compare without leading zeros, longer is larger; letters compare
    bytewise; if all segments are equal, the string with something left
    over is newer."""
    if a == b:
        return 0
    i = j = 0
    la, lb = len(a), len(b)
    while i < la or j < lb:
        while i < la and not (_isdigit(a[i]) or _isalpha(a[i]) or a[i] in "~^"):
            i += 1
        while j < lb and not (_isdigit(b[j]) or _isalpha(b[j]) or b[j] in "~^"):
            j += 1
        ca = a[i] if i < la else ""
        cb = b[j] if j < lb else ""
        if ca == "~" or cb == "~":
            if ca != "~":
                return 1
            if cb != "~":
                return -1
            i += 1
            j += 1
            continue
        if ca == "^" or cb == "^":
            if not ca:
                return -1
            if not cb:
                return 1
            if ca != "^":
                return 1
            if cb != "^":
                return -1
            i += 1
            j += 1
            continue
        if not (ca and cb):
            break
        kind = _isdigit if _isdigit(ca) else _isalpha
        ei = i
        while ei < la and kind(a[ei]):
            ei += 1
        ej = j
        while ej < lb and kind(b[ej]):
            ej += 1
        if ej == j:  # b has a segment of the other kind here
            return 1 if kind is _isdigit else -1
        sa, sb = a[i:ei], b[j:ej]
        if kind is _isdigit:
            sa, sb = sa.lstrip("0"), sb.lstrip("0")
            if len(sa) != len(sb):
                return 1 if len(sa) > len(sb) else -1
        if sa != sb:
            return 1 if _bytes(sa) > _bytes(sb) else -1
        i, j = ei, ej
    if i >= la and j >= lb:
        return 0
    return -1 if i >= la else 1


def _bytes(s):
    return s.encode("utf-8", "surrogateescape")


def parse_evr(text):
    """(epoch, version, release) of "[epoch:]version[-release]" as rpm's
    parseEVR splits it (rpmio/rpmver.c): epoch only when the text starts
    with digits and a colon ("" -> "0"); release after the last "-";
    missing parts are None."""
    k = 0
    while k < len(text) and _isdigit(text[k]):
        k += 1
    epoch = None
    rest = text
    if k < len(text) and text[k] == ":":
        epoch = text[:k] or "0"
        rest = text[k + 1:]
    dash = text.rfind("-", k)
    if dash >= 0:
        dash -= len(text) - len(rest)
        return epoch, rest[:dash], rest[dash + 1:]
    return epoch, rest, None


def _cmp_values(x, y):
    if x is None and y is None:
        return 0
    if y is None:
        return 1
    if x is None:
        return -1
    return rpmvercmp(x, y)


def compare_evr(one, two):
    """rpmverCmp: epochs (missing = "0") compared as versions, then version,
    then release (a missing release is older than any release). Arguments
    are (epoch, version, release) with epoch an int, a str or None."""
    e1 = "0" if one[0] is None else str(one[0])
    e2 = "0" if two[0] is None else str(two[0])
    return _cmp_values(e1, e2) or _cmp_values(one[1], two[1]) or _cmp_values(one[2], two[2])


def vercmp_evr_strings(a, b):
    """rpm.vercmp() of rpm 4.16+'s Lua API on two "[e:]v[-r]" strings."""
    return compare_evr(parse_evr(a), parse_evr(b))
