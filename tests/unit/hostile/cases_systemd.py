# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and odd docker.service units, drop-ins and environment files.

The hardened tree's daemon.json sets no-new-privileges; most cases take it
out (NO_NNP) so that the unit alone decides. Verdicts: systemd 252.38 and
257.13 with `systemd --test` on this machine (the load state and the argv,
see tests/unit/consumers/systemd_unit_cases.py for the same constructs
recorded one by one), then dockerd 20.10 started here / 26.1 --validate for
what dockerd makes of that argv (tests/unit/consumers/dockerd_cases.py).
Variable expansion and environment files, which systemd handles at start:
systemd 252.39 and 257.13 as PID 1 in the Debian 12 and 13 lab guests (the
argv each service got, tests/lab/stock/test_systemd_environment.py, recorded one
by one in tests/unit/consumers/systemd_env_cases.py); the two differ on a
comment ending in a backslash (254 changed it).
"""

from corpus import Case
from hosttree import DIRECTORY, HARDENED, Symlink

CONTROL = "docker-no-new-privileges"
LIB_UNIT = "lib/systemd/system/docker.service"
DROPIN = "etc/systemd/system/docker.service.d/50-hostile.conf"
NO_NNP = dict(HARDENED, **{"etc/docker/daemon.json": {
    k: v for k, v in HARDENED["etc/docker/daemon.json"].items() if k != "no-new-privileges"}})
SYSTEMD = "systemd 252.38 and 257.13 (systemd --test on this machine)"
SYSTEMD_DOCKERD = SYSTEMD + ", then dockerd 20.10 (real start here) and 26.1 (--validate)"
# Variable expansion and environment files happen at start: systemd as PID 1 in the lab guest.
LAB_252 = "systemd 252.39 as PID 1 in the Debian 12 lab guest (tests/lab/stock/test_systemd_environment.py)"
LAB_257 = "systemd 257.13 as PID 1 in the Debian 13 lab guest (tests/lab/stock/test_systemd_environment.py)"
LAB_BOTH = "systemd 252.39 and 257.13 as PID 1 in the lab guests (tests/lab/stock/test_systemd_environment.py)"
LAB_DOCKERD = LAB_BOTH + ", then dockerd 20.10 (real start here) and 26.1 (--validate)"
DEFAULT_DOCKER = "etc/default/docker"


def start(*lines):
    return "[Service]\nExecStart=\nExecStart=" + "\n".join(lines) + "\n"


def case(id, expect, tree, consumer=SYSTEMD, base=None, names=None, note=""):
    return Case("systemd-" + id, "systemd_units", CONTROL, expect, tree, consumer=consumer,
                base=NO_NNP if base is None else base, names=names, note=note)


CASES = [
    case("second-execstart-without-reset", "error",
         {DROPIN: "[Service]\nExecStart=/usr/sbin/dockerd --no-new-privileges\n"}, base=HARDENED,
         note="bad-setting: more than one ExecStart= in a service that is not oneshot"),
    case("masked-by-dev-null", "error", {"etc/systemd/system/docker.service": Symlink("/dev/null")},
         base=HARDENED),
    case("masked-by-empty-file", "error", {"etc/systemd/system/docker.service": ""}, base=HARDENED),
    case("comment-inside-continuation", "fail",
         {DROPIN: start("/usr/sbin/dockerd -H fd:// \\", "  # --no-new-privileges \\", "  --icc=false")},
         note="systemd drops the comment line: the flag is not passed"),
    case("flag-after-continuation", "pass",
         {DROPIN: start("/usr/sbin/dockerd -H fd:// \\", "  --no-new-privileges")}),
    case("braced-variable-is-one-word", "error",
         {DROPIN: "[Service]\nEnvironment=\"OPTS=--no-new-privileges --icc=false\"\n" + start(
             "/usr/sbin/dockerd ${OPTS}")}, consumer=SYSTEMD_DOCKERD,
         note="one word '--no-new-privileges --icc=false': dockerd knows no such flag and refuses"),
    case("bare-variable-is-split", "pass",
         {DROPIN: "[Service]\nEnvironment=\"OPTS=--no-new-privileges --debug\"\n" + start(
             "/usr/sbin/dockerd $OPTS")}),
    case("colon-prefix-keeps-variable", "error",
         {DROPIN: "[Service]\nEnvironment=OPTS=--no-new-privileges\n" + start(":/usr/sbin/dockerd $OPTS")},
         consumer=SYSTEMD_DOCKERD, note="'$OPTS' reaches dockerd as a positional argument"),
    case("dropin-masked-in-etc", "fail",
         {"lib/systemd/system/docker.service.d/50-nnp.conf": start("/usr/sbin/dockerd --no-new-privileges"),
          "etc/systemd/system/docker.service.d/50-nnp.conf": Symlink("/dev/null")}),
    case("dropin-same-name-overridden", "fail",
         {"lib/systemd/system/docker.service.d/50-nnp.conf": start("/usr/sbin/dockerd --no-new-privileges"),
          "run/systemd/system/docker.service.d/50-nnp.conf": start("/usr/sbin/dockerd -H fd://")}),
    case("unknown-specifier", "error", {DROPIN: start("/usr/sbin/dockerd --no-new-privileges --label=%z")},
         base=HARDENED),
    case("escaped-percent-is-not-a-specifier", "pass",
         {DROPIN: start("/usr/sbin/dockerd --no-new-privileges --label=x=100%%")}),
    case("not-dockerd", "error",
         {DROPIN: start("/bin/sh -c \"exec /usr/sbin/dockerd --no-new-privileges\"")}, base=HARDENED,
         note="what the shell runs is not read from the unit"),
    case("export-in-environment-file", "fail",
         {"etc/default/docker": "export DOCKER_OPTS=--no-new-privileges\n"}, consumer=LAB_BOTH,
         note="systemd's environment files have no export: the line names an invalid variable, dropped"),
    case("environment-file-plain", "pass", {"etc/default/docker": "DOCKER_OPTS=\"--no-new-privileges\"\n"}),
    case("required-environment-file-missing", "error",
         {DROPIN: "[Service]\nEnvironmentFile=/etc/default/docker-missing\n"}, base=HARDENED,
         names="/etc/default/docker-missing"),
    case("environment-file-comment-backslash", "error",
         {"etc/default/docker": "# old options \\\nDOCKER_OPTS=--no-new-privileges\n"},
         consumer="systemd parse_env_file: 252 swallows the next line, 257 (since 254) does not; the tree "
                  "does not tell which systemd it has",
         note="the versions disagree, so the audit cannot know"),
    case("environment-file-comment-backslash-252", "fail",
         {"etc/default/docker": "# old options \\\nDOCKER_OPTS=--no-new-privileges\n",
          "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so": ""},
         consumer=LAB_252),
    case("environment-file-comment-backslash-257", "pass",
         {"etc/default/docker": "# old options \\\nDOCKER_OPTS=--no-new-privileges\n",
          "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so": ""},
         consumer=LAB_257),
    case("environment-file-systemd-258", "error",
         {"etc/default/docker": "DOCKER_OPTS=\"--no-new-privileges\"\n",
          "usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-258.so": ""},
         consumer="the project's standard (issue #18): systemd 258 is newer than 257, the newest the reader "
                  "mirrors; its environment files are not read as 257's",
         names="systemd 258 is newer than the newest systemd this reader mirrors (systemd 257"),
    case("default-environment", "pass",
         {"etc/systemd/system.conf": "[Manager]\nDefaultEnvironment=DOCKER_OPTS=--no-new-privileges\n"}),
    case("transient-unit-wins", "fail",
         {"run/systemd/transient/docker.service": "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n",
          "etc/systemd/system/docker.service": "[Service]\nExecStart=/usr/sbin/dockerd --no-new-privileges\n"}),
    case("type-wide-dropin", "pass",
         {"etc/systemd/system/service.d/10-all.conf": start("/usr/sbin/dockerd --no-new-privileges")}),
    case("invalid-section-header", "error",
         {LIB_UNIT: "[Service\nExecStart=/usr/sbin/dockerd --no-new-privileges\n"}, base=HARDENED),
    case("unbalanced-quote", "error", {DROPIN: start("/usr/sbin/dockerd \"--no-new-privileges")},
         base=HARDENED),
    case("dash-prefix-drops-bad-line", "error", {DROPIN: start("-/usr/sbin/dockerd --label=%z")},
         base=HARDENED, note="the line is dropped, no ExecStart= is left: systemd refuses the unit"),
    case("semicolon-second-command", "error",
         {DROPIN: start("/usr/sbin/dockerd --no-new-privileges ; /bin/true")}, base=HARDENED),
    # Environment files and variables as systemd 252 and 257 read them at start (systemd_env_cases.py).
    case("environment-file-nul-byte-ignored", "fail",
         {DEFAULT_DOCKER: b"DOCKER_OPTS=--no-new-privileges\n\0\n"}, consumer=LAB_BOTH,
         note="systemd refuses a file holding a NUL byte; with '-' it ignores the whole file"),
    case("environment-file-nul-byte-required", "error",
         {DROPIN: "[Service]\nEnvironmentFile=/etc/docker.env\n", "etc/docker.env": b"X=1\0\n"},
         base=HARDENED, consumer=LAB_BOTH, names="/etc/docker.env", note="the service does not start"),
    case("environment-file-invalid-utf8-ignored", "fail",
         {DEFAULT_DOCKER: b"DOCKER_OPTS=--no-new-privileges\nHOSTNAME_NOTE=caf\xe9\n"}, consumer=LAB_BOTH,
         note="one value that is not UTF-8 and systemd drops the whole optional file"),
    case("environment-file-invalid-utf8-in-comment", "pass",
         {DEFAULT_DOCKER: b"# caf\xe9\nDOCKER_OPTS=--no-new-privileges\n"}, consumer=LAB_BOTH),
    case("environment-file-control-character-wins", "error",
         {DROPIN: "[Service]\nEnvironment=DOCKER_OPTS=--no-new-privileges\n",
          DEFAULT_DOCKER: b"DOCKER_OPTS=--no-new-privileges=false\x01\n"}, consumer=LAB_DOCKERD,
         note="the file's value (control character and all) beats Environment=; dockerd refuses a "
              "boolean that is not one of Go's"),
    case("environment-file-is-directory-required", "error",
         {DROPIN: "[Service]\nEnvironmentFile=/etc/docker.env\n", "etc/docker.env": DIRECTORY},
         base=HARDENED, consumer=LAB_BOTH, names="/etc/docker.env", note="the service does not start"),
    case("environment-file-beats-environment", "fail",
         {DROPIN: "[Service]\nEnvironment=DOCKER_OPTS=--no-new-privileges\n", DEFAULT_DOCKER: "DOCKER_OPTS=-D\n"},
         consumer=LAB_BOTH, note="EnvironmentFile= is applied after every Environment=, whatever the order"),
    case("unset-environment-drops-file-variable", "fail",
         {DROPIN: "[Service]\nUnsetEnvironment=DOCKER_OPTS\n",
          DEFAULT_DOCKER: "DOCKER_OPTS=--no-new-privileges\n"}, consumer=LAB_BOTH),
    case("environment-file-glob-last-wins", "fail",
         {DROPIN: "[Service]\nEnvironmentFile=-/etc/default/docker.d/*.env\n",
          "etc/default/docker.d/10-hardening.env": "DOCKER_OPTS=--no-new-privileges\n",
          "etc/default/docker.d/20-site.env": "DOCKER_OPTS=-D\n"}, consumer=LAB_BOTH),
    case("quoted-variable-still-splits", "pass",
         {DROPIN: start('/usr/sbin/dockerd -H fd:// "$DOCKER_OPTS"'),
          DEFAULT_DOCKER: 'DOCKER_OPTS="--no-new-privileges --debug"\n'}, consumer=LAB_BOTH,
         note="quotes are gone at load time: the word is exactly $DOCKER_OPTS, split at start"),
    case("unset-braced-variable-is-empty-word", "error",
         {DROPIN: start("/usr/sbin/dockerd -H fd:// --no-new-privileges ${DOCKER_EXTRA}")}, base=HARDENED,
         consumer=LAB_DOCKERD, note="${UNSET} is one empty argument, which dockerd refuses"),
]
