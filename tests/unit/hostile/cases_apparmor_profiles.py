# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile /etc/apparmor.d trees for host-apparmor-userns-profiles (readers/
apparmor_profiles.py): the hardened tree plus a rootless user, Ubuntu 24.04's
restriction on, and apparmor v4.0.0-beta3's real podman profile. The verdict
is apparmor_parser's (4.0.0-beta3 source: parser_main.c profile_dir_cb,
libapparmor _aa_is_blacklisted, parser_lex.l/parser_yacc.y; no apparmor_parser
4.0 runs here: Debian 12's is 3.0.8, which has no `userns` rule): a profile
file it would not load grants nothing; a file it could hang on or that the
reader cannot decide is an error naming the file, never a pass."""

import os

from corpus import Case, CharDevice, Fifo, Link, Mode, Sparse

CONTROL = "host-apparmor-userns-profiles"
PROFILE = "etc/apparmor.d/podman"
RUNNING = "proc/sys/kernel/apparmor_restrict_unprivileged_userns"
PARSER = "apparmor_parser 4.0.0-beta3 (source)"
HOSTFS = "hostfs: never opened or refused before parsing (apparmor_parser would block or read forever)"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "platforms", "ubuntu2404", "files",
                       "apparmor.d", "podman"), encoding="utf-8") as _handle:
    REAL = _handle.read()
ALICE = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/bash\n",
    "etc/subuid": "alice:231072:65536\n", "etc/subgid": "alice:231072:65536\n",
    "home/alice/.config/.keep": "",
    RUNNING: "1\n",      # AppArmor runs (the hardened tree's next boot is SELinux's)
    PROFILE: REAL,
}


def case(name, expect, tree, consumer=PARSER, **kwargs):
    return Case("apparmor-" + name, "apparmor_profiles", CONTROL, expect, dict(ALICE, **tree),
                consumer=consumer, **kwargs)


CASES = [
    case("real-profile", "pass", {}),
    case("profile-missing", "fail", {PROFILE: None}),
    case("dpkg-old-copy-not-loaded", "fail", {PROFILE: None, "etc/apparmor.d/podman.dpkg-old": REAL}),
    case("dot-file-not-loaded", "fail", {PROFILE: None, "etc/apparmor.d/.podman": REAL}),
    case("disabled", "fail", {"etc/apparmor.d/disable/podman": Link("/etc/apparmor.d/podman")}),
    case("local-deny", "fail", {"etc/apparmor.d/local/podman": "deny userns,\n"}),
    case("local-audit-deny-create", "fail", {"etc/apparmor.d/local/podman": "audit deny userns create,\n"}),
    case("comment-is-no-rule", "fail", {PROFILE: REAL.replace("  userns,", "  # userns,")}),
    case("one-line-profile", "pass", {PROFILE: "profile podman /usr/bin/podman flags=(unconfined) { userns, }\n"}),
    case("glob-attachment", "pass", {PROFILE: "profile podman /usr/{bin,sbin}/pod* { userns create, }\n"}),
    case("star-does-not-cross-slash", "fail", {PROFILE: "profile podman /usr/*man { userns, }\n"}),
    case("other-program", "fail", {PROFILE: REAL.replace("/usr/bin/podman", "/usr/bin/buildah")}),
    case("symlink-followed-to-target", "fail", {"usr/bin/podman": Link("/opt/podman/bin/podman"),
                                                "opt/podman/bin/podman": Mode("#!/bin/sh\n", 0o755)},
         note="the kernel attaches by the executed file's own path; the tree's podman is a symlink out of the "
              "profile's attachment"),
    case("variable-attachment", "error", {PROFILE: "profile podman @{bin}/podman { userns, }\n"},
         "the audit: @{...} is not expanded here, so no verdict", names="/" + PROFILE),
    case("unclosed-block", "error", {PROFILE: REAL.replace("}", "")}, PARSER + ": a syntax error, not loaded",
         names="/" + PROFILE),
    case("deep-nesting", "error", {PROFILE: "profile podman /usr/bin/podman {" + "{" * 40 + "}" * 41 + "\n"},
         names="/" + PROFILE),
    case("fifo", "error", {PROFILE: Fifo()}, HOSTFS, names="/" + PROFILE),
    case("char-device", "error", {PROFILE: CharDevice()}, HOSTFS, names="/" + PROFILE),
    case("huge", "error", {PROFILE: Sparse(64 * 1024 * 1024, REAL.encode())}, "hostfs: larger than the size cap",
         names="/" + PROFILE),
    case("latin1-bytes", "error", {PROFILE: REAL.encode().replace(b"# This", b"# \xe9 This")},
         "the audit: not UTF-8 (apparmor_parser reads bytes; no verdict rather than a guess)", names="/" + PROFILE),
    case("truncated", "error", {PROFILE: REAL[:REAL.index("userns,") + 3]}, PARSER + ": a syntax error, not loaded",
         names="/" + PROFILE),
    case("restriction-newer-value", "pass", {RUNNING: "2\n"},
         note="any non-zero value restricts (inference from Ubuntu's SAUCE patch: an int tested for non-zero)"),
    case("restriction-not-a-number", "error", {RUNNING: "on\n"},
         "Linux proc_dointvec refuses it", names="/" + RUNNING),
    case("persisted-under-selinux-boot", "not_applicable", {RUNNING: None, "usr/lib/sysctl.d/10-apparmor.conf":
                                                            "kernel.apparmor_restrict_unprivileged_userns = 1\n"},
         "Linux security.c: security=selinux turns AppArmor off, so the switch does not exist at that boot"),
]
