# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and odd daemon.json files and dockerd command lines.

Verdicts: dockerd 20.10.24 started for real on this machine and dockerd
26.1.5 `--validate` (Debian 13's, scripts/debian13-consumers.sh); each
construct is recorded one by one in tests/unit/consumers/dockerd_cases.py.
Without a package database in the tree the audit reads as both versions,
so where they differ it must say error; `dpkg` pins one version.
"""

import json

from corpus import Case
from hosttree import HARDENED

CONTROL = "docker-no-new-privileges"
DAEMON_JSON = "etc/docker/daemon.json"
DROPIN = "etc/systemd/system/docker.service.d/50-hostile.conf"
BOTH = "dockerd 20.10.24 (real start here) and 26.1.5 (--validate here)"
APPLIED = "dockerd 20.10.24, NoNewPrivs and PID 1 read inside a container here (tests/engines/test_dockerd_applied.py)"
HARDENED_JSON = HARDENED[DAEMON_JSON]
WITHOUT_NNP = {k: v for k, v in HARDENED_JSON.items() if k != "no-new-privileges"}
NO_NNP = dict(HARDENED, **{DAEMON_JSON: WITHOUT_NNP})


def dpkg(version):
    return {"var/lib/dpkg/status": "Package: docker.io\nStatus: install ok installed\nVersion: %s\n\n" % version}


DEB12 = dpkg("20.10.24+dfsg1-1+deb12u1")
DEB13 = dpkg("26.1.5+dfsg1-9+deb13u1+b1")
NEWER = ("the project's standard (issue #18): a dockerd newer than 26.1, the newest the readers mirror, "
         "is never judged as 26.1")


def text(prefix=b"", suffix=b"", **changes):
    data = dict(HARDENED_JSON, **changes)
    return prefix + json.dumps(data).encode() + suffix


def flags(*words):
    return {DROPIN: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H fd:// %s\n" % " ".join(words)}


def case(id, expect, tree, consumer=BOTH, base=None, names=None, note=""):
    return Case("dockerd-" + id, "daemon_json" if DAEMON_JSON in tree else "dockerd_flags", CONTROL, expect,
                tree, consumer=consumer, base=base, names=names, note=note)


CASES = [
    case("json-nan", "error", {DAEMON_JSON: text(suffix=b"")[:-1] + b', "mtu": NaN}'}),
    case("json-infinity", "error", {DAEMON_JSON: text()[:-1] + b', "mtu": -Infinity}'}),
    case("json-1e400", "error", {DAEMON_JSON: text()[:-1] + b', "mtu": 1e400}'}),
    case("json-bom-version-unknown", "error", {DAEMON_JSON: text(prefix=b"\xef\xbb\xbf")},
         note="20.10 refuses the BOM, 26.1 drops it"),
    case("json-bom-debian12", "error", dict(DEB12, **{DAEMON_JSON: text(prefix=b"\xef\xbb\xbf")}),
         names="/etc/docker/daemon.json"),
    case("json-bom-debian13", "pass", dict(DEB13, **{DAEMON_JSON: text(prefix=b"\xef\xbb\xbf")})),
    case("json-utf16-debian13", "pass", dict(DEB13, **{DAEMON_JSON: json.dumps(HARDENED_JSON).encode("utf-16")})),
    case("json-trailing-data-debian13", "error", dict(DEB13, **{DAEMON_JSON: text(suffix=b" }")}),
         names="/etc/docker/daemon.json"),
    case("json-trailing-data-debian12", "pass", dict(DEB12, **{DAEMON_JSON: text(suffix=b" }")})),
    case("json-empty-debian12", "error", dict(DEB12, **{DAEMON_JSON: b""}), names="/etc/docker/daemon.json"),
    case("json-invalid-utf8-version-unknown", "error",
         {DAEMON_JSON: text()[:-1] + b', "labels": ["a=\xff"]}'}),
    case("json-bool-as-string", "error", {DAEMON_JSON: text(**{"no-new-privileges": "true"})}),
    case("json-bool-as-number", "error", {DAEMON_JSON: text(**{"no-new-privileges": 1})}),
    case("json-unknown-key", "error", {DAEMON_JSON: text(**{"no-new-privilege": True})}),
    case("json-duplicate-key-last-false", "fail", {DAEMON_JSON: text()[:-1] + b', "no-new-privileges": false}'},
         consumer=BOTH + "; the last value applied by 20.10: " + APPLIED),
    case("json-duplicate-key-last-true", "pass",
         {DAEMON_JSON: b'{"no-new-privileges": false, ' + text()[1:]},
         consumer=BOTH + "; the last value applied by 20.10: " + APPLIED),
    case("json-null-value", "fail", {DAEMON_JSON: text(**{"no-new-privileges": None})},
         note="null leaves dockerd's default (false)"),
    case("json-comment", "error", {DAEMON_JSON: b"// hardened\n" + text()}),
    case("flag-bool-zero", "fail", flags("--no-new-privileges=0"), base=NO_NNP),
    case("flag-bool-F", "fail", flags("--no-new-privileges=F"), base=NO_NNP),
    case("flag-bool-t", "pass", flags("--no-new-privileges=t"), base=NO_NNP),
    case("flag-bool-yes", "error", flags("--no-new-privileges=yes"), base=NO_NNP),
    case("flag-bool-space-false", "error", flags("--no-new-privileges", "false"), base=NO_NNP,
         note="`false` is a positional argument: dockerd refuses to start"),
    case("flag-value-swallows-next-flag", "fail", flags("--seccomp-profile", "--no-new-privileges"),
         base=NO_NNP, note="--no-new-privileges is the profile's path"),
    case("flag-unknown", "error", flags("--no-new-privilege"), base=NO_NNP),
    case("flag-help", "error", flags("--no-new-privileges", "--help"), base=NO_NNP,
         note="dockerd prints its usage and exits: no daemon"),
    case("flag-double-dash", "error", flags("--", "--no-new-privileges"), base=NO_NNP),
    case("flag-repeated-last-wins", "fail", flags("--no-new-privileges", "--no-new-privileges=false"),
         base=NO_NNP),
    case("flag-short-combined", "pass", flags("-Dl", "debug", "--no-new-privileges"), base=NO_NNP),
    # What dockerd 20.10 applied, read inside a container (dockerd_applied_cases.py); pinned to
    # Debian 12's docker.io, since 26.1 was only asked whether it starts.
    case("flag-bool-1-applied", "pass", dict(DEB12, **flags("--no-new-privileges=1")), consumer=APPLIED,
         base=NO_NNP),
    case("flag-bool-TRUE-applied", "pass", dict(DEB12, **flags("--no-new-privileges=TRUE")), consumer=APPLIED,
         base=NO_NNP),
    case("flag-bool-F-applied", "fail", dict(DEB12, **flags("--no-new-privileges=F")), consumer=APPLIED,
         base=NO_NNP),
    case("json-nested-number-applied", "pass",
         dict(DEB12, **{DAEMON_JSON: dict(WITHOUT_NNP, x={"no-new-privileges": 1})}), consumer=APPLIED,
         note="a key one level down is applied through its flag: fmt %v of 1 is \"1\""),
    case("json-nested-string-applied", "pass",
         dict(DEB12, **{DAEMON_JSON: dict(WITHOUT_NNP, x={"no-new-privileges": "1"})}), consumer=APPLIED),
    case("json-nested-yes-keeps-default", "fail",
         dict(DEB12, **{DAEMON_JSON: dict(WITHOUT_NNP, x={"no-new-privileges": "yes"})}), consumer=APPLIED,
         note="not a Go boolean: the flag's Set fails and dockerd ignores that (shown with init, same path)"),
    case("docker-27-not-judged-as-26", "error", dpkg("27.5.1+dfsg1-1"), consumer=NEWER,
         names="docker.io 27.5.1+dfsg1-1 is newer than the newest dockerd this reader mirrors (Docker 26.1)",
         note="the hardened tree passes as 26.1; 27 is read by no dockerd the audit has checked"),
    case("docker-28-with-epoch", "error", dpkg("5:28.0.1-1~debian.13~trixie"), consumer=NEWER,
         names="/var/lib/dpkg/status"),
    case("docker-26-1-later-patch", "pass", dpkg("26.1.9+dfsg1-1"), consumer=BOTH,
         note="a patch release of the newest mirrored minor is read as that minor"),
]
