# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile homes of rootless users: what a user can put under ~/.config for the
audit (running as root) to read. Podman runs as that user and would follow a
symlink only as far as the user may read; the audit refuses to follow one out
of the home at all (engines/rootless.py), so the verdict is error naming the
path, never a pass and never the content of the file it points at. Podman 4.3
(this machine) reads ~/.config/containers/containers.conf and its .d for a
rootless user (tests/engines/test_rootless_users_podman.py)."""

from corpus import Case, Fifo, Link, Sparse
from hosttree import HARDENED

CONTROL = "podman-rootless-seccomp-enabled"
PASSWD = HARDENED["etc/passwd"] + "alice:x:1001:1001::/home/alice:/bin/bash\n"
SUBIDS = HARDENED["etc/subuid"] + "alice:231072:65536\n"
ALICE = {"etc/passwd": PASSWD, "etc/subuid": SUBIDS, "etc/subgid": SUBIDS, "home/alice/.profile": "# alice\n"}
CONF = "home/alice/.config/containers/containers.conf"
DROPIN = "home/alice/.config/containers/containers.conf.d/90-x.conf"
REFUSED = "the audit (engines/rootless.py): a file below the home whose symlinks leave it is not read"


def case(name, expect, tree, consumer, names=None):
    return Case("rootless-" + name, "rootless", CONTROL, expect, dict(ALICE, **tree), consumer=consumer, names=names)


CASES = [
    case("home-file-unconfined", "fail", {CONF: '[containers]\nseccomp_profile = "unconfined"\n'},
         "Podman 4.3.1 (this machine, rootless): the user's own file switches seccomp off", names="/" + CONF),
    case("symlink-to-etc-shadow", "error", {CONF: Link("/etc/shadow")}, REFUSED, names="/" + CONF),
    case("dropin-symlink-out-of-root", "error", {DROPIN: Link("../../../../../../../../../etc/passwd")},
         REFUSED + "; HostRoot never leaves the audited root either", names="/" + DROPIN),
    case("config-dir-symlink-to-etc", "error", {"home/alice/.config": Link("/etc")}, REFUSED,
         names="/home/alice/.config/containers/containers.conf"),
    case("dropin-fifo", "error", {DROPIN: Fifo()}, "hostfs: a FIFO is never opened (Podman would block on it)",
         names="/" + DROPIN),
    case("dropin-huge", "error", {DROPIN: Sparse(64 * 1024 * 1024)}, "hostfs: larger than the size cap",
         names="/" + DROPIN),
]
