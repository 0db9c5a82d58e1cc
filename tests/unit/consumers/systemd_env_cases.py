# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services whose ExecStart= depends on Environment=, EnvironmentFile= and
UnsetEnvironment=, each with the argv the real systemd executed.

`systemd --test` shows a command line before variable expansion, which
happens at start; so these verdicts come from systemd as PID 1 in the lab
VM: tests/lab/stock/test_systemd_environment.py installs every case as a
Type=oneshot unit under /run/systemd/system whose ExecStart= runs a script
that writes its own argv, reloads once, starts them all and reads the argv
files back. A verdict is ("ran", [argv after argv[0]]) or ("start-fails",
None) when systemd refused to start the service.

Recorded from: systemd 252.39-1~deb12u2 (Debian 12 lab guest, `lab/vm.sh
start NAME`) and 257.13-1~deb13u1 (Debian 13 lab guest, `lab/vm.sh start
NAME trixie`), 2026-11-29; `expect_257` where 257 differs.
tests/unit/consumers/test_systemd_env_reader.py holds posture.systemd_units
to these verdicts.
"""

from hosttree import DIRECTORY, Symlink

RAN, START_FAILS = "ran", "start-fails"
ENV_DIR = "/run/stockade-env/"
ARGV_BIN = "/usr/local/lib/stockade-argv/"
UNIT_DIR = "/run/systemd/system/"


class EnvCase:
    """One service: its [Service] lines (ExecStart= is added), the words
    after the script on the ExecStart= line, files it reads (bytes, DIRECTORY or a Symlink), and verdicts."""

    def __init__(self, id, lines, args, expect, files=None, prefix="", expect_257=None, note=""):
        self.id = id
        self.lines = list(lines)
        self.args = args
        self.prefix = prefix            # ExecStart= prefixes, e.g. ":"
        self.files = dict(files or {})  # absolute path -> bytes, DIRECTORY or Symlink
        self.expect = expect
        self.expect_257 = expect_257 or expect
        self.note = note

    @property
    def unit(self):
        return "stockade-env-%s.service" % self.id

    @property
    def script(self):
        return ARGV_BIN + self.id

    def expected(self, version):
        return self.expect if version < 254 else self.expect_257

    def unit_text(self):
        return "[Unit]\nDescription=stockade argv case %s\n[Service]\nType=oneshot\n%sExecStart=%s%s %s\n" % (
            self.id, "".join(line + "\n" for line in self.lines), self.prefix, self.script, self.args)

    def tree(self):
        """{host path without the leading slash: content} of the unit and its files."""
        tree = {(UNIT_DIR + self.unit)[1:]: self.unit_text().encode("utf-8")}
        tree.update({path[1:]: data for path, data in self.files.items()})
        return tree

    def __repr__(self):
        return "EnvCase(%s)" % self.id


def env(name):
    return ENV_DIR + name


def ran(*argv):
    return (RAN, list(argv))


ONE_TWO = ['Environment="A=one two"']
CASES = [
    # -- $VAR and ${VAR} in ExecStart= -------------------------------------------
    EnvCase("dollar-word-splits", ONE_TWO, "$A", ran("one", "two")),
    EnvCase("braces-one-word", ONE_TWO, "${A}", ran("one two")),
    EnvCase("braces-inside-word", ONE_TWO, "x${A}y --opt=${A}", ran("xone twoy", "--opt=one two")),
    EnvCase("dollar-inside-word-kept", ONE_TWO, "--opt=$A a$A", ran("--opt=$A", "a$A")),
    EnvCase("quoted-dollar-word-splits", ONE_TWO, "\"$A\" '${A}'", ran("one", "two", "one two"),
            note="quotes go at load time: the word is then exactly $A"),
    EnvCase("escaped-dollar", ONE_TWO, "\\$A", ran("\\$A")),
    EnvCase("unset-variable", [], "$NOPE ${NOPE} a${NOPE}b end", ran("", "ab", "end")),
    EnvCase("double-dollar", ONE_TWO, "$$A $${A} a$$b", ran("$A", "${A}", "a$b")),
    EnvCase("default-syntax-kept", ONE_TWO, "${A:-x} ${A x${A", ran("${A:-x}", "${A", "x${A")),
    EnvCase("invalid-variable-word-dropped", ["Environment=A=v"], "$1 $A-B $A.x keep", ran("keep")),
    EnvCase("no-expansion-prefix", ONE_TWO, "$A ${A} $$", ran("$A", "${A}", "$$"), prefix=":"),
    EnvCase("quotes-in-value-split", ["Environment=A='x \"y z\"'"], "$A ${A}", ran("x", "y z", 'x "y z"')),
    EnvCase("backslash-in-value-split", ['Environment="A=a\\\\ b c"'], "$A ${A}", ran("a b", "c", "a\\ b c")),
    EnvCase("unbalanced-quote-in-value", ["Environment='A=\"a b'"], "$A ${A}", ran("a b", '"a b')),
    EnvCase("empty-and-blank-values", ['Environment=A= "B=  "'], "$A ${A} $B ${B} x", ran("", "  ", "x")),
    # -- Environment= --------------------------------------------------------------
    EnvCase("environment-escapes", ['Environment="A=a\\tb" B=\\x41\\x42 "C=sp ace"'], "${A} ${B} ${C}",
            ran("a\tb", "AB", "sp ace")),
    EnvCase("environment-unknown-escape", ['Environment=X=1 "Y=\\q" Z=3'], "${X} ${Y} ${Z}", ran("1", "", "")),
    EnvCase("environment-control-characters", ['Environment="A=a\\x01b" "B=c\\x7fd" "C=e\\x1bf"'],
            "${A} ${B} ${C}", ran("a\x01b", "c\x7fd", "e\x1bf")),
    EnvCase("environment-later-wins-and-reset",
            ["Environment=A=1", "Environment=A=2 B=1", "Environment=", "Environment=C=3 C=4"],
            "${A} ${B} ${C}", ran("", "", "4")),
    EnvCase("environment-specifier", ["Environment=N=%n P=%%n"], "${N} ${P}",
            ran("stockade-env-environment-specifier.service", "%n")),
    EnvCase("no-expansion-inside-values", ['Environment=B=2 "A=$B ${B}"'], "${A} $A", ran("$B ${B}", "$B", "${B}")),
    EnvCase("invalid-names-skipped", ['Environment=1A=x "B C=y" D=ok =z E'], "${D} ${E}", ran("ok", "")),
    EnvCase("unset-environment", ["Environment=A=1 B=2 C=3 D=4", "UnsetEnvironment=A B=9 C=3"],
            "${A} ${B} ${C} ${D}", ran("", "2", "", "4")),
    EnvCase("unset-environment-beats-file", ["EnvironmentFile=" + env("unset.env"), "UnsetEnvironment=A"],
            "${A} ${B}", ran("", "2"), files={env("unset.env"): b"A=1\nB=2\n"}),
    # -- EnvironmentFile= ----------------------------------------------------------
    EnvCase("file-basic", ["EnvironmentFile=" + env("basic.env")], "${F1} ${F2} ${F3} ${F4} ${F5} ${F6}",
            ran("later-wins", "spaced", "indented", "lead and trail", "value # not a comment", "a=b=c"),
            files={env("basic.env"): b"# comment\n; comment\nF1=plain\nF2 = spaced\n  F3=indented\n"
                                     b"F4=  lead and trail   \nF5=value # not a comment\nF6=a=b=c\n"
                                     b"F1=later-wins\n"}),
    EnvCase("file-quotes", ["EnvironmentFile=" + env("quotes.env")], "${Q1} ${Q2} ${Q3} ${Q4} ${Q5} ${Q6}",
            ran('double " \\ $ ` \\n kept', 'single $X \\n "x"', "a'b'c\"d\"e", "multi\nline", "ab'c'", ""),
            files={env("quotes.env"): b'Q1="double \\" \\\\ \\$ \\` \\n kept"\nQ2=\'single $X \\n "x"\'\n'
                                      b"Q3=a'b'c\"d\"e\nQ4=\"multi\nline\"\nQ5=\"a\"b'c'\nQ6=\"\"\n"}),
    EnvCase("file-escapes-and-continuation", ["EnvironmentFile=" + env("escapes.env")],
            "${B1} ${B2} ${B3} ${B4}", ran("a b\\cd", "continued", "dq continued", "x"),
            files={env("escapes.env"): b'B1=a\\ b\\\\c\\d\nB2=cont\\\ninued\nB3="dq cont\\\ninued"\nB4=x\\\n'}),
    EnvCase("file-comment-ends-in-backslash", ["EnvironmentFile=" + env("comment.env")], "${C1} ${C2} ${C3}",
            ran("", "kept", ""), expect_257=ran("swallowed", "kept", "not-swallowed"),
            files={env("comment.env"): b"#comment \\\nC1=swallowed\nC2=kept\n;another \\\nC3=not-swallowed\n"},
            note="252 continues a comment line that ends in a backslash; 254 stopped doing so"),
    EnvCase("file-export", ["EnvironmentFile=" + env("export.env")], "${E1} ${E2}", ran("", "2"),
            files={env("export.env"): b"export E1=1\nE2=2\n"}),
    EnvCase("file-line-ends", ["EnvironmentFile=" + env("ends.env")], "${R1} ${R2} ${R3}", ran("a", "b", "c"),
            files={env("ends.env"): b"R1=a\r\nR2=b\rR3=c\n"}),
    EnvCase("file-nul-byte-required", ["EnvironmentFile=" + env("nul.env")], "${N1}", (START_FAILS, None),
            files={env("nul.env"): b"N1=a\0N2=b\nN3=c\n"}, note="read_full_stream refuses an embedded NUL"),
    EnvCase("file-nul-byte-optional", ["EnvironmentFile=-" + env("nul-optional.env"), "Environment=N1=unit"],
            "${N1} ${N3} x", ran("unit", "", "x"), files={env("nul-optional.env"): b"N1=a\0N2=b\nN3=c\n"}),
    EnvCase("file-bom", ["EnvironmentFile=" + env("bom.env")], "${B1} ${B2}", ran("", "y"),
            files={env("bom.env"): b"\xef\xbb\xbfB1=x\nB2=y\n"}),
    EnvCase("file-control-characters", ["EnvironmentFile=" + env("cc.env")], "${K1} ${K2} ${K3}",
            ran("a\x01b", "c\x7fd", "e\tf"), files={env("cc.env"): b"K1=a\x01b\nK2=c\x7fd\nK3=e\tf\n"}),
    EnvCase("file-invalid-utf8-optional", ["EnvironmentFile=-" + env("utf8.env")], "${U1} ${U2} x",
            ran("", "", "x"), files={env("utf8.env"): b"U1=ok\nU2=\xff\n"}),
    EnvCase("file-invalid-utf8-required", ["EnvironmentFile=" + env("utf8-required.env")], "${U1}",
            (START_FAILS, None), files={env("utf8-required.env"): b"U1=ok\nU2=\xff\n"}),
    EnvCase("file-invalid-utf8-harmless", ["EnvironmentFile=" + env("utf8-harmless.env")], "${V}", ran("1"),
            files={env("utf8-harmless.env"): b"# caf\xe9\nnoequals\xff\nV=1\n"},
            note="invalid UTF-8 outside a NAME=VALUE pair is never checked"),
    EnvCase("file-invalid-utf8-in-invalid-name", ["EnvironmentFile=-" + env("utf8-name.env")], "${V} x",
            ran("", "x"), files={env("utf8-name.env"): b"V=1\nA\xff B=1\n"},
            note="the pair is checked before its name is: the whole file goes"),
    EnvCase("file-is-directory-optional", ["EnvironmentFile=-" + env("dir.env"), "Environment=V=unit"], "${V}",
            ran("unit"), files={env("dir.env"): DIRECTORY}),
    EnvCase("file-is-directory-required", ["EnvironmentFile=" + env("dir-required.env")], "x",
            (START_FAILS, None), files={env("dir-required.env"): DIRECTORY}),
    EnvCase("file-dev-null-link", ["EnvironmentFile=" + env("null.env")], "${V} x", ran("", "x"),
            files={env("null.env"): Symlink("/dev/null")}),
    EnvCase("file-missing-optional", ["EnvironmentFile=-" + env("absent.env")], "ran", ran("ran")),
    EnvCase("file-missing-required", ["EnvironmentFile=" + env("absent.env")], "ran", (START_FAILS, None)),
    EnvCase("file-overrides-environment", ["EnvironmentFile=" + env("override.env"), "Environment=A=env B=env"],
            "${A} ${B}", ran("file", "env"), files={env("override.env"): b"A=file\n"}),
    EnvCase("file-glob", ["EnvironmentFile=" + env("glob-*.env")], "${G} ${H}", ran("2", "1"),
            files={env("glob-1.env"): b"G=1\nH=1\n", env("glob-2.env"): b"G=2\n"}),
    EnvCase("file-later-file-wins", ["EnvironmentFile=" + env("later-b.env"), "EnvironmentFile=" + env("later-a.env")],
            "${L}", ran("a"), files={env("later-a.env"): b"L=a\n", env("later-b.env"): b"L=b\n"}),
    EnvCase("file-reset", ["EnvironmentFile=" + env("reset.env"), "EnvironmentFile="], "${Z} x", ran("", "x"),
            files={env("reset.env"): b"Z=1\n"}),
    EnvCase("file-invalid-names", ["EnvironmentFile=" + env("names.env")], "${OK} ${OK2} ${A}",
            ran("z", "v", ""), files={env("names.env"): b"1A=x\nA-B=y\nOK=z\nnoequals\nOK2=v\nA B=c\n"}),
    EnvCase("file-value-split", ["EnvironmentFile=" + env("split.env")], "$S ${S} $S2 $S3",
            ran("a", "bc", "a bc", "x", "y z", "multi", "line"),
            files={env("split.env"): b"S='a b' c\nS2=x \"y z\"\nS3=\"multi\nline\"\n"}),
    EnvCase("file-specifier-in-path", ["EnvironmentFile=" + ENV_DIR + "%N.env"], "${P}", ran("by-unit-name"),
            files={env("stockade-env-file-specifier-in-path.env"): b"P=by-unit-name\n"}),
    EnvCase("manager-path", [], "${PATH}", ran("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            expect_257=ran("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"),
            note="the manager's own PATH: no file sets it; 257 leaves out /sbin and /bin (merged /usr)"),
    EnvCase("file-no-expansion-in-values", ["Environment=B=2", "EnvironmentFile=" + env("noexp.env")],
            "${A}", ran("$B ${B}"), files={env("noexp.env"): b"A=$B ${B}\n"}),
]
