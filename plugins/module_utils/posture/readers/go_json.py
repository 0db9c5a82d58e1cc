# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON decoded into a Go struct as Go's encoding/json does it (json.Unmarshal).

What it mirrors (Go 1.19, the toolchain of Debian 12's docker.io 20.10,
podman 4.3 and runc 1.1.5; unchanged in later releases for these points):
- RFC 8259 only: NaN, Infinity, comments and trailing commas are syntax errors.
- A key names a field by its json tag exactly or, failing that,
  case-insensitively (ASCII case, plus U+017F for "s" and U+212A for "k");
  a key that names no field is ignored; pairs are applied in file order, so
  of two keys for one field (duplicates, or two spellings) the last wins.
- `null` leaves a string or number field as it was and sets a slice or
  pointer to nil.
- A value of the wrong JSON type is an error (json.Unmarshal returns it and
  the consumer refuses the document); a number goes into an unsigned field
  only when its literal is plain digits within the type's range.

Shapes describe the struct: STRING, UINT (64-bit), UINT64, BOOL,
ListOf(shape), PointerTo(shape), Struct({json name: shape}).
Used by seccomp.py (moby's and containers-common's Seccomp struct).
"""

from __future__ import annotations

import json

from .hostfs import MAX_NESTING
from .numbers import go_json_integer

STRING = "string"
UINT = "uint"
UINT64 = "uint64"
BOOL = "bool"


class GoJsonError(ValueError):
    """The consumer's json.Unmarshal would return an error."""


class ListOf:
    def __init__(self, item):
        self.item = item


class PointerTo:
    def __init__(self, item):
        self.item = item


class Struct:
    def __init__(self, fields):
        self.fields = fields


class _Number(str):
    """A JSON number, kept as its literal (Go decodes the literal, not a float)."""


class _Object(list):
    """An object's (key, value) pairs in file order, duplicates kept."""


def fold(key):
    """A key as Go compares it with an ASCII field name (strings.EqualFold, encoding/json's foldName)."""
    return key.replace("\u017f", "s").lower()   # str.lower() maps U+212A (Kelvin sign) to "k" itself


def parse(text):
    """The JSON document with objects as _Object pairs and numbers as literals; GoJsonError if not JSON."""
    _check_depth(text)
    decoder = json.JSONDecoder(object_pairs_hook=_Object, parse_constant=_not_json,
                               parse_int=_Number, parse_float=_Number)
    try:
        value, end = decoder.raw_decode(text, len(text) - len(text.lstrip(" \t\r\n")))
    except GoJsonError:
        raise
    except ValueError as exc:
        raise GoJsonError("not JSON: %s" % exc)
    if text[end:].strip(" \t\r\n"):
        raise GoJsonError("not JSON: data after the top-level value")
    return value


def _not_json(name):
    raise GoJsonError("not JSON: %s is not a JSON value" % name)


def _check_depth(text):
    """Refuse nesting deeper than the audit reads (Python's parser would recurse past its stack)."""
    if nesting_depth(text) > MAX_NESTING:
        raise GoJsonError("nested more than %d levels deep" % MAX_NESTING)


def nesting_depth(text):
    """How deep arrays and objects nest in a JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def decode(value, shape, where="(top level)"):
    """`value` (from parse) decoded into `shape`: dicts for structs (only the fields the document set),
    lists, str, int, bool, None for nil pointers and slices."""
    if isinstance(shape, Struct):
        if value is None:
            return {}   # null into a struct: no effect
        if not isinstance(value, _Object):
            raise GoJsonError("%s: cannot unmarshal %s into a Go struct" % (where, _kind(value)))
        return _decode_struct(value, shape, where)
    if value is None:
        return None
    if isinstance(shape, PointerTo):
        return decode(value, shape.item, where)
    if isinstance(shape, ListOf):
        if not isinstance(value, list) or isinstance(value, _Object):
            raise GoJsonError("%s: cannot unmarshal %s into a Go slice" % (where, _kind(value)))
        return [decode(item, shape.item, "%s[%d]" % (where, index)) for index, item in enumerate(value)]
    if shape == STRING and isinstance(value, str) and not isinstance(value, _Number):
        return str(value)
    if shape == BOOL and isinstance(value, bool):
        return value
    if shape in (UINT, UINT64) and isinstance(value, _Number):
        number = go_json_integer(value, False, 64)     # unsigned, 64 bits
        if number is not None:
            return number
        raise GoJsonError("%s: cannot unmarshal number %s into Go value of type %s" % (where, value, shape))
    raise GoJsonError("%s: cannot unmarshal %s into Go value of type %s" % (where, _kind(value), shape))


def _decode_struct(pairs, shape, where):
    result = {}
    for key, item in pairs:
        field = field_for(key, shape.fields)
        if field is None:
            continue
        field_shape = shape.fields[field]
        if item is None and not isinstance(field_shape, (ListOf, PointerTo)):
            continue  # null leaves a string, number or struct field as it was
        result[field] = decode(item, field_shape, "%s.%s" % (where, field) if where != "(top level)" else field)
    return result


def field_for(key, fields):
    """The field a key names: its exact json name, else the first one equal under fold() (Go's order
    is the struct's field order, which `fields` keeps), else None."""
    if key in fields:
        return key
    folded = fold(key)
    for field in fields:
        if fold(field) == folded:
            return field
    return None


def _kind(value):
    if isinstance(value, _Object):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _Number):
        return "number %s" % value
    if isinstance(value, str):
        return "string"
    return "null"
