# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Our own corpus of TOML documents, each with three verdicts.

- `valid`: TOML 1.0.0's verdict, which toml_lite must give.
- tomllib (Python 3.11) must give the same verdict and, for a valid document,
  the same values; the few documents where tomllib is laxer than TOML 1.0 or
  than the engines (integers beyond int64, floats that overflow) say so with
  `tomllib_accepts=True`.
- `podman`: what Podman 4.3.1 (Debian 12: containers-common 0.50.1 built with
  BurntSushi/toml 1.2.0, golang-toml 1.2.0-2) did with the document as its
  only containers.conf (`CONTAINERS_CONF=FILE podman system connection list`,
  this machine, 2026-11-29): "accept" or "reject"; `podman_5_4` the same for
  Debian 13's Podman 5.4.2 (containers-common 0.62.2, BurntSushi/toml 1.4.0,
  unpacked by scripts/debian13-consumers.sh), given only where it differs.
  tests/engines/test_toml_podman.py runs them again and must see the same;
  where Podman accepts what TOML 1.0 rejects, toml_lite still rejects (the
  audit then says `error`, never `pass`).
"""


class Doc:
    def __init__(self, name, text, valid, podman, tomllib_accepts=None, note="", podman_5_4=None):
        self.name = name
        self.text = text
        self.valid = valid
        self.podman = podman
        self.podman_5_4 = podman if podman_5_4 is None else podman_5_4
        self.tomllib_accepts = valid if tomllib_accepts is None else tomllib_accepts
        self.note = note

    def __repr__(self):
        return "Doc(%s)" % self.name


ACCEPT, REJECT = "accept", "reject"

DOCS = [
    # -- valid: what containers.conf and crio.conf use, and the corners of TOML 1.0
    Doc("empty", "", True, ACCEPT),
    Doc("comment-only", "# only a comment\n", True, ACCEPT),
    Doc("containers-table", '[containers]\nuserns = "auto"\nlabel = true\nread_only = false\n', True, ACCEPT),
    Doc("array-multiline-comments", '[containers]\ndefault_capabilities = [\n  "CHOWN",  # why\n  "KILL",\n]\n',
        True, ACCEPT),
    Doc("engine-runtimes", '[engine.runtimes]\nkata = ["/usr/bin/kata-runtime", "/opt/kata/bin/kata-runtime"]\n',
        True, ACCEPT),
    Doc("crio-runtime-handler", '[crio.runtime.runtimes.runc]\nruntime_path = ""\nruntime_type = "oci"\n',
        True, ACCEPT),
    Doc("dotted-and-quoted", "a.b.c = 1\n[x]\n\"quoted key\" = 'literal \\ string'\n", True, ACCEPT),
    Doc("numbers", "n = -1_000\nhex = 0xff\noct = 0o17\nbin = 0b101\nf = 6.02e23\ng = -0.5\ni = inf\nj = -nan\n",
        True, ACCEPT),
    Doc("exponent-leading-zero", "a = 1e05\nb = 1E-05\n", True, ACCEPT),
    Doc("int64-bounds", "a = -9223372036854775808\nb = 9223372036854775807\n", True, ACCEPT),
    Doc("float-underflow-to-zero", "a = 1e-400\n", True, ACCEPT),
    Doc("multiline-strings", 'multi = """\nline one\nline two"""\nraw = \'\'\'\nC:\\path\'\'\'\n', True, ACCEPT),
    Doc("line-ending-backslash", 'folded = """\\\n   joined \\  \n   here"""\n', True, ACCEPT),
    Doc("quotes-before-close", 'a = """x""""\nb = \'\'\'y\'\'\'\'\'\n', True, ACCEPT),
    Doc("escapes", 'esc = "tab\\there \\u00e9 \\U0001F600 \\"q\\" \\b\\f\\r\\n\\\\"\n', True, ACCEPT),
    Doc("tab-in-strings-and-comments", 'a = "x\ty" # c\tc\nb = \'x\ty\'\n', True, ACCEPT),
    Doc("inline-table", 'inline = {a = 1, b = "two", c = [1, 2], d.e = 3}\n', True, ACCEPT),
    Doc("inline-dotted-shared-prefix", "a = {b.c = 1, b.d = 2}\n", True, ACCEPT),
    Doc("array-of-tables", '[[network.plugins]]\nname = "bridge"\n[[network.plugins]]\nname = "host"\n',
        True, ACCEPT),
    Doc("array-of-tables-subtables", "[[a]]\n[a.b]\nx = 1\n[[a]]\n[a.b]\nx = 2\n", True, ACCEPT),
    Doc("array-of-tables-dotted", "[[a]]\nb.c = 1\n[[a]]\nb.c = 2\n", True, ACCEPT),
    Doc("nested-arrays-mixed", 'empty = []\nnested = [[1, 2], ["a"], [{x = 1}]]\nmixed = [1, "a", 2.0]\n',
        True, ACCEPT),
    Doc("super-table-after-sub", "[a.b]\nx = 1\n[a]\ny = 2\n", True, ACCEPT),
    Doc("implicit-table-then-dotted", "[a.b.c]\n[a]\nb.d = 1\n", True, ACCEPT,
        note="the [a.b.c] header names a.b only on its way, so [a] may add to it with dotted keys"),
    Doc("subtable-of-dotted", "[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n",
        True, ACCEPT, note="TOML 1.0's own example"),
    Doc("empty-quoted-key", '"" = 1\n', True, ACCEPT),
    Doc("whitespace-in-keys-and-headers", "[ a . b ]\n c . d = 1\n[[ e ]]\n", True, ACCEPT),
    Doc("crlf", "a = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\n", True, ACCEPT),
    Doc("offset-date-time", "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.999999-07:00\n", True, ACCEPT),
    Doc("date-time-lowercase-and-space", "a = 1979-05-27t07:32:00z\nb = 1979-05-27 07:32:00\n", True, ACCEPT),
    Doc("local-date-and-time", "a = 1979-05-27\nb = 07:32:00\nc = 00:32:00.123456789\n", True, ACCEPT),
    Doc("leap-day", "a = 2024-02-29\n", True, ACCEPT),
    Doc("keys-like-values", "true = 1\n1234 = 2\ninf = 3\n2001-01-01 = 4\n", True, ACCEPT,
        note="bare keys may be all digits; a date-like key is the dotted key 2001-01-01"),
    # -- invalid: control characters
    Doc("nul-in-comment", "a = 1 # x\x00y\n", False, REJECT),
    Doc("del-in-comment", "a = 1 # x\x7fy\n", False, REJECT),
    Doc("cr-in-comment", "a = 1 # x\ry\n", False, REJECT),
    Doc("soh-in-comment", "a = 1 # x\x01y\n", False, REJECT),
    Doc("escape-char-in-comment", "a = 1 # x\x1by\n", False, REJECT),
    Doc("nul-in-string", 'a = "x\x00y"\n', False, REJECT),
    Doc("del-in-string", 'a = "x\x7fy"\n', False, REJECT),
    Doc("control-in-literal", "a = 'x\x01y'\n", False, REJECT),
    Doc("control-in-multiline-literal", "a = '''x\x01y'''\n", False, REJECT),
    Doc("control-in-multiline-basic", 'a = """x\x1fy"""\n', False, REJECT),
    Doc("nul-at-start", "\x00a = 1\n", False, REJECT),
    Doc("lone-cr", "a = 1\rb = 2\n", False, REJECT),
    Doc("utf8-bom", "\ufeffa = 1\n", False, REJECT, podman_5_4=ACCEPT,
        note="TOML 1.0 has no BOM; BurntSushi 1.2.0 strips only the UTF-16 marks and then refuses U+FEFF, "
             "1.4.0 (Podman 5.4) strips a UTF-8 BOM"),
    # -- invalid: redefinitions and tables
    Doc("duplicate-key", "a = 1\na = 2\n", False, REJECT),
    Doc("duplicate-table", "[a]\n[a]\n", False, REJECT),
    Doc("array-of-tables-then-table", "[[t]]\n[t]\n", False, REJECT),
    Doc("table-then-array-of-tables", "[t]\n[[t]]\n", False, REJECT),
    Doc("static-array-then-array-of-tables", "a = []\n[[a]]\n", False, REJECT),
    Doc("subtable-of-static-array", "a = [{b = 1}]\n[a.c]\n", False, REJECT),
    Doc("dotted-key-into-inline-table", "a = {b = 1}\na.c = 2\n", False, ACCEPT,
        note="BurntSushi 1.2.0 adds c to the inline table; TOML 1.0: inline tables are complete"),
    Doc("header-into-inline-table", "a = {b = 1}\n[a.c]\n", False, ACCEPT,
        note="BurntSushi 1.2.0 accepts"),
    Doc("dotted-key-into-header-table", "[a.b]\nx = 1\n[a]\nb.y = 2\n", False, ACCEPT,
        note="BurntSushi 1.2.0 accepts"),
    Doc("header-redefines-dotted-table", "[a]\nb.c = 1\n[a.b]\n", False, ACCEPT,
        note="BurntSushi 1.2.0 accepts"),
    Doc("inline-dotted-into-inline", "a = {b = {c = 1}, b.d = 2}\n", False, ACCEPT,
        note="BurntSushi 1.2.0 accepts"),
    Doc("inline-duplicate-key", "a = {b = 1, b = 2}\n", False, REJECT),
    Doc("value-then-table", "a = 1\n[a]\n", False, REJECT),
    Doc("value-then-dotted", "a = 1\na.b = 2\n", False, REJECT),
    Doc("implicit-table-then-value", "[a.b]\n[a]\nb = 1\n", False, REJECT),
    # -- invalid: numbers
    Doc("leading-zero", "a = 0123\n", False, REJECT),
    Doc("leading-zero-float", "a = 01.5\n", False, REJECT),
    Doc("leading-zero-negative", "a = -01\n", False, REJECT),
    Doc("double-underscore", "a = 1__0\n", False, REJECT),
    Doc("trailing-underscore", "a = 10_\n", False, REJECT),
    Doc("signed-hex", "a = +0x1\n", False, REJECT),
    Doc("uppercase-hex-prefix", "a = 0X1F\n", False, REJECT),
    Doc("fraction-without-digits", "a = 1.\n", False, REJECT),
    Doc("fraction-without-integer", "a = .5\n", False, REJECT),
    Doc("exponent-after-dot", "a = 1.e5\n", False, REJECT),
    Doc("int64-overflow", "a = 9223372036854775808\n", False, REJECT, tomllib_accepts=True,
        note="TOML 1.0: an integer that cannot be represented losslessly must be an error; tomllib keeps it"),
    Doc("hex-overflow", "a = 0x8000000000000000\n", False, REJECT, tomllib_accepts=True),
    Doc("float-overflow", "a = 1e400\n", False, REJECT, tomllib_accepts=True,
        note="BurntSushi: out of range for float64; tomllib reads inf"),
    Doc("infinity-word", "a = infinity\n", False, REJECT),
    Doc("capital-true", "a = True\n", False, REJECT),
    # -- invalid: strings and escapes
    Doc("escape-e", 'a = "\\e"\n', False, REJECT, note="\\e is TOML 1.1"),
    Doc("escape-x", 'a = "\\x41"\n', False, REJECT, note="\\x is TOML 1.1"),
    Doc("surrogate-escape", 'a = "\\uD800"\n', False, REJECT),
    Doc("escape-beyond-unicode", 'a = "\\U00110000"\n', False, REJECT),
    Doc("short-unicode-escape", 'a = "\\u12"\n', False, REJECT),
    Doc("backslash-space-not-at-end", 'a = """x\\ y"""\n', False, REJECT),
    Doc("newline-in-basic-string", 'a = "x\ny"\n', False, REJECT),
    Doc("multiline-key", '"""a""" = 1\n', False, REJECT),
    Doc("unterminated-multiline", 'a = """x\n', False, REJECT),
    # -- invalid: dates and times
    Doc("time-without-seconds", "a = 07:32\n", False, REJECT, note="seconds are optional only in TOML 1.1"),
    Doc("date-time-without-seconds", "a = 1979-05-27T07:32Z\n", False, REJECT),
    Doc("february-30", "a = 2021-02-30\n", False, REJECT),
    Doc("not-a-leap-year", "a = 2023-02-29\n", False, REJECT),
    Doc("hour-24", "a = 24:00:00\n", False, REJECT),
    Doc("second-60", "a = 23:59:60\n", False, REJECT),
    Doc("offset-hour-24", "a = 1979-05-27T07:32:00+24:00\n", False, ACCEPT,
        note="RFC 3339's offset hour is 00-23; BurntSushi 1.2.0 accepts +24:00"),
    Doc("fraction-without-digits-time", "a = 07:32:00.\n", False, REJECT),
    # -- invalid: syntax
    Doc("inline-table-newline", "a = {b = 1,\n c = 2}\n", False, REJECT, note="newlines in inline tables are TOML 1.1"),
    Doc("inline-table-trailing-comma", "a = {b = 1,}\n", False, REJECT),
    Doc("array-missing-comma", "a = [1 2]\n", False, REJECT),
    Doc("array-only-comma", "a = [,]\n", False, REJECT),
    Doc("two-values-one-line", "a = 1 b = 2\n", False, REJECT),
    Doc("missing-value", "a =\n", False, REJECT),
    Doc("missing-key", "= 1\n", False, REJECT),
    Doc("header-unclosed", "[a\nb = 1\n", False, REJECT),
    Doc("array-table-header-space", "[[a] ]\n", False, REJECT),
    Doc("empty-header", "[]\n", False, REJECT),
    Doc("dotted-trailing-dot", "a. = 1\n", False, REJECT),
    Doc("key-with-space", "a b = 1\n", False, REJECT),
]
