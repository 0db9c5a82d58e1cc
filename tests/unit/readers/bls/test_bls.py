# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bls.py from the sources: blscfg's vercmp/split_cmp/bls_add_entry order,
read_entry's line rules and expand_val's quirks (rhboot/grub2 rhel-9.4.0
grub-core/commands/blscfg.c; RHEL 8: rhel-8-main), and systemd's
strverscmp_improved() spot checks (the rest is held to bootctl in
test_bls_consumer.py)."""

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import bls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot

# rpm's own table (rpm-4.16.1-release tests/rpmvercmp.at), the cases without `^` or `+`:
# blscfg's vercmp() is rpm's rpmvercmp() with a `+` rule instead of rpm's `^` one.
RPMVERCMP = [
    ("1.0", "1.0", 0),
    ("1.0", "2.0", -1),
    ("2.0", "1.0", 1),
    ("2.0.1", "2.0.1", 0),
    ("2.0", "2.0.1", -1),
    ("2.0.1", "2.0", 1),
    ("2.0.1a", "2.0.1a", 0),
    ("2.0.1a", "2.0.1", 1),
    ("2.0.1", "2.0.1a", -1),
    ("5.5p1", "5.5p1", 0),
    ("5.5p1", "5.5p2", -1),
    ("5.5p2", "5.5p1", 1),
    ("5.5p10", "5.5p10", 0),
    ("5.5p1", "5.5p10", -1),
    ("5.5p10", "5.5p1", 1),
    ("10xyz", "10.1xyz", -1),
    ("10.1xyz", "10xyz", 1),
    ("xyz10", "xyz10", 0),
    ("xyz10", "xyz10.1", -1),
    ("xyz10.1", "xyz10", 1),
    ("xyz.4", "xyz.4", 0),
    ("xyz.4", "8", -1),
    ("8", "xyz.4", 1),
    ("xyz.4", "2", -1),
    ("2", "xyz.4", 1),
    ("5.5p2", "5.6p1", -1),
    ("5.6p1", "5.5p2", 1),
    ("5.6p1", "6.5p1", -1),
    ("6.5p1", "5.6p1", 1),
    ("6.0.rc1", "6.0", 1),
    ("6.0", "6.0.rc1", -1),
    ("10b2", "10a1", 1),
    ("10a2", "10b2", -1),
    ("1.0aa", "1.0aa", 0),
    ("1.0a", "1.0aa", -1),
    ("1.0aa", "1.0a", 1),
    ("10.0001", "10.0001", 0),
    ("10.0001", "10.1", 0),
    ("10.1", "10.0001", 0),
    ("10.0001", "10.0039", -1),
    ("10.0039", "10.0001", 1),
    ("4.999.9", "5.0", -1),
    ("5.0", "4.999.9", 1),
    ("20101121", "20101121", 0),
    ("20101121", "20101122", -1),
    ("20101122", "20101121", 1),
    ("2_0", "2_0", 0),
    ("2.0", "2_0", 0),
    ("2_0", "2.0", 0),
    ("a", "a", 0),
    ("1.0~rc1", "1.0~rc1", 0),
    ("1.0~rc1", "1.0", -1),
    ("1.0", "1.0~rc1", 1),
    ("1.0~rc1", "1.0~rc2", -1),
    ("1.0~rc2", "1.0~rc1", 1),
    ("1.0~rc1~git123", "1.0~rc1~git123", 0),
    ("1.0~rc1~git123", "1.0~rc1", -1),
    ("1.0~rc1", "1.0~rc1~git123", 1),
]

# blscfg.c 176-189: `+` sorts like `~` but after the end of the other string.
PLUS = [("1.0+rt", "1.0", 1), ("1.0", "1.0+rt", -1), ("1.0+a", "1.0+b", -1), ("1.0+1", "1.0.1", -1),
        ("1.0.1", "1.0+1", 1), ("1+", "1", 1)]


@pytest.mark.parametrize("one, two, expected", RPMVERCMP + PLUS)
def test_vercmp(one, two, expected):
    assert bls.vercmp(one.encode(), two.encode()) == expected


@pytest.mark.parametrize("one, two, expected", [("1.0+rt", "1.0.rt", 0), ("1+1", "1.1", 0), ("1.0+rt", "1.0", 1)])
def test_rhel8_vercmp_has_no_plus_rule(one, two, expected):
    assert bls.vercmp(one.encode(), two.encode(), plus=False) == expected


@pytest.mark.parametrize("text, parts", [
    ("m-5.14.0-427.el9.x86_64", (b"m", b"5.14.0", b"427.el9.x86_64")),
    ("m-0-rescue", (b"m", b"0", b"rescue")),
    ("a-b", (b"a", b"b", None)),
    ("abc", (b"abc", None, None)),
    ("a-b-c-d", (b"a-b", b"c", b"d")),
])
def test_split_package_string(text, parts):
    assert bls.split_package_string(text.encode()) == parts


M = "7c3e5a1f0b9d4c2e8a6f4b1d3e5c7a90"
SORT_NAMES = ["5.14.0-427.13.1.el9_4.x86_64", "5.14.0-427.13.1.el9_4.x86_64+debug", "5.14.0-427.13.1.el9_4.x86_64+rt",
              "5.14.0-427.el9.x86_64", "5.14.0-70.13.1.el9_0.x86_64", "5.14.0-503.11.1.el9_5.x86_64",
              "6.0.0-0.rc1.fc37", "6.0.0-1.fc37", "6.0.0~rc1-1", "0-rescue", "5.14.0-427.13.1.el9_4.x86_64.old",
              "5.14.0-427.13.1.el9_4a.x86_64", "5.14.0-427.13.1.el9_4.1.x86_64",
              "5.14.0-427.13.01.el9_4.x86_64x", "10.0-1", "9.10-1", "9.9-1", "abc-1", "1.0^post1-1", "1.0-1"]
# bls_add_entry()'s order of the tree above, worked out from blscfg.c (and by the research model
# /work/notes/bls/blscfg_model.py, which follows the same source); bootctl agrees on the ordinary names.
SORTED = ["0123-5.14.0-1", M + "-10.0-1", M + "-9.10-1", M + "-9.9-1", M + "-6.0.0-1.fc37",
          M + "-6.0.0-0.rc1.fc37", M + "-6.0.0~rc1-1", M + "-5.14.0-503.11.1.el9_5.x86_64",
          M + "-5.14.0-427.13.1.el9_4.1.x86_64", M + "-5.14.0-427.13.01.el9_4.x86_64x",
          M + "-5.14.0-427.13.1.el9_4.x86_64.old", M + "-5.14.0-427.13.1.el9_4.x86_64+rt",
          M + "-5.14.0-427.13.1.el9_4.x86_64+debug", M + "-5.14.0-427.13.1.el9_4.x86_64",
          M + "-5.14.0-427.13.1.el9_4a.x86_64", M + "-5.14.0-427.el9.x86_64", M + "-5.14.0-70.13.1.el9_0.x86_64",
          M + "-1.0^post1-1", M + "-1.0-1", M + "-0-rescue", M + "-abc-1", "zz-1", "custom"]


def write(root, files):
    for name, text in files.items():
        path = root / "boot" / "loader" / "entries" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return HostRoot(str(root))


def test_blscfg_order(tmp_path):
    files = {"%s-%s.conf" % (M, v): "title %s\nlinux /vmlinuz-%s\noptions x\n" % (v, v) for v in SORT_NAMES}
    files.update({"custom.conf": "title custom\nlinux /c\n", "zz-1.conf": "title Z\nlinux /z\n",
                  "0123-5.14.0-1.conf": "title t\nlinux /z\n"})
    host = write(tmp_path, files)
    ordering = bls.blscfg_order(bls.read_blscfg_files(host, bls.RHEL9), bls.RHEL9)
    assert [f.id for f in ordering.files] == SORTED
    assert not ordering.ties


def test_blscfg_ties_are_reported(tmp_path):
    host = write(tmp_path, {"a-1.0-1.conf": "linux /a\n", "a-1_0-1.conf": "linux /b\n", "a-01.0-1.conf": "linux /c\n"})
    ordering = bls.blscfg_order(bls.read_blscfg_files(host, bls.RHEL9), bls.RHEL9)
    assert len(ordering.files) == 1 and len(ordering.ties) == 2


def test_rhel8_orders_by_version_when_every_file_has_one(tmp_path):
    host = write(tmp_path, {"a-9.conf": "version 1.0-1\nlinux /a\n", "b-1.conf": "version 2.0-1\nlinux /b\n"})
    assert [f.id for f in bls.blscfg_order(bls.read_blscfg_files(host, bls.RHEL8), bls.RHEL8).files] == ["b-1", "a-9"]
    host = write(tmp_path, {"c-5.conf": "linux /c\n"})      # one without version: by id only
    assert [f.id for f in bls.blscfg_order(bls.read_blscfg_files(host, bls.RHEL8), bls.RHEL8).files] == \
        ["c-5", "b-1", "a-9"]


def test_rhel8_skips_files_over_one_mebibyte(tmp_path):
    host = write(tmp_path, {"big-1.conf": "linux /big\noptions " + "x" * (1 << 20) + "\n", "small-1.conf": "linux /s\n"})
    assert [f.id for f in bls.read_blscfg_files(host, bls.RHEL8)] == ["small-1"]
    assert sorted(f.id for f in bls.read_blscfg_files(host, bls.RHEL9)) == ["big-1", "small-1"]


@pytest.mark.parametrize("data, keyvals, stopped", [
    (b"title a b\nlinux /k\n", [("title", "a b"), ("linux", "/k")], None),
    (b"  title\ta\n", [("title", "a")], None),                   # a tab only when the line has no space
    (b"options\ta b\n", [("options\ta", "b")], None),            # a space first: the key keeps the tab
    (b"title t\n\noptions x\n", [("title", "t")], 2),            # an empty line ends the file
    (b"title t\noptions\nlinux /k\n", [("title", "t")], 2),      # so does a key alone
    (b"title t\noptions \nlinux /k\n", [("title", "t")], 2),     # or a key and one space
    (b"# c\n  # d\ntitle t\n", [("title", "t")], None),
    (b"title t \r\nlinux /k\r", [("title", "t "), ("linux", "/k")], None),
    (b"title a\x00b c\nlinux /k\n", [("title", "a"), ("linux", "/k")], None),   # a C string: cut at NUL
    (b"title   t  \n", [("title", "t  ")], None),
])
def test_blscfg_lines(data, keyvals, stopped):
    found, stop = bls.blscfg_keyvals(data)
    assert (found, stop) == (keyvals, stopped)


ENV = {"kernelopts": "root=/x ro", "tuned_params": "", "a": "A", "long_name_1": "L"}


@pytest.mark.parametrize("value, expected", [
    ("$kernelopts $tuned_params", "root=/x ro  "),
    ("$kernelopts audit=1", "root=/x ro audit=1"),
    ("$kernelopts 1", "root=/x ro "),          # a one-character literal at the end is lost
    ("x$kernelopts", "root=/x ro "),           # so is one right before `$`
    ("xy$kernelopts", "xyroot=/x ro "),
    ("$a,b", "A ,b"),                          # the terminator stays unless it is a space
    ("q $a", "q "),                             # a one-character name at the very end is not expanded
    ("q $a z", "q A "),                        # and a one-character literal at the very end
    ("q $a zz", "q A zz"),
    ("$unset rest", "rest"),
    ("${kernelopts}", "{kernelopts}"),        # ${...} is not understood
    ("$long_name_1-x", "L -x"),
    ("a", None),                               # a one-character value: nothing at all
    ("ab", "ab"),
    ("", None),
])
def test_expand_val(value, expected):
    assert bls.expand_val(value, ENV.get) == expected


def test_expand_val_escape_of_rhel9_main():
    env = {"xy": "v"}
    assert bls.expand_val("a=\\$xy bc", env.get, escape=False) == "a=\\v bc"
    assert bls.expand_val("a=\\$xy bc", env.get, escape=True) == "a=\\$xy bc"


def test_menu_id_and_the_hang():
    assert bls.BlsFile("x.conf.conf", "/p", []).menu_id() == "x"
    assert bls.BlsFile("x.conf.y.conf", "/p", []).hangs_grub()
    assert not bls.BlsFile("x.conf.conf", "/p", []).hangs_grub()


@pytest.mark.parametrize("one, two, sign", [
    ("123~rc1-1", "123", -1), ("123", "123-a", -1), ("123-a", "123-a.1", -1), ("123-1.1", "123^post1", -1),
    ("123^post1", "123.a-1", -1), ("123.1-1", "123a-1", -1), ("123a-1", "124-1", -1), ("122.1", "123~rc1-1", -1),
    ("1.0", "1.0", 0), ("", "a", -1),
])
def test_strverscmp_improved(one, two, sign):
    """The order the comment of strverscmp_improved() lists (string-util-fundamental.c)."""
    found = bls.strverscmp_improved(one, two)
    assert (found > 0) - (found < 0) == sign


def test_entry_symlink_and_fifo_are_errors(tmp_path):
    import os
    host = write(tmp_path, {"a-1.conf": "linux /a\n"})
    entries = tmp_path / "boot" / "loader" / "entries"
    os.symlink("a-1.conf", str(entries / "b-1.conf"))
    with pytest.raises(ConfigError) as caught:
        bls.read_blscfg_files(host, bls.RHEL9)
    assert caught.value.path == "/boot/loader/entries/b-1.conf"
    os.remove(str(entries / "b-1.conf"))
    os.mkfifo(str(entries / "c-1.conf"))
    with pytest.raises(ConfigError) as caught:
        bls.read_blscfg_files(HostRoot(str(tmp_path)), bls.RHEL9)
    assert caught.value.path == "/boot/loader/entries/c-1.conf"
