# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile /etc/selinux/config files: host-selinux-enforcing must say what
libselinux will do with them at the next boot (the fixture's boot entry
passes security=selinux and no enforcing=, so the file decides)."""

from corpus import Case, Mode

CONTROL = "host-selinux-enforcing"
CONFIG = "etc/selinux/config"
# The mode each file gives: selinux_getenforcemode() of libselinux1 3.4-1+b6 run on this
# machine (tests/unit/consumers/test_libselinux_config.py); at boot, no mode means permissive
# (selinux_init_load_policy(), libselinux 3.4 source).
LIBSELINUX = "libselinux 3.4 selinux_getenforcemode() (this machine, test_libselinux_config.py)"
LOAD_POLICY = "libselinux 3.4 selinux_init_load_policy() (source: no mode boots permissive)"


def config(name, text, expect, consumer=LIBSELINUX, note=""):
    return Case("selinux-config-" + name, "selinux_state", CONTROL, expect,
                {CONFIG: text if "SELINUXTYPE" in text else text + "SELINUXTYPE=default\n"},
                consumer=consumer, note=note)


CASES = [
    config("double-quoted", 'SELINUX="enforcing"\n', "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("single-quoted", "SELINUX='enforcing'\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("leading-blank", " SELINUX=enforcing\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("blank-before-equals", "SELINUX =enforcing\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("second-after-permissive", "SELINUX=permissive\nSELINUX=enforcing\n", "fail"),
    config("quoted-then-plain", 'SELINUX="permissive"\nSELINUX=enforcing\n', "pass",
           note="the quoted line names no mode and is skipped"),
    config("lower-case-tag", "selinux=enforcing\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("capitalised-value", "SELINUX=Enforcing\n", "pass"),
    config("value-prefix", "SELINUX=enforcingfoo\n", "pass", note="libselinux compares a prefix"),
    config("trailing-comment", "SELINUX=enforcing # was permissive\n", "pass"),
    config("export-prefix", "export SELINUX=enforcing\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("nul-in-value", "SELINUX=\0enforcing\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("bom", "\ufeffSELINUX=enforcing\n", "fail", LIBSELINUX + "; " + LOAD_POLICY),
    config("long-comment-hides-disabled", "#" + "x" * 4094 + "SELINUX=disabled\nSELINUX=enforcing\n", "fail",
           note="fgets() reads 4095 bytes: the rest of the comment is a buffer of its own"),
    config("crlf", "SELINUX=enforcing\r\n", "pass"),
    config("disabled", "SELINUX=disabled\n", "fail"),
    Case("selinux-config-missing", "selinux_state", CONTROL, "fail", {CONFIG: None},
         consumer=LOAD_POLICY + "; no file gives no mode"),
    config("policy-type-not-installed", "SELINUX=enforcing\nSELINUXTYPE=mls\n", "fail",
           "libselinux 3.4 init_selinux_config() (this machine) and selinux_mkload_policy() (source): "
           "no /etc/selinux/mls/policy, systemd halts an enforcing boot"),
    config("policy-type-quoted", 'SELINUX=enforcing\nSELINUXTYPE="default"\n', "fail",
           "libselinux 3.4 init_selinux_config() (this machine): the quotes are part of the type"),
    Case("selinux-config-unreadable", "selinux_state", CONTROL, "error",
         {CONFIG: Mode("SELINUX=enforcing\nSELINUXTYPE=default\n", 0o000)}, as_user=65534,
         consumer="libselinux 3.4 (as root it reads the file; an audit that cannot is no proof)"),
    Case("selinux-config-directory", "selinux_state", CONTROL, "error",
         {CONFIG: None, CONFIG + "/x": "SELINUX=enforcing\n"},
         consumer="libselinux 3.4 selinux_getenforcemode(): fgets() on a directory fails, no mode",
         names="/etc/selinux/config"),
]
