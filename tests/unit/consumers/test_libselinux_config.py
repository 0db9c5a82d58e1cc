# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""/etc/selinux/config as libselinux reads it: selinux_state against the real
library, and both against the verdicts recorded from it.

The recorded verdicts come from libselinux1 3.4-1+b6 (Debian 12) on the CI
machine: selinux_getenforcemode() and, after selinux_reset_config(),
selinux_getpolicytype(), called through ctypes with each file at the real
path /etc/selinux/config (a tmpfs over /etc/selinux in a private mount
namespace). libselinux 3.8 (Debian 13) has the same code but for
`unsigned char` casts in isspace() calls (read from its source, not run)."""

import pytest

from namespace import run_in_namespace
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.selinux_state import (
    config_policy_type, enforce_mode,
)

LONG = b"#" + b"x" * 4094   # one fgets() buffer of 4095 bytes: the rest of the line is a new chunk

# (name, file content, mode libselinux 3.4 returned: None when selinux_getenforcemode() gave -1)
MODES = [
    ("plain", b"SELINUX=enforcing\nSELINUXTYPE=default\n", "enforcing"),
    ("double-quoted", b'SELINUX="enforcing"\n', None),
    ("single-quoted", b"SELINUX='enforcing'\n", None),
    ("leading-blank", b" SELINUX=enforcing\n", None),
    ("leading-tab", b"\tSELINUX=enforcing\n", None),
    ("blank-before-equals", b"SELINUX =enforcing\n", None),
    ("blank-after-equals", b"SELINUX= enforcing\n", "enforcing"),
    ("tab-after-equals", b"SELINUX=\tpermissive\n", "permissive"),
    ("first-wins", b"SELINUX=permissive\nSELINUX=enforcing\n", "permissive"),
    ("second-after-permissive", b"SELINUX=enforcing\nSELINUX=permissive\n", "enforcing"),
    ("quoted-then-plain", b'SELINUX="enforcing"\nSELINUX=permissive\n', "permissive"),
    ("capitalised-value", b"SELINUX=Enforcing\n", "enforcing"),
    ("upper-value", b"SELINUX=PERMISSIVE\n", "permissive"),
    ("lower-tag", b"selinux=enforcing\n", None),
    ("value-prefix", b"SELINUX=enforcingly\n", "enforcing"),
    ("value-truncated", b"SELINUX=enforc\n", None),
    ("trailing-comment", b"SELINUX=enforcing # was permissive\n", "enforcing"),
    ("commented-out", b"#SELINUX=permissive\nSELINUX=enforcing\n", "enforcing"),
    ("only-commented", b"# SELINUX=enforcing\n", None),
    ("selinuxtype-first", b"SELINUXTYPE=default\nSELINUX=disabled\n", "disabled"),
    ("export-prefix", b"export SELINUX=enforcing\n", None),
    ("empty-value-then-word", b"SELINUX=\nenforcing\n", None),
    ("crlf", b"SELINUX=permissive\r\n", "permissive"),
    ("no-final-newline", b"SELINUX=permissive", "permissive"),
    ("nul-in-value", b"SELINUX=\0enforcing\n", None),
    ("bom", b"\xef\xbb\xbfSELINUX=enforcing\n", None),
    ("empty-file", b"", None),
    ("long-comment-hides-disabled", LONG + b"SELINUX=disabled\nSELINUX=enforcing\n", "disabled"),
    ("long-line-then-enforcing", b"A" * 4095 + b"SELINUX=enforcing\n", "enforcing"),
    ("long-line-one-short", b"A" * 4094 + b"SELINUX=disabled\nSELINUX=enforcing\n", "enforcing"),
    ("garbage-lines-ignored", b"bananas\nSELINUX=enforcing\n", "enforcing"),
    ("blank-line-first", b"\n\nSELINUX=permissive\n", "permissive"),
]

# (name, file content, SELINUXTYPE libselinux 3.4 returned)
TYPES = [
    ("plain", b"SELINUX=enforcing\nSELINUXTYPE=default\n", "default"),
    ("absent", b"SELINUX=enforcing\n", "targeted"),
    ("lower-tag", b"selinuxtype=mls\n", "mls"),
    ("leading-blanks", b"   SELINUXTYPE=  mls \t\n", "mls"),
    ("quoted", b'SELINUXTYPE="default"\n', '"default"'),
    ("last-wins", b"SELINUXTYPE=default\nSELINUXTYPE=mls\n", "mls"),
    ("commented", b"# SELINUXTYPE=mls\n", "targeted"),
    ("blank-before-equals", b"SELINUXTYPE =mls\n", "targeted"),
    ("empty", b"SELINUXTYPE=\n", ""),
    ("crlf", b"SELINUXTYPE=default\r\n", "default"),
    ("inner-control", b"SELINUXTYPE=de\rfault\r\n", "de\rfault"),
]

LIBSELINUX = r"""
import ctypes
subprocess.run(["mount", "-t", "tmpfs", "stockade-test", "/etc/selinux"], check=True)
lib = ctypes.CDLL("libselinux.so.1")
out = {"modes": [], "types": []}
for kind in ("modes", "types"):
    for content in PAYLOAD[kind]:
        with open("/etc/selinux/config", "wb") as handle:
            handle.write(content.encode("latin-1"))
        if kind == "modes":
            value = ctypes.c_int(-7)
            rc = lib.selinux_getenforcemode(ctypes.byref(value))
            out[kind].append(None if rc != 0 else {1: "enforcing", 0: "permissive", -1: "disabled"}[value.value])
        else:
            lib.selinux_reset_config()
            pointer = ctypes.c_char_p()
            rc = lib.selinux_getpolicytype(ctypes.byref(pointer))
            out[kind].append(pointer.value.decode("latin-1") if rc == 0 else None)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def libselinux():
    """What the installed libselinux says for every case, in one namespace."""
    return run_in_namespace(LIBSELINUX, {
        "modes": [c[1].decode("latin-1") for c in MODES],
        "types": [c[1].decode("latin-1") for c in TYPES]})


@pytest.mark.parametrize("name,content,recorded", MODES, ids=[c[0] for c in MODES])
def test_enforce_mode_is_libselinux(libselinux, name, content, recorded):
    index = [c[0] for c in MODES].index(name)
    assert libselinux["modes"][index] == recorded, "libselinux here differs from the recorded verdict"
    assert enforce_mode(content)[0] == recorded


@pytest.mark.parametrize("name,content,recorded", TYPES, ids=[c[0] for c in TYPES])
def test_policy_type_is_libselinux(libselinux, name, content, recorded):
    index = [c[0] for c in TYPES].index(name)
    assert libselinux["types"][index] == recorded, "libselinux here differs from the recorded verdict"
    assert config_policy_type(content) == recorded
