# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper: build rpm header blobs by hand (our own code), laid out as
rpm's headerExport lays out an installed header: an immutable region (tag 63)
whose entries' data come first, the region trailer, then "dribble" entries
added at install time. Big-endian, data aligned to the type's size."""

from __future__ import annotations

import hashlib
import struct

T_CHAR, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRING_ARRAY, T_I18NSTRING = range(1, 10)
_ALIGN = {T_INT16: 2, T_INT32: 4, T_INT64: 8}


def encode(typ, value):
    """(data bytes, count) for a value of a type."""
    if typ == T_STRING:
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        return raw + b"\0", 1
    if typ in (T_STRING_ARRAY, T_I18NSTRING):
        items = [v if isinstance(v, bytes) else v.encode("utf-8") for v in value]
        return b"".join(i + b"\0" for i in items), len(items)
    if typ in (T_INT32, T_INT16, T_INT64, T_INT8, T_CHAR):
        fmt = {T_INT32: ">I", T_INT16: ">H", T_INT64: ">Q", T_INT8: ">B", T_CHAR: ">B"}[typ]
        values = value if isinstance(value, (list, tuple)) else [value]
        return b"".join(struct.pack(fmt, v) for v in values), len(values)
    if typ == T_BIN:
        return bytes(value), len(value)
    raise ValueError(typ)


def build(region, dribbles=(), region_tag=63):
    """Blob from region entries and dribbles: lists of (tag, type, value).
    region_tag None: a legacy header without a region."""
    entries = []
    data = bytearray()

    def place(tag, typ, value):
        raw, count = encode(typ, value)
        pad = (-len(data)) % _ALIGN.get(typ, 1)
        data.extend(b"\0" * pad)
        entries.append((tag, typ, len(data), count))
        data.extend(raw)

    for tag, typ, value in region:
        place(tag, typ, value)
    if region_tag is not None:
        ril = len(region) + 1
        trailer_offset = len(data)
        data.extend(struct.pack(">iiii", region_tag, T_BIN, -ril * 16, 16))
        entries.insert(0, (region_tag, T_BIN, trailer_offset, 16))
    for tag, typ, value in dribbles:
        place(tag, typ, value)
    head = struct.pack(">ii", len(entries), len(data))
    index = b"".join(struct.pack(">iiii", *e) for e in entries)
    return head + index + bytes(data)


def package(name="pkg", version="1.0", release="1", epoch=None, arch="x86_64", extra=(), dribbles=()):
    """A plausible installed header (sorted by tag, as rpm writes them)."""
    region = [(100, T_STRING_ARRAY, ["C"]), (1000, T_STRING, name), (1001, T_STRING, version),
              (1002, T_STRING, release)]
    if epoch is not None:
        region.append((1003, T_INT32, epoch))
    region.append((1004, T_I18NSTRING, ["summary"]))
    if arch is not None:
        region.append((1022, T_STRING, arch))
    region.extend(extra)
    region.sort(key=lambda e: e[0])
    if not dribbles:
        dribbles = [(1008, T_INT32, 1700000000), (1128, T_INT32, 1700000000)]
    return build(region, dribbles)


def with_digests(blob):
    """The blob with SHA1HEADER (269) and SHA256HEADER (273) dribbles over its
    region, as rpm merges them in from the signature header at install."""
    il, dl = struct.unpack_from(">ii", blob, 0)
    entries = [struct.unpack_from(">iiii", blob, 8 + 16 * i) for i in range(il)]
    tag0, _t, off0, _c = entries[0]
    assert tag0 == 63
    ril = -struct.unpack_from(">iiii", blob, 8 + 16 * il + off0)[2] // 16
    rdl = off0 + 16
    ds = 8 + 16 * il
    hashed = (b"\x8e\xad\xe8\x01\x00\x00\x00\x00" + struct.pack(">ii", ril, rdl)
              + blob[8:8 + 16 * ril] + blob[ds:ds + rdl])
    data = bytearray(blob[ds:])
    new = list(entries)
    for tag, algo in ((269, hashlib.sha1), (273, hashlib.sha256)):
        new.append((tag, T_STRING, len(data), 1))
        data.extend(algo(hashed).hexdigest().encode() + b"\0")
    return (struct.pack(">ii", len(new), len(data)) + b"".join(struct.pack(">iiii", *e) for e in new)
            + bytes(data))
