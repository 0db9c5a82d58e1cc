# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile TOML in a containers.conf (or crio.conf) drop-in read after ours.

The consumer's verdict was taken on this machine (2026-11-29) by giving the
same text to Podman 4.3.1 as its containers.conf (`CONTAINERS_CONF=FILE podman
system connection list`, BurntSushi/toml 1.2.0): "refuses" means it exits 1
naming the TOML error, so no container starts and the audit must say error.
Where Podman 4.3 is laxer than TOML 1.0 (it accepts), the document is still
not TOML: the audit says error rather than guess what the file means, and the
consumer string says so. See also tests/unit/plugins/module_utils/posture/
toml_cases.py (the same documents against tomllib) and tests/engines/test_toml_podman.py.
"""

from corpus import Case

LATE = "etc/containers/containers.conf.d/90-site.conf"
CRIO_LATE = "etc/crio/crio.conf.d/90-site.conf"
REFUSES = "Podman 4.3.1 / BurntSushi/toml 1.2.0 (this machine, CONTAINERS_CONF=FILE podman system connection list): " \
          "refuses to start"
LAX = "Podman 4.3.1 / BurntSushi/toml 1.2.0 (this machine) accepts it, but TOML 1.0 and tomllib reject it: " \
      "not TOML, so error, never a guess"
ACCEPTS = "Podman 4.3.1 / BurntSushi/toml 1.2.0 (this machine) accepts it and keeps the hardened value"


def toml_case(name, text, expect="error", consumer=REFUSES, path=LATE, control="podman-seccomp-enabled"):
    return Case("toml-" + name, "toml_lite", control, expect, {path: text}, consumer=consumer)


CASES = [
    toml_case("nul-in-comment", "[containers]\n# site \x00 settings\nlog_driver = \"journald\"\n"),
    toml_case("del-in-string", "[containers]\nlog_tag = \"a\x7fb\"\n"),
    toml_case("escape-char-in-comment", "[containers] # \x1b[31m red\n"),
    toml_case("lone-cr", "[containers]\rlog_driver = \"journald\"\n"),
    toml_case("array-of-tables-then-table", "[[site]]\n[site]\n"),
    toml_case("duplicate-key", "[containers]\nlog_driver = \"k8s-file\"\nlog_driver = \"journald\"\n"),
    toml_case("duplicate-table", "[containers]\n[engine]\n[containers]\n"),
    toml_case("leading-zero", "[containers]\npids_limit = 04096\n"),
    toml_case("int64-overflow", "[containers]\npids_limit = 9223372036854775808\n"),
    toml_case("float-overflow", "[site]\nratio = 1e400\n"),
    # issue 18: Python's int() refuses past 4300 digits; the reader decides the range from the digit count
    toml_case("int-5000-digits", "[containers]\npids_limit = %s\n" % ("9" * 5000)),
    toml_case("hex-int-5000-digits", "[containers]\npids_limit = 0x%s\n" % ("f" * 5000)),
    toml_case("fullwidth-digit", "[containers]\npids_limit = \uff13\n"),
    toml_case("sign-on-hex", "[containers]\npids_limit = +0x1\n"),
    toml_case("escape-e-is-toml-1-1", "[containers]\nlog_tag = \"\\e[0m\"\n"),
    toml_case("time-without-seconds", "[site]\nwhen = 07:32\n"),
    toml_case("february-30", "[site]\nwhen = 2021-02-30\n"),
    toml_case("surrogate-escape", "[containers]\nlog_tag = \"\\uD800\"\n"),
    toml_case("inline-table-newline", "[site]\nt = {a = 1,\n b = 2}\n"),
    toml_case("utf8-bom", "\ufeff[containers]\nlog_driver = \"journald\"\n"),
    toml_case("dotted-key-into-inline-table", "[engine]\nvolume_plugins = {a = \"/x\"}\nvolume_plugins.b = \"/y\"\n",
              consumer=LAX),
    toml_case("header-redefines-dotted-table", "[containers]\nsite.a = 1\n[containers.site]\n", consumer=LAX),
    toml_case("dotted-key-into-header-table", "[engine.runtimes]\nkata = [\"/k\"]\n[engine]\nruntimes.x = [\"/x\"]\n",
              consumer=LAX),
    toml_case("offset-hour-24", "[site]\nwhen = 1979-05-27T07:32:00+24:00\n", consumer=LAX),
    toml_case("nested-arrays-200-deep", "[site]\nx = " + "[" * 200 + "]" * 200 + "\n",
              consumer="not refused by Podman 4.3 (BurntSushi recurses), but past the reader's nesting cap: "
                       "error, never a RecursionError"),
    toml_case("dates-are-values-of-an-unknown-key", "[site]\nwhen = 1979-05-27T07:32:00Z\nday = 1979-05-27\n",
              expect="pass", consumer=ACCEPTS + " (an unknown key is ignored)"),
    toml_case("crlf-lines", "[containers]\r\nlog_driver = \"journald\"\r\n", expect="pass", consumer=ACCEPTS),
    toml_case("crio-nul-in-comment", "[crio.runtime]\n# \x00\n", path=CRIO_LATE, control="crio-seccomp-enabled",
              consumer="CRI-O reads TOML with BurntSushi/toml, which refuses control characters in comments "
                       "(Podman 4.3's 1.2.0 on this machine refuses the same text); CRI-O itself not run here"),
]
