# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render engine drop-in files (containers.conf.d, crio.conf.d) as TOML.

The counterpart of posture/toml_lite.py: what this writes, toml_lite (and
Python's tomllib) read back as the same data. It covers what the layer roles
write: nested tables, strings, integers, floats, booleans and flat arrays of
those. Output is deterministic (keys sorted) so that an unchanged
configuration renders to the same bytes and a second run changes nothing.
Standard library only: this runs on the managed host (Python 3.9+).
"""

from __future__ import annotations

import math
import re

COLLECTION = "stockade.hardening"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
# Arrays longer than this (items or characters) are written one item a line.
_INLINE_ITEMS = 3
_INLINE_WIDTH = 60


class TomlWriteError(TypeError):
    """The data cannot be written as TOML by this writer; says where and why."""


def header(owner=None):
    """The comment line that opens every file this collection writes."""
    text = "Managed by %s" % COLLECTION
    if owner:
        text += " (%s)" % " ".join(str(owner).split())  # one line, whatever was given
    return "# %s: local edits are overwritten on the next run; change the role variables instead.\n" % text


def dumps(data, owner=None):
    """TOML text for `data` (a dict), opened by the managed-by header line."""
    if not isinstance(data, dict):
        raise TomlWriteError("the top level must be a table (dict), found %s" % type(data).__name__)
    lines = [header(owner).rstrip("\n")]
    _table(data, (), lines, is_root=True)
    return "\n".join(lines) + "\n"


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
        lines.append("[%s]" % ".".join(_key(k) for k in path))
    for key, value in scalars:
        lines.append("%s = %s" % (_key(key), _value(value, path + (key,))))
    for key, value in children:
        _table(value, path + (key,), lines)


def _sort_key(key):
    return (0, key) if isinstance(key, str) else (1, repr(key))


def _where(path):
    return ".".join(path) or "(top level)"


def _key(key):
    if _BARE_KEY.fullmatch(key):
        return key
    return _string(key)


def _string(text):
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append("\\u%04X" % ord(char))
        else:
            out.append(char)
    return '"%s"' % "".join(out)


def _scalar(value, path):
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ("-inf" if value < 0 else "inf") if math.isinf(value) else "nan"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return _string(value)
    if value is None:
        raise TomlWriteError("%s: TOML has no null; leave the key out instead" % _where(path))
    raise TomlWriteError("%s: cannot write a %s as TOML" % (_where(path), type(value).__name__))


def _value(value, path):
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            if isinstance(item, (list, tuple, dict)):
                raise TomlWriteError("%s[%d]: arrays may hold only strings, numbers and booleans"
                                     % (_where(path), index))
            items.append(_scalar(item, path))
        inline = "[%s]" % ", ".join(items)
        if len(items) <= _INLINE_ITEMS and len(inline) <= _INLINE_WIDTH:
            return inline
        return "[\n%s\n]" % "\n".join("  %s," % item for item in items)
    return _scalar(value, path)
