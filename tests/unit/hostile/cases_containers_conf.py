# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile containers.conf layering: which files Podman reads and what their values do.

Verdicts for Podman 4.3 (Debian 12) were taken on this machine (2026-11-29)
with the same trees (tests/engines/test_containers_conf_podman.py: `podman
info` in a private mount namespace, or `CONTAINERS_CONF=FILE podman system
connection list`). Podman 5.4 (Debian 13, containers-common 0.62.0) verdicts
are read from its pkg/config source (systemConfigs, newLocked,
attributedstring.Slice), not run here. The hardened fixture has no dpkg
record, so it is read as 0.62; cases that need 4.3 add one.
"""

from corpus import Case, Fifo
from hosttree import HARDENED, Symlink

D = "etc/containers/containers.conf.d/"
DPKG = "var/lib/dpkg/status"
PODMAN_43 = {DPKG: "Package: podman\nStatus: install ok installed\nVersion: 4.3.1+ds1-8+deb12u1+b3\n"}
PODMAN_54 = {DPKG: "Package: podman\nStatus: install ok installed\nVersion: 5.4.2+ds1-2\n"}
PODMAN_60 = {DPKG: "Package: podman\nStatus: install ok installed\nVersion: 6.0.1+ds1-1\n"}
PODMAN_55 = {DPKG: "Package: podman\nStatus: install ok installed\nVersion: 5.5.0~rc1+ds1-1\n"}
NEWER = ("the project's standard (issue #18): a Podman newer than 5.4, the newest the reader mirrors, "
         "is never judged as 5.4")
UNCONFINED = '[containers]\nseccomp_profile = "unconfined"\n'
SEEN_43 = "Podman 4.3.1 (this machine, podman info in a private mount namespace)"
SEEN_43_REFUSES = "Podman 4.3.1 (this machine): refuses to start"
READ_62 = "Podman 5.4 / containers-common 0.62.0 pkg/config (source, not run here)"


def case(name, control, expect, tree, consumer, names=None):
    return Case("containers-conf-" + name, "layered_config", control, expect, tree, consumer=consumer, names=names)


CASES = [
    case("array-of-tables", "podman-seccomp-enabled", "error", {D + "90-site.conf": "[[containers]]\nlog_driver = \"x\"\n"},
         SEEN_43_REFUSES + ": type mismatch for config.ContainersConfig: expected table"),
    case("table-is-a-value", "podman-seccomp-enabled", "error", {D + "90-site.conf": "containers = 1\n"},
         SEEN_43_REFUSES + ": expected table but found int64"),
    case("wrong-type-elsewhere-stops-podman", "podman-seccomp-enabled", "error",
         {D + "90-site.conf": "[engine]\nnum_locks = -1\n"}, SEEN_43_REFUSES + ": -1 is out of range for uint32"),
    case("float-for-integer", "podman-userns-auto", "error", {D + "90-site.conf": "[containers]\npids_limit = 1.5\n"},
         SEEN_43_REFUSES + ": TOML value has type float64; destination has type integer"),
    case("runtime-not-an-array", "podman-vm-runtime", "error",
         {D + "90-site.conf": '[engine.runtimes]\nrunc = "/usr/bin/runc"\n'},
         SEEN_43_REFUSES + ": TOML value has type string; destination has type slice"),
    case("dot-file-is-read", "podman-seccomp-enabled", "fail",
         {D + "50-stockade.conf": None, "etc/containers/containers.conf": HARDENED[D + "50-stockade.conf"],
          D + ".site.conf": UNCONFINED},
         SEEN_43 + ": .site.conf is read (WalkDir lists dot files), after /etc/containers/containers.conf"),
    case("upper-case-keys", "podman-seccomp-enabled", "fail",
         {D + "90-site.conf": '[CONTAINERS]\nSECCOMP_PROFILE = "unconfined"\n'},
         SEEN_43 + ": BurntSushi matches fields case-insensitively"),
    case("long-s-folds-to-s", "podman-seccomp-enabled", "fail",
         {D + "90-site.conf": '[containers]\n"\u017feccomp_profile" = "unconfined"\n'},
         SEEN_43 + ": Go's EqualFold folds U+017F to s"),
    case("same-key-two-cases", "podman-seccomp-enabled", "error",
         {D + "90-site.conf": '[containers]\nseccomp_profile = "unconfined"\nSeccomp_Profile = "/x.json"\n'},
         SEEN_43 + ": accepts, and decodes the keys in Go's random map order, so either value may win"),
    case("rootful-conf-d-not-read", "podman-seccomp-enabled", "pass",
         {"etc/containers/containers.rootful.conf.d/99-x.conf": UNCONFINED},
         SEEN_43 + " and containers-common 0.62.0 systemConfigs(): no such directory is read"),
    case("usr-conf-d-not-read", "podman-seccomp-enabled", "pass",
         {"usr/share/containers/containers.conf.d/99-x.conf": UNCONFINED}, SEEN_43 + " and 0.62.0: not read"),
    case("directory-named-conf", "podman-seccomp-enabled", "pass", {D + "99-dir.conf/x.conf": UNCONFINED},
         SEEN_43 + ": a directory is skipped, its contents not read"),
    case("symlink-to-directory", "podman-seccomp-enabled", "error", {D + "99-x.conf": Symlink("/etc")},
         SEEN_43_REFUSES + ": decoding a directory fails"),
    case("dangling-symlink-4-3", "podman-seccomp-enabled", "error",
         dict(PODMAN_43, **{D + "99-gone.conf": Symlink("/nowhere.conf")}),
         SEEN_43_REFUSES + ": decode configuration: no such file"),
    case("dangling-symlink-5-4", "podman-seccomp-enabled", "pass",
         dict(PODMAN_54, **{D + "99-gone.conf": Symlink("/nowhere.conf")}),
         READ_62 + ": readConfigFromFile(ignoreErrNotExist=true) skips it"),
    case("fifo-dropin", "podman-seccomp-enabled", "error", {D + "99-pipe.conf": Fifo()},
         "Podman 4.3.1 (this machine): reading a FIFO blocks until a writer comes; the audit must not"),
    case("root-home-read-by-5-4", "podman-seccomp-enabled", "fail",
         dict(PODMAN_54, **{"root/.config/containers/containers.conf.d/99-mine.conf": UNCONFINED}),
         READ_62 + ": userConfigPath() is read for root too, after /etc"),
    case("root-home-ignored-by-4-3", "podman-seccomp-enabled", "pass",
         dict(PODMAN_43, **{"root/.config/containers/containers.conf.d/99-mine.conf": UNCONFINED}),
         SEEN_43 + " (HOME pointing at such a file): ifRootlessConfigPath() is empty for root"),
    case("containers-conf-env-replaces-all", "podman-seccomp-enabled", "fail",
         dict(PODMAN_43, **{"etc/environment": "CONTAINERS_CONF=/srv/podman.conf\n", "srv/podman.conf": UNCONFINED}),
         "Podman 4.3.1 (this machine, CONTAINERS_CONF=FILE): that file alone is read; pam_env sets it for root logins"),
    case("containers-conf-env-missing-file", "podman-seccomp-enabled", "error",
         dict(PODMAN_43, **{"etc/environment": "CONTAINERS_CONF=/srv/nope.conf\n"}),
         SEEN_43_REFUSES + ": CONTAINERS_CONF file: no such file", names="/srv/nope.conf"),
    case("override-env-5-4", "podman-seccomp-enabled", "fail",
         dict(PODMAN_54, **{"etc/environment": "CONTAINERS_CONF_OVERRIDE=/srv/last.conf\n", "srv/last.conf": UNCONFINED}),
         READ_62 + ": CONTAINERS_CONF_OVERRIDE is read last"),
    case("override-env-ignored-by-4-3", "podman-seccomp-enabled", "pass",
         dict(PODMAN_43, **{"etc/environment": "CONTAINERS_CONF_OVERRIDE=/srv/last.conf\n", "srv/last.conf": UNCONFINED}),
         "containers-common 0.50.1 systemConfigs() (source): no such variable"),
    case("append-capability-5-4", "podman-default-capabilities", "fail",
         dict(PODMAN_54, **{D + "90-site.conf": '[containers]\ndefault_capabilities = ["SYS_ADMIN", {append = true}]\n'}),
         "Podman 5.4.2 (Debian 13's, unpacked here: accepts the file) / containers-common 0.62 "
         "attributedstring.Slice (source): SYS_ADMIN is appended to the hardened set"),
    case("append-capability-4-3", "podman-default-capabilities", "error",
         dict(PODMAN_43, **{D + "90-site.conf": '[containers]\ndefault_capabilities = ["SYS_ADMIN", {append = true}]\n'}),
         SEEN_43_REFUSES + ": TOML value has type map[string]interface {}; destination has type string"),
    case("read-only-ignored-by-4-3", "podman-read-only-rootfs", "fail", dict(PODMAN_43),
         SEEN_43 + ": [containers] read_only is not a key of 0.50.1 (a wrong type is accepted), so it does nothing"),
    case("unknown-table-ignored", "podman-seccomp-enabled", "pass",
         {D + "90-site.conf": "[nosuch]\nseccomp_profile = \"unconfined\"\n[containers.nosuch]\nx = 1\n"},
         SEEN_43 + ": keys of no Config field are ignored"),
    case("podman-6-not-judged-as-5-4", "podman-seccomp-enabled", "error", dict(PODMAN_60), NEWER,
         names="podman 6.0.1+ds1-1 is newer than the newest containers-common this reader mirrors (Podman 5.4"),
    case("podman-5-5-prerelease", "podman-userns-auto", "error", dict(PODMAN_55), NEWER,
         names="/var/lib/dpkg/status"),
]
