# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render engine drop-in files (containers.conf.d, crio.conf.d) as TOML.

The counterpart of posture/readers/toml_lite.py, the one TOML reader: every text this
writes is read back with it before it is returned, and a text that would not
read back as exactly the data given (same keys, same types, same values) is
refused with TomlWriteError naming the key, so a writer never puts on disk a
file the engine (or the audit) reads differently from what was meant.

It writes nested tables, strings, integers (int64), floats (inf and nan
included, shortest round-trip form), booleans, dates and times
(datetime.datetime with or without a fixed offset, datetime.date,
datetime.time), arrays of any of these, nested and mixed, and inline tables
inside arrays. It refuses None (TOML has no null), integers beyond int64,
strings that are not valid Unicode text (lone surrogates), keys that are not
strings, times of day with an offset, and any other Python type. Output is
deterministic (keys sorted) so that an unchanged configuration renders to the
same bytes and a second run changes nothing. Standard library only: this
runs on the managed host (Python 3.9+).
"""

from __future__ import annotations

import datetime
import math
import re

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.toml_lite import TomlError, loads

COLLECTION = "stockade.hardening"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_INT64 = (-(1 << 63), (1 << 63) - 1)
# Arrays longer than this (items or characters) are written one item a line.
_INLINE_ITEMS = 3
_INLINE_WIDTH = 60


class TomlWriteError(TypeError):
    """The data cannot be written as TOML exactly; says which key and why."""


def header(owner=None):
    """The comment line that opens every file this collection writes."""
    text = "Managed by %s" % COLLECTION
    if owner:
        text += " (%s)" % " ".join(str(owner).split())  # one line, whatever was given
    return "# %s: local edits are overwritten on the next run; change the role variables instead.\n" % text


def dumps(data, owner=None, comment=None):
    """TOML text for `data` (a dict), opened by the managed-by header line (or by `comment`, a text
    whose every line becomes a comment line); TomlWriteError when it cannot be written exactly."""
    if not isinstance(data, dict):
        raise TomlWriteError("the top level must be a table (dict), found %s" % type(data).__name__)
    first = header(owner) if comment is None else "".join(
        "# %s\n" % " ".join(line.split()) for line in comment.splitlines())
    lines = [first.rstrip("\n")]
    _table(data, (), lines, is_root=True)
    text = "\n".join(lines) + "\n"
    _check_round_trip(data, text)
    return text


def _check_round_trip(data, text):
    try:
        back = loads(text)
    except TomlError as exc:
        raise TomlWriteError("the rendered TOML does not read back (%s)" % exc)
    where = _first_difference(data, back, ())
    if where is not None:
        raise TomlWriteError("%s: would not read back as the same value" % _where(where))


def _first_difference(ours, theirs, path):
    if isinstance(ours, dict):
        if not isinstance(theirs, dict) or set(ours) != set(theirs):
            return path
        for key in sorted(ours):
            found = _first_difference(ours[key], theirs[key], path + (key,))
            if found is not None:
                return found
        return None
    if isinstance(ours, (list, tuple)):
        if not isinstance(theirs, list) or len(ours) != len(theirs):
            return path
        for index, (a, b) in enumerate(zip(ours, theirs)):
            found = _first_difference(a, b, path + ("[%d]" % index,))
            if found is not None:
                return found
        return None
    if type(ours) is not type(theirs):
        return path
    if isinstance(ours, float) and math.isnan(ours):
        return None if math.isnan(theirs) and math.copysign(1, ours) == math.copysign(1, theirs) else path
    if isinstance(ours, float) and math.copysign(1, ours) != math.copysign(1, theirs):
        return path
    if isinstance(ours, datetime.datetime) and ours.utcoffset() != theirs.utcoffset():
        return path
    return None if ours == theirs else path


def _table(table, path, lines, is_root=False):
    scalars = []
    children = []
    for key in sorted(table, key=_sort_key):
        if not isinstance(key, str):
            raise TomlWriteError("%s: keys must be strings, found %r" % (_where(path), key))
        value = table[key]
        (children if isinstance(value, dict) else scalars).append((key, value))
    # A table is written as a [header] when it holds values, or when it is
    # empty (else it would vanish); a table holding only tables is implied.
    if not is_root and (scalars or not children):
        if len(lines) > 1:
            lines.append("")
        lines.append("[%s]" % ".".join(_key(k, path) for k in path))
    for key, value in scalars:
        lines.append("%s = %s" % (_key(key, path), _value(value, path + (key,), top=True)))
    for key, value in children:
        _table(value, path + (key,), lines)


def _sort_key(key):
    return (0, key) if isinstance(key, str) else (1, repr(key))


def _where(path):
    return ".".join(path) or "(top level)"


def _key(key, path):
    if _BARE_KEY.fullmatch(key):
        return key
    return _string(key, path + (key,))


def _string(text, path):
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append("\\u%04X" % ord(char))
        elif 0xD800 <= ord(char) <= 0xDFFF:
            raise TomlWriteError("%s: a lone surrogate (U+%04X) is not text TOML can hold" % (_where(path), ord(char)))
        else:
            out.append(char)
    return '"%s"' % "".join(out)


def _scalar(value, path):
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise TomlWriteError("%s: %d is beyond TOML's 64-bit integers" % (_where(path), value))
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "-nan" if math.copysign(1, value) < 0 else "nan"
        if math.isinf(value):
            return "-inf" if value < 0 else "inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return _string(value, path)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return _moment(value, path)
    if value is None:
        raise TomlWriteError("%s: TOML has no null; leave the key out instead" % _where(path))
    raise TomlWriteError("%s: cannot write a %s as TOML" % (_where(path), type(value).__name__))


def _moment(value, path):
    if isinstance(value, datetime.datetime):
        text = value.replace(tzinfo=None).isoformat()
        offset = value.utcoffset()
        if offset is not None:
            if not isinstance(value.tzinfo, datetime.timezone):
                raise TomlWriteError("%s: only a fixed UTC offset can be written, found %r"
                                     % (_where(path), value.tzinfo))
            minutes, seconds = divmod(int(offset.total_seconds()), 60)
            if seconds:
                raise TomlWriteError("%s: an offset of seconds cannot be written in TOML" % _where(path))
            sign = "-" if minutes < 0 else "+"
            text += "%s%02d:%02d" % (sign, abs(minutes) // 60, abs(minutes) % 60)
        return text
    if isinstance(value, datetime.time) and value.tzinfo is not None:
        raise TomlWriteError("%s: TOML has no time of day with an offset" % _where(path))
    return value.isoformat()


def _value(value, path, top=False):
    if isinstance(value, (list, tuple)):
        items = [_value(item, path + ("[%d]" % index,)) for index, item in enumerate(value)]
        inline = "[%s]" % ", ".join(items)
        if not top or (len(items) <= _INLINE_ITEMS and len(inline) <= _INLINE_WIDTH) or any(
                "\n" in item for item in items):
            return inline
        return "[\n%s\n]" % "\n".join("  %s," % item for item in items)
    if isinstance(value, dict):
        pairs = []
        for key in sorted(value, key=_sort_key):
            if not isinstance(key, str):
                raise TomlWriteError("%s: keys must be strings, found %r" % (_where(path), key))
            pairs.append("%s = %s" % (_key(key, path), _value(value[key], path + (key,))))
        return "{%s}" % ", ".join(pairs)
    return _scalar(value, path)
