# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile sysctl.d trees: host-sysctl-kptr-restrict must say what
systemd-sysctl will write at the next boot (the fixture runs 2 and sets 2 in
/etc/sysctl.d/90-stockade.conf)."""

from corpus import Case, CharDevice, Fifo, Mode
from hosttree import HARDENED, Symlink

CONTROL = "host-sysctl-kptr-restrict"
STOCKADE = "etc/sysctl.d/90-stockade.conf"
RUN = "systemd 252 systemd-sysctl (this machine, tests/unit/consumers/test_systemd_sysctl.py)"
# entries systemd-sysctl cannot be run to a verdict on in a namespace: run with a timeout instead
HANGS = "systemd 252 systemd-sysctl (this machine, tests/engines/test_conf_dir_consumers.py, with a timeout)"
BAD = "kernel.kptr_restrict = 0\n"
PROC = "Linux 6.1/6.12 kernel/sysctl.c proc_dointvec, proc_get_long (source; writing a sysctl is not done here)"


def sysctl(name, tree, expect, consumer=RUN, **kwargs):
    return Case("sysctl-" + name, "sysctl", CONTROL, expect, tree, consumer=consumer, **kwargs)


CASES = [
    sysctl("later-name-in-usr-lib", {"usr/lib/sysctl.d/99-bad.conf": BAD}, "fail",
           note="files are applied in name order across directories"),
    sysctl("dev-null-masks-bad", {"usr/lib/sysctl.d/99-bad.conf": BAD,
                                  "etc/sysctl.d/99-bad.conf": Symlink("/dev/null")}, "pass"),
    sysctl("dev-null-masks-stockade", {STOCKADE: Symlink("/dev/null")}, "fail",
           note="the running value is good but no file keeps it at the next boot"),
    sysctl("empty-file-masks-stockade", {STOCKADE: None, "usr/lib/sysctl.d/90-stockade.conf":
                                         HARDENED[STOCKADE], "etc/sysctl.d/90-stockade.conf": ""}, "fail"),
    sysctl("dangling-symlink-hides-bad", {"usr/lib/sysctl.d/99-bad.conf": BAD,
                                          "etc/sysctl.d/99-bad.conf": Symlink("/nonexistent")}, "pass"),
    sysctl("run-cannot-override-etc", {"run/sysctl.d/90-stockade.conf": BAD}, "pass"),
    sysctl("usr-local-hidden-by-etc", {"usr/local/lib/sysctl.d/90-stockade.conf": BAD}, "pass"),
    sysctl("run-overrides-usr-lib", {"usr/lib/sysctl.d/95-x.conf": "kernel.kptr_restrict = 2\n",
                                     "run/sysctl.d/95-x.conf": BAD}, "fail"),
    sysctl("slash-key", {"etc/sysctl.d/99-bad.conf": "kernel/kptr_restrict = 0\n"}, "fail"),
    sysctl("dash-prefix", {"etc/sysctl.d/99-bad.conf": "-kernel.kptr_restrict = 0\n"}, "fail"),
    sysctl("sysctl-conf-not-read", {"etc/sysctl.conf": BAD}, "pass",
           note="systemd 252 reads /etc/sysctl.conf only through a sysctl.d symlink"),
    sysctl("debian-99-sysctl-symlink", {"etc/sysctl.conf": BAD,
                                        "etc/sysctl.d/99-sysctl.conf": Symlink("../sysctl.conf")}, "fail"),
    sysctl("glob-does-not-override-explicit", {"etc/sysctl.d/99-glob.conf": "kernel.kptr_* = 0\n"}, "pass"),
    sysctl("glob-sets-what-no-key-sets", {STOCKADE: HARDENED[STOCKADE].replace("kernel.kptr_restrict = 2\n", ""),
                                          "etc/sysctl.d/99-glob.conf": "kernel.kptr_restric? = 0\n"}, "fail"),
    sysctl("nul-ends-a-line", {"etc/sysctl.d/99-x.conf": "kernel.dmesg_restrict = 1\0kernel.kptr_restrict = 0\n"},
           "fail"),
    sysctl("cr-ends-a-line", {"etc/sysctl.d/99-x.conf": "kernel.dmesg_restrict = 1\rkernel.kptr_restrict = 0\n"},
           "fail"),
    sysctl("hidden-file-ignored", {"etc/sysctl.d/.99-bad.conf": BAD}, "pass"),
    sysctl("backup-name-ignored", {"etc/sysctl.d/99-bad.conf.dpkg-old": BAD}, "pass"),
    sysctl("not-an-assignment", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict 0\n"}, "pass",
           note="systemd-sysctl ignores the line and exits 1; kptr_restrict = 2 is applied"),
    sysctl("directory-named-conf", {"etc/sysctl.d/99-x.conf/a": "x"}, "pass",
           note="systemd-sysctl fails on it and applies the rest"),
    sysctl("directory-hides-bad-file", {"usr/lib/sysctl.d/99-x.conf": BAD, "etc/sysctl.d/99-x.conf/a": "x"},
           "pass", note="the directory wins the name, so the lower file is never read"),
    sysctl("fifo", {"etc/sysctl.d/99-x.conf": Fifo()}, "error", HANGS + ": it blocks opening a FIFO",
           names="/etc/sysctl.d/99-x.conf"),
    sysctl("symlink-to-dev-zero", {"dev/zero": CharDevice(1, 5), "etc/sysctl.d/99-x.conf": Symlink("/dev/zero")},
           "error", HANGS + ": it reads /dev/zero forever", names="/etc/sysctl.d/99-x.conf"),
    sysctl("unreadable-file", {"etc/sysctl.d/99-x.conf": Mode(BAD, 0o000)}, "error",
           "systemd-sysctl runs as root and reads it; an audit that cannot is no proof", as_user=65534),
    # issue 18: the value as the kernel's proc_dointvec reads what systemd-sysctl writes
    sysctl("value-5000-digits", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict = %s\n" % ("2" * 5000)}, "error",
           PROC + ": a number of 21 bytes or more is -EINVAL, the write fails", names="/etc/sysctl.d/99-x.conf"),
    sysctl("value-fullwidth-digit", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict = \uff12\n"}, "error",
           PROC + ": not an ASCII digit, -EINVAL (Python's int() reads it as 2)", names="/etc/sysctl.d/99-x.conf"),
    sysctl("value-plus-sign", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict = +2\n"}, "error",
           PROC + ": no '+' in proc_get_long, -EINVAL", names="/etc/sysctl.d/99-x.conf"),
    sysctl("value-hex", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict = 0x2\n"}, "pass",
           PROC + ": strtoul_lenient(p, 0) reads 0x2 as 2"),
    sysctl("value-octal-zero", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict = 00\n"}, "fail",
           PROC + ": 00 is octal 0"),
    sysctl("value-with-junk", {"etc/sysctl.d/99-x.conf": "kernel.kptr_restrict = 2 # two\n"}, "error",
           "systemd 252 systemd-sysctl (source, not run): the kernel gets '2 # two' written, not a clean integer",
           names="/etc/sysctl.d/99-x.conf"),
]
