# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Random valid TOML 1.0 documents, and random mutations of them, for the
differential test against tomllib (test_toml_lite.py)."""

NAMES = ("a", "b", "seccomp_profile", "userns", "1", "-x_", "true", "inf", "2001-01-01")
INTERESTING = ('"', "'", "[", "]", "{", "}", "=", ".", ",", "#", "\n", "\\", "0", "_", "\x00", "\x7f", "\r",
               "\t", " ", "e", ":", "-", "+", "T", "Z", "\ufeff", "u", "x", "1")


def _key(rng, taken):
    """A key not in `taken`, bare or quoted."""
    while True:
        name = rng.choice(NAMES) + ("" if rng.random() < 0.5 else str(rng.randrange(100)))
        if name not in taken:
            taken.add(name)
            break
    style = rng.random()
    if style < 0.6:
        return name
    if style < 0.8:
        return "'%s'" % name
    return '"%s"' % "".join("\\u%04x" % ord(c) if rng.random() < 0.2 else c for c in name)


def _integer(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return str(rng.choice([0, 1, -1, 2 ** 63 - 1, -(2 ** 63), 42]))
    if kind == 1:
        digits = str(rng.randrange(1, 10 ** rng.randrange(1, 12)))
        return rng.choice(["", "+", "-"]) + "_".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    if kind == 2:
        return "0x" + rng.choice(["DEAD_beef", "0", "7fffffffffffffff", "ff"])
    if kind == 3:
        return "0o" + rng.choice(["755", "0", "7_7"])
    if kind == 4:
        return "0b" + rng.choice(["1010", "0", "1_0"])
    return str(rng.randrange(-1000, 1000))


def _float(rng):
    return rng.choice(["0.0", "-0.0", "+1.5", "3.1415_9265", "6.02e23", "1E-5", "-2e+0_3", "1e05", "inf", "-inf",
                       "+inf", "nan", "-nan", "+nan", "5e-324", "1.7976931348623157e308", "0.1", "1_0.0_1"])


def _string(rng):
    text = "".join(rng.choice(["a", " ", "\t", "é", "\U0001F600", "'", "#", "[", "="]) for dummy in range(rng.randrange(6)))
    style = rng.randrange(4)
    if style == 0:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", rng.choice(["\\t", "\t"]))
        return '"%s%s"' % (escaped, rng.choice(["", "\\n", "\\u00E9", "\\U0001F600", "\\\\", "\\b\\f\\r"]))
    if style == 1 and "'" not in text:
        return "'%s'" % text
    if style == 2:
        return '"""%s%s\n%s"""' % (rng.choice(["", "\n"]), text.replace("\\", "\\\\").replace('"', "'"),
                                   rng.choice(["", "x\\\n   y", "\\  \n  z", '"'])) if '"' not in text else '""'
    return "'''%s%s'''" % (rng.choice(["", "\n"]), text.replace("'", ""))


def _date_time(rng):
    date = "%04d-%02d-%02d" % (rng.randrange(1, 10000), rng.randrange(1, 13), rng.randrange(1, 29))
    time = "%02d:%02d:%02d%s" % (rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                 rng.choice(["", ".5", ".123456", ".1234567891"]))
    kind = rng.randrange(4)
    if kind == 0:
        return date
    if kind == 1:
        return time
    offset = rng.choice(["", "Z", "z", "+05:30", "-00:00", "-23:59"])
    return date + rng.choice(["T", "t", " "]) + time + (offset if kind == 2 else "")


def _value(rng, depth=0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return _integer(rng)
    if kind == 1:
        return _float(rng)
    if kind == 2:
        return rng.choice(["true", "false"])
    if kind in (3, 4):
        return _string(rng)
    if kind == 5:
        return _date_time(rng)
    if kind in (6, 7):
        items = [_value(rng, depth + 1) for dummy in range(rng.randrange(4))]
        if rng.random() < 0.5:
            separator = ",%s\n  " % rng.choice(["", " # note"])
            return "[\n  %s%s\n]" % (separator.join(items), rng.choice(["", ","]) if items else "")
        return "[%s%s]" % (", ".join(items), rng.choice(["", ","]) if items else "")
    taken = set()
    pairs = ["%s = %s" % (_dotted(rng, taken), _value(rng, depth + 1)) for dummy in range(rng.randrange(4))]
    return "{%s}" % ", ".join(pairs)


def _dotted(rng, taken):
    if rng.random() < 0.2:
        return "%s.%s" % (_key(rng, taken), _key(rng, set()))
    return _key(rng, taken)


def _pairs(rng, lines):
    taken = set()
    for dummy in range(rng.randrange(5)):
        lines.append("%s%s = %s%s" % (rng.choice(["", "  ", "\t"]), _dotted(rng, taken), _value(rng),
                                      rng.choice(["", "  # comment", "#"])))


def random_document(rng):
    """A valid TOML 1.0 document of a few tables, arrays of tables and values."""
    lines = []
    _pairs(rng, lines)
    kinds = {}         # header path -> "table" or "array"
    implicit = set()   # paths named on the way to a header
    for dummy in range(rng.randrange(5)):
        parts = [rng.choice(["containers", "engine", "t%d" % rng.randrange(3), '"q.k"'])
                 for dummy in range(rng.randrange(1, 3))]
        path = ".".join(parts)
        if rng.random() < 0.3:
            if kinds.get(path, "array") != "array" or path in implicit and path not in kinds:
                continue
            kinds[path] = "array"
            lines.append("[[%s]]" % path)
        else:
            if path in kinds:
                continue
            kinds[path] = "table"
            lines.append("[%s]" % path)
        implicit.update(".".join(parts[:i]) for i in range(1, len(parts)))
        _pairs(rng, lines)
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n"])


def mutations(rng, text, count):
    """`count` random small edits of `text`."""
    out = []
    for dummy in range(count):
        chars = list(text)
        lines = text.split("\n")
        edit = rng.randrange(5)
        if edit == 0 and chars:
            del chars[rng.randrange(len(chars))]
            out.append("".join(chars))
        elif edit == 1:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(INTERESTING))
            out.append("".join(chars))
        elif edit == 2 and chars:
            chars[rng.randrange(len(chars))] = rng.choice(INTERESTING)
            out.append("".join(chars))
        elif edit == 3:
            index = rng.randrange(len(lines))
            lines.insert(index, lines[index])
            out.append("\n".join(lines))
        else:
            first, second = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[first], lines[second] = lines[second], lines[first]
            out.append("\n".join(lines))
    return out
