# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile /etc/subuid lines: docker-userns-subids for dockremap (uid 998).

Where shadow 4.13 reads a line one way and dockerd 20.10's pkg/idtools
(strings.TrimSpace, three fields, strconv.Atoi) another or not at all, no
verdict can be proven: the audit reports an error naming the file."""

from corpus import Case, Mode
from hosttree import HARDENED

CONTROL = "docker-userns-subids"
SUBUID = "etc/subuid"
GETSUBIDS = "shadow 4.13 getsubids (this machine, tests/unit/consumers/test_shadow_subids.py)"
DISAGREE = GETSUBIDS + " vs dockerd 20.10 pkg/idtools parseSubidFile (source: Atoi, 3 fields)"
KERNEL = "Linux 6.1 user_namespace.c map_write(): ids are 32 bits, (u32)-1 is invalid (source)"
OTHERS = "containers:165536:65536\n"
PASSWD_UID = "shadow 4.13 lib/get_uid.c via sgetpwent (source): not a uid_t, the entry is refused; " \
             "which ids a range must avoid is then unknown"


def subuid(name, dockremap_line, expect, consumer, **kwargs):
    return Case("subids-" + name, "subids", CONTROL, expect, {SUBUID: dockremap_line + OTHERS},
                consumer=consumer, names="/etc/subuid", **kwargs)


CASES = [
    subuid("hex-start", "dockremap:0x186a0:65536\n", "error", DISAGREE + ": shadow reads 100000, Atoi refuses"),
    subuid("octal-start", "dockremap:0100000:65536\n", "error", DISAGREE + ": shadow reads 32768, Atoi 100000"),
    subuid("blank-in-number", "dockremap: 100000:65536\n", "error", DISAGREE),
    subuid("plus-sign", "dockremap:+100000:65536\n", "error", DISAGREE),
    subuid("negative", "dockremap:-1:65536\n", "error", DISAGREE + "; shadow 4.17 refuses negatives"),
    subuid("crlf", "dockremap:100000:65536\r\n", "error", DISAGREE + ": shadow ignores it, Go trims the \\r"),
    subuid("twenty-digits", "dockremap:99999999999999999999:65536\n", "error", GETSUBIDS + ": ERANGE, ignored"),
    subuid("arabic-indic-digits", "dockremap:\u0661\u0660\u0660\u0660\u0660\u0660:65536\n", "error",
           GETSUBIDS + ": not digits to strtoul"),
    # issue 18: long numbers, decided from the digit count (int() refuses past 4300 digits)
    subuid("500-digit-start", "dockremap:%s:65536\n" % ("9" * 500), "error",
           DISAGREE + ": shadow ERANGE ignores the line, Atoi refuses it"),
    subuid("5000-digit-start", "dockremap:%s:65536\n" % ("9" * 5000), "error",
           DISAGREE + ": shadow ignores a line of 1024 bytes or more, Atoi refuses it"),
    subuid("superscript-digit", "dockremap:\u00b3:65536\n", "error", GETSUBIDS + ": not a digit to strtoul"),
    subuid("leading-blank-owner", " dockremap:100000:65536\n", "error", DISAGREE + ": owner ' dockremap' to shadow"),
    subuid("extra-field", "dockremap:100000:65536:x\n", "error", DISAGREE + ": shadow ignores fields after three"),
    subuid("nul-byte", "dockremap:100000:65536\0\n", "error", GETSUBIDS + ": a NUL makes the whole file unreadable"),
    subuid("start-beyond-uint32", "dockremap:4294967296:65536\n", "fail", GETSUBIDS + "; " + KERNEL),
    subuid("end-past-id-space", "dockremap:4294901760:65536\n", "fail", GETSUBIDS + "; " + KERNEL),
    subuid("commented-out", "#dockremap:100000:65536\n", "fail", GETSUBIDS + ": no range for dockremap"),
    subuid("owner-by-uid", "998:100000:65536\n", "pass", GETSUBIDS + ": list_owner_ranges matches the uid"),
    subuid("zero-count", "dockremap:100000:0\n", "fail", GETSUBIDS + ": a range of no ids"),
    subuid("blank-lines-and-comments", "\n# ranges\ndockremap:100000:65536\n\n", "pass", GETSUBIDS),
    subuid("short-first-five", "".join("dockremap:%d:10\n" % (300000 + 10 * i) for i in range(5))
           + "dockremap:100000:65536\n", "fail", "dockerd 20.10 and newuidmap use a user's first five ranges only"),
    subuid("overlaps-other-owner", "dockremap:130000:65536\n", "fail",
           GETSUBIDS + ": both owners get ids 165536-195535"),
    Case("subids-real-uid-inside", "subids", CONTROL, "fail",
         {"etc/passwd": HARDENED["etc/passwd"] + "alice:x:100500:100500::/home/alice:/bin/sh\n"},
         consumer=GETSUBIDS + ": container root would be alice's uid"),
    Case("subids-passwd-uid-5000-digits", "subids", CONTROL, "error",
         {"etc/passwd": HARDENED["etc/passwd"] + "alice:x:%s:100::/home/alice:/bin/sh\n" % ("9" * 5000)},
         consumer=PASSWD_UID, names="/etc/passwd"),
    Case("subids-passwd-uid-fullwidth", "subids", CONTROL, "error",
         {"etc/passwd": HARDENED["etc/passwd"] + "alice:x:\uff11\uff10\uff10\uff10:100::/home/alice:/bin/sh\n"},
         consumer=PASSWD_UID, names="/etc/passwd"),
    Case("subids-passwd-uid-minus-one", "subids", CONTROL, "error",
         {"etc/passwd": HARDENED["etc/passwd"] + "alice:x:4294967295:100::/home/alice:/bin/sh\n"},
         consumer=PASSWD_UID + "; 4294967295 is (uid_t)-1, no id to the kernel", names="/etc/passwd"),
    Case("subids-unreadable", "subids", CONTROL, "error",
         {SUBUID: Mode(HARDENED[SUBUID], 0o000)}, as_user=65534,
         consumer="newuidmap runs setuid root and reads it; an audit that cannot is no proof"),
]
