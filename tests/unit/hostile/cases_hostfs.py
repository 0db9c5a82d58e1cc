# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile inputs for hostfs, the one place every reader opens files through.

Where the consumer's verdict comes from:
- dockerd 20.10.24 (this machine): started on each file by
  tests/engines/test_conf_dir_consumers.py (daemon.json), and by hand the
  same way for the seccomp profile (recorded below);
- systemd-sysctl 252.38 (this machine): run over a private sysctl.d in its
  own mount and network namespace, same test;
- podman 4.3.1 (this machine): run over a private containers.conf.d in its
  own mount namespace, same test;
- shadow 4.13 getsubids (this machine): /etc/subuid bind-mounted in a private
  mount namespace.
An input the audit cannot read because it does not run as root (as_user=
nobody) is one the consumer, running as root, does read: the audit cannot
know what it says, so `error`, never a pass and never "absent".
"""

from corpus import Case, CharDevice, DirMode, Fifo, Link, Mode, Socket, Sparse
from hosttree import DIRECTORY, HARDENED

NOBODY = 65534
DOCKERD = "dockerd 20.10.24 (this machine, tests/engines/test_conf_dir_consumers.py)"
SYSCTL = "systemd-sysctl 252.38 (this machine, tests/engines/test_conf_dir_consumers.py)"
PODMAN = "podman 4.3.1 (this machine, tests/engines/test_conf_dir_consumers.py)"
AS_ROOT = " runs as root and reads it; the audit as nobody cannot: error, never absent"

DAEMON_JSON = "etc/docker/daemon.json"
PROFILE = "etc/stockade/seccomp/no-compat.json"
DROPIN_DIR = "etc/containers/containers.conf.d"
DROPIN = DROPIN_DIR + "/50-stockade.conf"
SYSCTL_FILE = "etc/sysctl.d/90-stockade.conf"


def _nested_json(depth):
    return '{"no-new-privileges": true, "log-opts": ' + "[" * depth + "]" * depth + "}"


def _daemon(id, entry, consumer, also=None, **kwargs):
    return Case("hostfs-daemon-json-" + id, "hostfs", "docker-no-new-privileges", "error",
                dict(also or {}, **{DAEMON_JSON: entry}), consumer=consumer, **kwargs)


def _sysctl(id, expect, tree, consumer, **kwargs):
    return Case("hostfs-sysctl-" + id, "hostfs", "host-sysctl-kptr-restrict", expect, tree,
                consumer=consumer, **kwargs)


# the Podman of this machine, whose verdicts these are (without a dpkg record
# the audit reads containers.conf as Podman 5.4 does)
PODMAN_43 = {"var/lib/dpkg/status": "Package: podman\nStatus: install ok installed\n"
                                    "Version: 4.3.1+ds1-8+deb12u1+b3\n"}


def _podman(id, expect, tree, consumer, names=None, **kwargs):
    if names is None:
        names = "/" + next(iter(tree))
    return Case("hostfs-containers-conf-" + id, "hostfs", "podman-userns-auto", expect,
                dict(PODMAN_43, **tree), consumer=consumer, names=names, **kwargs)


CASES = [
    # -- daemon.json: dockerd reads it once at start ------------------------
    _daemon("fifo", Fifo(), DOCKERD + ": os.ReadFile blocks until a writer comes; dockerd never starts"),
    _daemon("link-to-fifo", Link("/run/daemon.pipe"), DOCKERD + ": follows the link and blocks on the FIFO",
            also={"run/daemon.pipe": Fifo()}, names="/etc/docker/daemon.json"),
    _daemon("dev-zero", CharDevice(1, 5), DOCKERD + ": reads without end, 'fatal error: out of memory'"),
    _daemon("dev-null", CharDevice(1, 3), DOCKERD + ": 'unable to configure the Docker daemon ...: EOF' "
            "(20.10 refuses an empty daemon.json)"),
    _daemon("socket", Socket(), DOCKERD + ": 'open ...: no such device or address', refuses to start"),
    _daemon("directory", DIRECTORY, DOCKERD + ": 'read ...: is a directory', refuses to start"),
    _daemon("symlink-loop", Link("daemon.json"),
            DOCKERD + ": 'too many levels of symbolic links', refuses to start"),
    _daemon("sparse-2gib", Sparse(2 << 30, b'{"no-new-privileges": true}'),
            DOCKERD + ": reads all 2 GiB (15 s, 2 GiB of memory) and starts honouring the head, as the "
            "64 MiB engine case shows; the audit refuses any file over hostfs.MAX_FILE_BYTES (8 MiB): "
            "a deliberate, fail-safe difference (error, never a pass)"),
    _daemon("nested-100k", _nested_json(100000), DOCKERD + ": 'invalid character [ exceeded max depth' "
            "(Go's limit is 10000), refuses to start"),
    _daemon("nested-5k", _nested_json(5000), DOCKERD + ": 'cannot unmarshal array into ... log-opts', "
            "refuses to start"),
    _daemon("unreadable", Mode('{"no-new-privileges": true}', 0o000), "dockerd" + AS_ROOT, as_user=NOBODY),
    Case("hostfs-etc-docker-unsearchable", "hostfs", "docker-no-new-privileges", "error",
         {"etc/docker": DirMode(0o700)}, consumer="dockerd" + AS_ROOT, as_user=NOBODY,
         names="/etc/docker/daemon.json"),

    # -- the seccomp profile daemon.json names: read at dockerd's start -----
    Case("hostfs-seccomp-profile-fifo", "hostfs", "docker-seccomp-no-32bit", "error", {PROFILE: Fifo()},
         consumer="dockerd 20.10.24 (this machine, started by hand with seccomp-profile on a FIFO): "
                  "blocks reading it, and even ignores SIGTERM; never starts"),
    Case("hostfs-seccomp-profile-dev-zero", "hostfs", "docker-seccomp-no-32bit", "error",
         {PROFILE: CharDevice(1, 5)},
         consumer="dockerd 20.10.24 (this machine, by hand): 'fatal error: out of memory' at start"),
    Case("hostfs-seccomp-profile-nested-20k", "hostfs", "docker-seccomp-no-32bit", "error",
         {PROFILE: '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": ' + "[" * 20000 + "]" * 20000 + "}"},
         consumer="dockerd 20.10.24 (this machine, by hand): starts (it decodes the profile only when a "
                  "container is created, where Go's depth limit of 10000 refuses it: inference from "
                  "the daemon.json case); no container runs under it"),
    Case("hostfs-seccomp-profile-unreadable", "hostfs", "docker-seccomp-no-32bit", "error",
         {PROFILE: Mode("{}", 0o000)}, consumer="dockerd" + AS_ROOT, as_user=NOBODY),

    # -- sysctl.d: systemd-sysctl reads every *.conf at boot ----------------
    _sysctl("fifo", "error", {"etc/sysctl.d/99-x.conf": Fifo()},
            SYSCTL + ": hangs on the FIFO, nothing of sysctl.d is applied"),
    _sysctl("link-to-fifo", "error", {"etc/sysctl.d/99-x.conf": Link(".pipe"), "etc/sysctl.d/.pipe": Fifo()},
            SYSCTL + ": follows the link and hangs", names="/etc/sysctl.d/99-x.conf"),
    _sysctl("dev-zero", "error", {"etc/sysctl.d/99-x.conf": CharDevice(1, 5)},
            SYSCTL + ": reads without end, nothing applied"),
    _sysctl("sparse-2gib", "error", {"etc/sysctl.d/99-x.conf": Sparse(2 << 30)},
            "systemd-sysctl 252.38 (this machine, by hand): a 64 MiB sparse file already keeps it busy past "
            "10 s with nothing applied; the audit refuses files over 8 MiB"),
    _sysctl("directory", "pass", {"etc/sysctl.d/99-x.conf": DIRECTORY},
            SYSCTL + ": 'Failed to read file ..., ignoring: Is a directory', the rest applied"),
    _sysctl("socket", "pass", {"etc/sysctl.d/99-x.conf": Socket()},
            SYSCTL + ": 'Failed to open file ..., ignoring: No such device or address', the rest applied"),
    _sysctl("dangling-link", "pass", {"etc/sysctl.d/99-x.conf": Link("nowhere.conf")},
            SYSCTL + ": skipped, the rest applied"),
    _sysctl("unreadable", "error", {SYSCTL_FILE: Mode(HARDENED[SYSCTL_FILE], 0o000)},
            "systemd-sysctl" + AS_ROOT, as_user=NOBODY),
    _sysctl("dir-unsearchable", "error", {"etc/sysctl.d": DirMode(0o744)},
            "systemd-sysctl" + AS_ROOT + " (the directory lists, its entries cannot be stat'ed)",
            as_user=NOBODY, names="/etc/sysctl.d/90-stockade.conf"),
    _sysctl("dir-unlistable", "error", {"etc/sysctl.d": DirMode(0o711)},
            "systemd-sysctl" + AS_ROOT + " (the directory cannot be listed)",
            as_user=NOBODY, names="/etc/sysctl.d"),

    # -- containers.conf.d: podman reads every *.conf but directories -------
    _podman("fifo", "error", {DROPIN_DIR + "/60-x.conf": Fifo()}, PODMAN + ": hangs on the FIFO"),
    _podman("dev-zero", "error", {DROPIN_DIR + "/60-x.conf": CharDevice(1, 5)},
            PODMAN + ": reads without end"),
    _podman("socket", "error", {DROPIN_DIR + "/60-x.conf": Socket()},
            PODMAN + ": 'reading system config ...: no such device or address', podman refuses to run"),
    _podman("dangling-link", "error", {DROPIN_DIR + "/60-x.conf": Link("nowhere.conf")},
            PODMAN + ": 'reading system config ...: no such file or directory', podman refuses to run"),
    _podman("directory", "pass", {DROPIN_DIR + "/60-x.conf": DIRECTORY}, PODMAN + ": directories are skipped"),
    _podman("dev-null", "pass", {DROPIN_DIR + "/60-x.conf": CharDevice(1, 3)}, PODMAN + ": reads it as empty"),
    _podman("hidden-fifo", "error", {DROPIN_DIR + "/.60-x.conf": Fifo()},
            PODMAN + ": dot files are read too, and the FIFO hangs it"),
    _podman("unreadable", "error", {DROPIN: Mode(HARDENED[DROPIN], 0o000)},
            "podman" + AS_ROOT + " (run by hand: root applies a mode 000 drop-in)", as_user=NOBODY),
    _podman("dir-unlistable", "error", {DROPIN_DIR: DirMode(0o700)}, "podman" + AS_ROOT,
            as_user=NOBODY, names="/" + DROPIN_DIR),

    # -- the rest of what the audit lists or opens ---------------------------
    Case("hostfs-docker-unit-dropin-unreadable", "hostfs", "docker-no-new-privileges", "error",
         {"etc/systemd/system/docker.service.d/10-site.conf":
          Mode("[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --no-new-privileges=false\n", 0o000)},
         consumer="systemd (PID 1)" + AS_ROOT, as_user=NOBODY),
    Case("hostfs-docker-unit-dropin-dir-unsearchable", "hostfs", "docker-no-new-privileges", "error",
         {"etc/systemd/system/docker.service.d/10-site.conf": "[Service]\nEnvironment=X=1\n",
          "etc/systemd/system/docker.service.d": DirMode(0o744)},
         consumer="systemd (PID 1)" + AS_ROOT, as_user=NOBODY,
         names="/etc/systemd/system/docker.service.d/10-site.conf"),
    Case("hostfs-engine-binary-dir-unsearchable", "hostfs", "docker-no-new-privileges", "error",
         {"usr/sbin": DirMode(0o700)}, consumer="the host, as root, runs /usr/sbin/dockerd; the audit as "
         "nobody cannot tell whether it is installed: error, never not_applicable", as_user=NOBODY,
         names="/usr/sbin/dockerd"),
    Case("hostfs-grub-defaults-unreadable", "hostfs", "host-vsyscall-none", "error",
         {"etc/default/grub": Mode(HARDENED["etc/default/grub"], 0o000)},
         consumer="grub-mkconfig (update-grub)" + AS_ROOT, as_user=NOBODY),
    Case("hostfs-grub-dropins-unlistable", "hostfs", "host-vsyscall-none", "error",
         {"etc/default/grub.d/50-site.cfg": 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX vsyscall=emulate"\n',
          "etc/default/grub.d": DirMode(0o700)},
         consumer="grub-mkconfig (update-grub) sources every grub.d/*.cfg" + AS_ROOT, as_user=NOBODY,
         names="/etc/default/grub.d"),
    Case("hostfs-selinux-config-unreadable", "hostfs", "host-selinux-enforcing", "error",
         {"etc/selinux/config": Mode(HARDENED["etc/selinux/config"], 0o000)},
         consumer="libselinux at boot" + AS_ROOT, as_user=NOBODY),
    Case("hostfs-selinux-module-store-private", "hostfs", "host-selinux-container-policy", "error",
         {"var/lib/selinux/default/active": DirMode(0o700)},
         consumer="semodule (libsemanage) reads the store as root; Debian 12 ships "
                  "/var/lib/selinux/default/active as 0700, so a non-root audit meets exactly this",
         as_user=NOBODY, names="/var/lib/selinux/default/active"),
    Case("hostfs-selinux-module-priority-unlistable", "hostfs", "host-selinux-container-policy", "error",
         {"var/lib/selinux/default/active/modules/200": DirMode(0o000)},
         consumer="semodule (libsemanage)" + AS_ROOT, as_user=NOBODY,
         names="/var/lib/selinux/default/active/modules/200"),
    Case("hostfs-subuid-fifo", "hostfs", "docker-userns-subids", "error", {"etc/subuid": Fifo()},
         consumer="shadow 4.13 getsubids (this machine, /etc/subuid a FIFO bind-mounted in a private "
                  "mount namespace): 'Error fetching ranges'; dockerd reads it with Go's bufio and blocks"),
    Case("hostfs-subuid-unreadable", "hostfs", "docker-userns-subids", "error",
         {"etc/subuid": Mode(HARDENED["etc/subuid"], 0o000)},
         consumer="newuidmap (setuid root) and dockerd" + AS_ROOT, as_user=NOBODY),
]
