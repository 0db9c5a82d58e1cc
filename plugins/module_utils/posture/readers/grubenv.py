# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GRUB's environment block (grubenv), read as GRUB's own `load_env` reads it.

Mirrors rhboot/grub2 rhel-9.4.0 (RHEL 9.0-9.4, Fedora 40; rhel-8-main and
rhel-10-main have the same text) grub-core/commands/loadenv.h
read_envblk_file() and set_var(), and grub-core/lib/envblk.c
grub_envblk_open() (lines 27-45) and grub_envblk_iterate() (270-340), which
are upstream GRUB 2.06's:

- the whole file is read, whatever its size (grub2-editenv writes 1024
  bytes, but load_env does not insist);
- it must begin with the signature line `# GRUB Environment Block` and its
  newline, else load_env fails and sets no variable at all;
- after the signature, a line starting with `#` is skipped (the padding);
- any other line is `name=value`: the name runs to the first `=`, across
  newlines if need be; the value to the next newline that no backslash
  escapes; in it `\\x` stands for `x` (so `\\\\` is a backslash and a backslash
  before a newline keeps the newline); a name or value is a C string, cut at
  its first NUL byte;
- a line without `=`, or a value without its newline, ends the reading: the
  variables read so far are set, no later one.

Tests: tests/unit/readers/bls/test_grubenv.py: cases from this source, and
the same blocks listed by Debian's `grub-editenv FILE list` (GRUB 2.06, the
same envblk.c: rhel-9.4.0 only adds grub_envblk_get()).
"""

from __future__ import annotations

SIGNATURE = b"# GRUB Environment Block\n"


def parse(data, names=None):
    """{name: value} that `load_env` sets from the bytes of a grubenv file
    (values decoded as UTF-8 with surrogate escapes: GRUB keeps bytes);
    None when GRUB refuses the block (no signature): load_env sets nothing.
    `names`: load_env's whitelist (only these are set), None for all."""
    found = variables(data)
    if found is None:
        return None
    return {name: value for name, value in found if names is None or name in names}


def variables(data):
    """[(name, value)] in the order grub_envblk_iterate() visits them (what
    `grub-editenv FILE list` prints); None when the block is refused."""
    if len(data) < len(SIGNATURE) + 1 or not data.startswith(SIGNATURE):
        return None      # grub_envblk_open: "invalid environment block"
    values = []
    position, end = len(SIGNATURE), len(data)
    while position < end:
        if data[position:position + 1] != b"#":
            equals = data.find(b"=", position)
            if equals < 0:
                break    # "Broken."
            name = data[position:equals]
            value, stop = _value(data, equals + 1)
            if stop is None:
                break    # the value runs to the end of the block without a newline
            values.append((_c_string(name), _c_string(value)))
            position = stop
        position = _next_line(data, position)
    return values


def _value(data, start):
    """(the unescaped value starting at `start`, the offset of the newline that
    ends it); (None, None) when no newline ends it."""
    out = bytearray()
    position = start
    while position < len(data):
        byte = data[position:position + 1]
        if byte == b"\n":
            return bytes(out), position
        if byte == b"\\":
            escaped = data[position + 1:position + 2]
            if not escaped:
                return None, None
            out += escaped
            position += 2
            continue
        out += byte
        position += 1
    return None, None


def _next_line(data, position):
    """find_next_line(): just past the next newline no backslash escapes."""
    while position < len(data):
        byte = data[position:position + 1]
        if byte == b"\\":
            position += 2
        elif byte == b"\n":
            break
        else:
            position += 1
    return position + 1


def _c_string(raw):
    return raw.split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")
