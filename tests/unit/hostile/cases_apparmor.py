# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile AppArmor `profiles` listings (/sys/kernel/security/apparmor/profiles,
"NAME (MODE)" lines) and module parameter files, on a tree whose major LSM is
AppArmor: docker-apparmor-profile must never pass on a listing the kernel did
not write, nor hang or crash on a file that is not one.

Verdicts: a line is split as libapparmor's aa_splitcon() splits it (the
consumer, aa-status of AppArmor 3.0.8/4.1; held by
tests/unit/consumers/test_apparmor_splitcon.py); where aa-status would skip a
line or the listing is cut short, the kernel (security/apparmor/apparmorfs.c
seq_show_profile(), which always writes "NAME (MODE)\\n") did not write it,
and the audit says error rather than prove a profile loaded from it."""

from corpus import Case, CharDevice, Fifo, Mode, Sparse

PROFILES = "sys/kernel/security/apparmor/profiles"
ENABLED = "sys/module/apparmor/parameters/enabled"
CONTROL = "docker-apparmor-profile"
APPARMOR_HOST = {"sys/kernel/security/lsm": "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf",
                 ENABLED: "Y\n"}
GOOD = "docker-default (enforce)\ncontainers-default-0.50.1 (enforce)\n"
SPLITCON = "libapparmor 3.0.8 aa_splitcon() (this machine, test_apparmor_splitcon.py); aa-status get_profiles()"
KERNEL = "Linux 6.12 apparmorfs seq_show_profile(): every line is 'NAME (MODE)\\n'"


def listing(name, content, expect, consumer=SPLITCON + "; " + KERNEL, control=CONTROL, note="", names=None):
    tree = dict(APPARMOR_HOST, **{PROFILES: content})
    return Case("apparmor-profiles-" + name, "apparmor", control, expect, tree, consumer=consumer,
                names=names or "/" + PROFILES, note=note)


CASES = [
    listing("stock", GOOD, "pass", consumer=SPLITCON),
    listing("sub-namespace-only", ":lxc:docker-default (enforce)\n", "fail", consumer=SPLITCON,
            note="a profile of another namespace confines nothing of this host's dockerd"),
    listing("complain", "docker-default (complain)\n", "fail", consumer=SPLITCON),
    listing("mode-unconfined", "docker-default (unconfined)\n", "fail", consumer=SPLITCON),
    listing("twice-one-complain", "docker-default (enforce)\n:ns:x (enforce)\ndocker-default (complain)\n", "fail",
            consumer=SPLITCON),
    listing("name-with-spaces", "docker-default (enforce) (complain)\n", "fail", consumer=SPLITCON,
            note="the LAST ' (' splits: profile 'docker-default (enforce)' in complain mode; no docker-default"),
    listing("truncated-mid-line", "docker-default (enforce)\ncontainers-default-0.50.1 (enf", "error"),
    listing("truncated-before-docker", "containers-default-0.50.1 (enforce)\ndocker-def", "error"),
    listing("no-final-newline", "docker-default (enforce)", "error",
            note="aa-status takes the line; a listing cut exactly there cannot be told from one cut later"),
    listing("blank-line", "\ndocker-default (enforce)\n", "error"),
    listing("no-mode", "docker-default\n", "error"),
    listing("unknown-mode", "docker-default (enforcing)\n", "error"),
    listing("bare-unconfined", "unconfined\ndocker-default (enforce)\n", "error",
            note="aa-status gives up on the whole listing (status NULL: its out-of-memory path)"),
    listing("nul-hides-mode", "docker-default (enforce)\0 (complain)\n", "error"),
    listing("crlf", "docker-default (enforce)\r\n", "error",
            note="aa_splitcon() keeps the \\r: the line ends in ')\\r', no split"),
    listing("latin1-name", b"caf\xe9 (enforce)\ndocker-default (enforce)\n", "error"),
    listing("utf16", "docker-default (enforce)\n".encode("utf-16"), "error"),
    listing("bom", "\ufeffdocker-default (enforce)\n", "fail", consumer=SPLITCON,
            note="the profile is named '\\ufeffdocker-default', not docker-default"),
    listing("empty", "", "fail", consumer=SPLITCON + "; no profile loaded"),
    Case("apparmor-profiles-fifo", "apparmor", CONTROL, "error", dict(APPARMOR_HOST, **{PROFILES: Fifo()}),
         consumer="hostfs: a FIFO is never opened (aa-status's fopen would block)", names="/" + PROFILES),
    Case("apparmor-profiles-zero-device", "apparmor", CONTROL, "error",
         dict(APPARMOR_HOST, **{PROFILES: CharDevice()}),
         consumer="hostfs: a device is never read (/dev/zero never ends)", names="/" + PROFILES),
    Case("apparmor-profiles-oversized", "apparmor", CONTROL, "error",
         dict(APPARMOR_HOST, **{PROFILES: Sparse(64 * 1024 * 1024, b"docker-default (enforce)\n")}),
         consumer="hostfs: more than 8 MiB is refused (a real listing of 5000 profiles is ~150 KiB)",
         names="/" + PROFILES),
    Case("apparmor-profiles-unreadable", "apparmor", CONTROL, "error",
         dict(APPARMOR_HOST, **{PROFILES: Mode(GOOD, 0o000)}), as_user=65534,
         consumer="the kernel's profiles_open(): only policy_view_capable() may read it; no proof without it",
         names="/" + PROFILES),
    Case("apparmor-enabled-fifo", "apparmor", "host-apparmor-enabled", "error",
         dict(APPARMOR_HOST, **{PROFILES: GOOD, ENABLED: Fifo()}),
         consumer="hostfs: a FIFO is never opened", names="/" + ENABLED),
    Case("apparmor-enabled-lowercase-y", "apparmor", "host-apparmor-enabled", "fail",
         dict(APPARMOR_HOST, **{PROFILES: GOOD, ENABLED: "y\n"}),
         consumer="libapparmor 3.0.8/4.1 param_check_base(): only a first byte 'Y' is enabled"),
    Case("apparmor-enabled-yes-word", "apparmor", "host-apparmor-enabled", "pass",
         dict(APPARMOR_HOST, **{PROFILES: GOOD, ENABLED: "Yes\n"}),
         consumer="libapparmor 3.0.8/4.1 param_check_base(): the first byte decides"),
    Case("apparmor-lsm-selinux-first", "apparmor", "host-apparmor-enabled", "not_applicable",
         dict(APPARMOR_HOST, **{PROFILES: GOOD, "sys/kernel/security/lsm": "capability,selinux,apparmor"}),
         consumer="Linux 6.12 security.c: the first exclusive LSM in the order is the major one (SELinux); "
                  "the default policy's MAC is SELinux"),
]
