# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit files and drop-ins, each with what systemd made of it.

`expect` is the verdict of the real systemd, taken with `systemd --test`
(tests/engines/systemd_oracle.py) on this machine: systemd 252.38 (Debian 12)
and 257.13 (Debian 13, unpacked by scripts/debian13-consumers.sh), the two
agreeing on every case here unless `expect_257` says otherwise. A verdict is
(load state, [argv of each ExecStart= command before variable expansion]).
tests/engines/test_systemd_consumer.py re-takes every verdict from both
systemd versions and compares; tests/unit/consumers/test_systemd_unit_reader.py
holds posture.systemd_units to the recorded verdicts.

Files are host paths; a Symlink is a symbolic link, None removes a file.
"""

from hosttree import DIRECTORY, Symlink

UNIT = "docker.service"
LIB = "lib/systemd/system/"
USR = "usr/lib/systemd/system/"
ETC = "etc/systemd/system/"
RUN = "run/systemd/system/"
DOCKERD = "/usr/sbin/dockerd"
BASE = {LIB + UNIT: "[Unit]\nDescription=Docker\n[Service]\nExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n"}
BASE_ARGV = [DOCKERD, "-H", "fd://", "$DOCKER_OPTS"]


class UnitCase:
    def __init__(self, id, files, expect, unit=UNIT, base=True, expect_257=None, note=""):
        self.id = id
        self.files = dict(BASE, **files) if base else dict(files)
        self.unit = unit
        self.expect = expect
        self.expect_257 = expect_257 or expect
        self.note = note

    def expected(self, version):
        return self.expect if version == 252 else self.expect_257

    def __repr__(self):
        return "UnitCase(%s)" % self.id


def service(*lines):
    return "[Service]\n" + "".join(line + "\n" for line in lines)


def dropin(*lines):
    return service(*lines)


def start(*lines):
    """A drop-in that replaces ExecStart= with `lines` joined by newlines."""
    return "[Service]\nExecStart=\nExecStart=" + "\n".join(lines) + "\n"


LOADED = "loaded"
CASES = [
    UnitCase("plain", {}, (LOADED, [BASE_ARGV])),
    UnitCase("comment-inside-continuation",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd \\", "  # --no-new-privileges \\",
                                              "  --icc=false")},
             (LOADED, [[DOCKERD, "--icc=false"]]),
             note="the issue's example: a commented-out flag line is not part of the command"),
    UnitCase("semicolon-comment-inside-continuation",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd \\", ";--selinux-enabled \\", "--icc=false")},
             (LOADED, [[DOCKERD, "--icc=false"]])),
    UnitCase("comment-ends-continuation-without-backslash",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd \\", "# --no-new-privileges", "--icc=false")},
             (LOADED, [[DOCKERD, "--icc=false"]]),
             note="the comment is dropped, the continuation goes on to the next line"),
    UnitCase("empty-line-ends-continuation",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd \\", "", "--icc=false")},
             (LOADED, [[DOCKERD]])),
    UnitCase("double-backslash-is-not-continuation",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=a\\\\\\\\", "--icc=false")},
             (LOADED, [[DOCKERD, "--label=a\\\\"]])),
    UnitCase("specifiers",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=%%n --label=%n --label=%N --label=%p "
                                              "--exec-root=%t/docker --data-root=%S/docker --label=%E%C%L%T%V")},
             (LOADED, [[DOCKERD, "--label=%n", "--label=docker.service", "--label=docker", "--label=docker",
                        "--exec-root=/run/docker", "--data-root=/var/lib/docker",
                        "--label=/etc/var/cache/var/log/tmp/var/tmp"]])),
    UnitCase("unknown-specifier",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=%z")},
             ("bad-setting", [])),
    UnitCase("unknown-specifier-with-dash-prefix",
             {ETC + UNIT + ".d/x.conf": start("-/usr/sbin/dockerd --label=%z")},
             ("bad-setting", []),
             note="the '-' prefix drops the line, and then no ExecStart= is left"),
    UnitCase("variables-kept-until-start",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd $A ${B} --x=$C --y=${D}$$")},
             (LOADED, [[DOCKERD, "$A", "${B}", "--x=$C", "--y=${D}$$"]])),
    UnitCase("prefixes",
             {ETC + UNIT + ".d/x.conf": start("-@:/usr/sbin/dockerd dockerd-renamed --icc=false")},
             (LOADED, [["dockerd-renamed", "--icc=false"]])),
    UnitCase("prefix-privileged",
             {ETC + UNIT + ".d/x.conf": start("+/usr/sbin/dockerd --icc=false")},
             (LOADED, [[DOCKERD, "--icc=false"]])),
    UnitCase("prefix-double-bang",
             {ETC + UNIT + ".d/x.conf": start("!!/usr/sbin/dockerd --icc=false")},
             (LOADED, [[DOCKERD, "--icc=false"]])),
    UnitCase("semicolon-second-command",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --icc=false ; /bin/true")},
             ("bad-setting", [])),
    UnitCase("escaped-semicolon-is-a-word",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label \\; --icc=false")},
             (LOADED, [[DOCKERD, "--label", ";", "--icc=false"]])),
    UnitCase("quotes",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd \"--label=a b\" '--label=c d' --label=e\"f g\"h")},
             (LOADED, [[DOCKERD, "--label=a b", "--label=c d", "--label=ef gh"]])),
    UnitCase("c-escapes",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=\\x41\\101\\u00e9\\sz \"\\t\"")},
             (LOADED, [[DOCKERD, "--label=AA\u00e9 z", "\t"]])),
    UnitCase("unknown-escape-kept",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=\\q")},
             (LOADED, [[DOCKERD, "--label=\\q"]])),
    UnitCase("nul-escape-kept",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=\\x00")},
             (LOADED, [[DOCKERD, "--label=\\x00"]])),
    UnitCase("escaped-space-joins-words",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --label=a\\ --icc=false")},
             (LOADED, [[DOCKERD, "--label=a\\ --icc=false"]])),
    UnitCase("unbalanced-quote",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd \"--icc=false")},
             ("bad-setting", [])),
    UnitCase("two-execstart-not-oneshot",
             {ETC + UNIT + ".d/x.conf": dropin("ExecStart=/usr/sbin/dockerd --no-new-privileges")},
             ("bad-setting", []),
             note="the issue's example: a drop-in adds a second ExecStart= without resetting"),
    UnitCase("two-execstart-oneshot",
             {ETC + UNIT + ".d/x.conf": dropin("Type=oneshot", "ExecStart=/bin/true")},
             (LOADED, [BASE_ARGV, ["/bin/true"]])),
    UnitCase("no-execstart",
             {ETC + UNIT + ".d/x.conf": dropin("ExecStart=")},
             ("bad-setting", [])),
    UnitCase("reset-then-set-in-one-file",
             {ETC + UNIT + ".d/x.conf": dropin("ExecStart=/a", "ExecStart=", "ExecStart=/usr/sbin/dockerd -D")},
             (LOADED, [[DOCKERD, "-D"]])),
    UnitCase("masked-by-dev-null", {ETC + UNIT: Symlink("/dev/null")}, ("masked", [])),
    UnitCase("masked-by-empty-file", {ETC + UNIT: ""}, ("masked", [])),
    UnitCase("etc-overrides-lib",
             {ETC + UNIT: service("ExecStart=/usr/sbin/dockerd --from-etc")},
             (LOADED, [[DOCKERD, "--from-etc"]])),
    UnitCase("transient-overrides-etc",
             {ETC + UNIT: service("ExecStart=/usr/sbin/dockerd --from-etc"),
              "run/systemd/transient/" + UNIT: service("ExecStart=/usr/sbin/dockerd --from-transient")},
             (LOADED, [[DOCKERD, "--from-transient"]])),
    UnitCase("control-overrides-transient",
             {"etc/systemd/system.control/" + UNIT: service("ExecStart=/usr/sbin/dockerd --from-control"),
              "run/systemd/transient/" + UNIT: service("ExecStart=/usr/sbin/dockerd --from-transient")},
             (LOADED, [[DOCKERD, "--from-control"]])),
    UnitCase("generator-late-loses-to-lib",
             {"run/systemd/generator.late/" + UNIT: service("ExecStart=/usr/sbin/dockerd --late")},
             (LOADED, [BASE_ARGV])),
    UnitCase("generator-early-beats-etc",
             {"run/systemd/generator.early/" + UNIT: service("ExecStart=/usr/sbin/dockerd --early"),
              ETC + UNIT: service("ExecStart=/usr/sbin/dockerd --from-etc")},
             (LOADED, [[DOCKERD, "--early"]])),
    UnitCase("attached-between-etc-and-run",
             {"etc/systemd/system.attached/" + UNIT: service("ExecStart=/usr/sbin/dockerd --attached"),
              RUN + UNIT: service("ExecStart=/usr/sbin/dockerd --run")},
             (LOADED, [[DOCKERD, "--attached"]])),
    UnitCase("dropin-masked-by-dev-null",
             {LIB + UNIT + ".d/50-x.conf": start("/usr/sbin/dockerd --from-lib-dropin"),
              ETC + UNIT + ".d/50-x.conf": Symlink("/dev/null")},
             (LOADED, [BASE_ARGV]),
             note="the issue's example: /etc's /dev/null link hides /lib's drop-in of that name"),
    UnitCase("dropin-masked-by-empty-file",
             {LIB + UNIT + ".d/50-x.conf": start("/usr/sbin/dockerd --from-lib-dropin"),
              RUN + UNIT + ".d/50-x.conf": ""},
             (LOADED, [BASE_ARGV])),
    UnitCase("dropin-same-name-run-beats-lib",
             {LIB + UNIT + ".d/50-x.conf": start("/usr/sbin/dockerd --lib"),
              RUN + UNIT + ".d/50-x.conf": start("/usr/sbin/dockerd --run")},
             (LOADED, [[DOCKERD, "--run"]])),
    UnitCase("dropins-applied-in-name-order-across-dirs",
             {ETC + UNIT + ".d/10-a.conf": start("/usr/sbin/dockerd --a"),
              LIB + UNIT + ".d/20-b.conf": start("/usr/sbin/dockerd --b")},
             (LOADED, [[DOCKERD, "--b"]])),
    UnitCase("type-wide-service-dropin",
             {ETC + "service.d/10-all.conf": start("/usr/sbin/dockerd --all-services")},
             (LOADED, [[DOCKERD, "--all-services"]])),
    UnitCase("unit-dropin-beats-type-wide-of-same-name",
             {LIB + UNIT + ".d/10-x.conf": start("/usr/sbin/dockerd --unit-dir"),
              ETC + "service.d/10-x.conf": start("/usr/sbin/dockerd --type-wide")},
             (LOADED, [[DOCKERD, "--unit-dir"]])),
    UnitCase("prefix-dropin",
             {LIB + "docker-engine.service": service("ExecStart=/usr/sbin/dockerd"),
              ETC + "docker-.service.d/10-x.conf": start("/usr/sbin/dockerd --prefix")},
             (LOADED, [[DOCKERD, "--prefix"]]), unit="docker-engine.service"),
    UnitCase("prefix-dropin-beats-lower-unit-dropin-of-same-name",
             {LIB + "docker-engine.service": service("ExecStart=/usr/sbin/dockerd"),
              LIB + "docker-engine.service.d/10-x.conf": start("/usr/sbin/dockerd --unit"),
              ETC + "docker-.service.d/10-x.conf": start("/usr/sbin/dockerd --prefix")},
             (LOADED, [[DOCKERD, "--prefix"]]), unit="docker-engine.service"),
    UnitCase("hidden-backup-and-directory-dropins-ignored",
             {ETC + UNIT + ".d/.10-hidden.conf": start("/usr/sbin/dockerd --hidden"),
              ETC + UNIT + ".d/20-backup.conf~": start("/usr/sbin/dockerd --backup"),
              ETC + UNIT + ".d/30-dir.conf": DIRECTORY,
              ETC + UNIT + ".d/40-other.cfg": start("/usr/sbin/dockerd --other")},
             (LOADED, [BASE_ARGV])),
    UnitCase("dangling-dropin-link-ignored",
             {ETC + UNIT + ".d/10-gone.conf": Symlink("/nonexistent/10-gone.conf")},
             (LOADED, [BASE_ARGV])),
    UnitCase("lowercase-section-ignored",
             {ETC + UNIT + ".d/x.conf": "[service]\nExecStart=\nExecStart=/usr/sbin/dockerd --ignored\n"},
             (LOADED, [BASE_ARGV])),
    UnitCase("lowercase-key-ignored",
             {ETC + UNIT + ".d/x.conf": "[Service]\nexecstart=\n"},
             (LOADED, [BASE_ARGV])),
    UnitCase("spaces-around-equals",
             {ETC + UNIT + ".d/x.conf": "[Service]\nExecStart =\n  ExecStart   =   /usr/sbin/dockerd   -D  \n"},
             (LOADED, [[DOCKERD, "-D"]])),
    UnitCase("assignment-before-section-ignored",
             {ETC + UNIT + ".d/x.conf": "ExecStart=\n[Service]\n"},
             (LOADED, [BASE_ARGV])),
    UnitCase("bom-and-crlf",
             {ETC + UNIT + ".d/x.conf": "\ufeff[Service]\r\nExecStart=\r\nExecStart=/usr/sbin/dockerd -D\r\n"},
             (LOADED, [[DOCKERD, "-D"]])),
    UnitCase("lone-cr-ends-lines",
             {ETC + UNIT + ".d/x.conf": "[Service]\rExecStart=\rExecStart=/usr/sbin/dockerd -D\r"},
             (LOADED, [[DOCKERD, "-D"]])),
    UnitCase("invalid-section-header-in-dropin",
             {ETC + UNIT + ".d/x.conf": "[Service\nExecStart=\n"},
             (LOADED, [BASE_ARGV])),
    UnitCase("invalid-section-header-after-settings-in-dropin",
             {ETC + UNIT + ".d/x.conf": start("/usr/sbin/dockerd --before") + "[Bad\nExecStart=\n",
              ETC + UNIT + ".d/y.conf": dropin("Environment=A=1")},
             (LOADED, [[DOCKERD, "--before"]])),
    UnitCase("invalid-section-header-in-unit-file",
             {ETC + UNIT: "[Service\nExecStart=/usr/sbin/dockerd\n"},
             ("error", [])),
    UnitCase("relative-executable",
             {ETC + UNIT + ".d/x.conf": start("dockerd --icc=false")},
             (LOADED, [["dockerd", "--icc=false"]])),
    UnitCase("continuation-at-end-of-file",
             {ETC + UNIT + ".d/x.conf": "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -D \\"},
             (LOADED, [[DOCKERD, "-D"]])),
    UnitCase("alias-link-to-other-name",
             {ETC + UNIT: Symlink("../../../lib/systemd/system/moby.service"),
              LIB + "moby.service": service("ExecStart=/usr/sbin/dockerd --moby"),
              ETC + "moby.service.d/10-x.conf": dropin("Environment=X=1")},
             (LOADED, [[DOCKERD, "--moby"]])),
]
