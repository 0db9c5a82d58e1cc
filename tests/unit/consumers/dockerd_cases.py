# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""daemon.json contents and dockerd command lines, each with whether the
real dockerd starts with it.

Verdicts taken on this machine: dockerd 20.10.24 (Debian 12's docker.io)
started for real with a private data root, exec root, socket and pid file
(it accepted when it wrote its pid file, which it does right after reading
its configuration; refused when it exited), and dockerd 26.1.5 (Debian 13's
docker.io, unpacked by scripts/debian13-consumers.sh) with `--validate`.
tests/engines/test_dockerd_consumer.py re-takes every verdict from both;
tests/unit/consumers/test_dockerd_readers.py holds posture.daemon_json and
posture.dockerd_flags to them.
"""

ACCEPT, REFUSE = "accept", "refuse"


class DockerdCase:
    def __init__(self, id, config, flags=(), v20=ACCEPT, v26=None, note=""):
        self.id = id
        self.config = config          # bytes of daemon.json
        self.flags = list(flags)      # extra dockerd flags
        self.verdicts = {"20.10": v20, "26.1": v26 or v20}
        self.note = note

    def __repr__(self):
        return "DockerdCase(%s)" % self.id


CASES = [
    DockerdCase("json-plain", b'{"no-new-privileges": true}'),
    DockerdCase("json-nan", b'{"no-new-privileges": true, "mtu": NaN}', v20=REFUSE),
    DockerdCase("json-infinity", b'{"mtu": Infinity}', v20=REFUSE),
    DockerdCase("json-1e400", b'{"mtu": 1e400}', v20=REFUSE),
    DockerdCase("json-bom", b'\xef\xbb\xbf{"no-new-privileges": true}', v20=REFUSE, v26=ACCEPT,
                note="26.1 drops a UTF-8 byte order mark"),
    DockerdCase("json-utf16-bom", '{"no-new-privileges": true}'.encode("utf-16"), v20=REFUSE, v26=ACCEPT),
    DockerdCase("json-empty", b"", v20=REFUSE, v26=ACCEPT, note='20.10: "EOF"'),
    DockerdCase("json-blank", b" \n\t", v20=REFUSE, v26=ACCEPT),
    DockerdCase("json-null", b"null"),
    DockerdCase("json-array", b"[]", v20=REFUSE),
    DockerdCase("json-trailing-data", b'{"debug": true} trailing', v20=ACCEPT, v26=REFUSE),
    DockerdCase("json-two-objects", b'{"debug": true}{"debug": false}', v20=ACCEPT, v26=REFUSE),
    DockerdCase("json-trailing-comma", b'{"debug": true,}', v20=REFUSE),
    DockerdCase("json-comment", b'// hardened\n{"debug": true}', v20=REFUSE),
    DockerdCase("json-single-quotes", b"{'debug': true}", v20=REFUSE),
    DockerdCase("json-leading-zero", b'{"mtu": 01500}', v20=REFUSE),
    DockerdCase("json-duplicate-key", b'{"icc": true, "icc": false}'),
    DockerdCase("json-invalid-utf8-in-string", b'{"labels": ["a=\xff"]}', v20=ACCEPT, v26=REFUSE),
    DockerdCase("json-unknown-key", b'{"no-new-privilege": true}', v20=REFUSE,
                note="the following directives don't match any configuration option"),
    DockerdCase("json-key-case", b'{"No-New-Privileges": true}', v20=REFUSE),
    DockerdCase("json-flag-name-as-key", b'{"label": ["a=b"]}',
                note="a flag name is a known key even where the option is called labels"),
    DockerdCase("json-bool-as-string", b'{"no-new-privileges": "true"}', v20=REFUSE),
    DockerdCase("json-bool-as-number", b'{"no-new-privileges": 1}', v20=REFUSE),
    DockerdCase("json-bool-null", b'{"no-new-privileges": null}'),
    DockerdCase("json-nested-known-key", b'{"x": {"no-new-privileges": true}}',
                note="one level is flattened: the unknown outer key is not checked"),
    DockerdCase("json-nested-unknown-key", b'{"x": {"y": true}}', v20=REFUSE),
    DockerdCase("json-deep-nesting", b'{"log-opts": ' + b"[" * 200 + b"]" * 200 + b"}", v20=REFUSE),
    DockerdCase("json-int-with-fraction", b'{"mtu": 1500.5}', v20=REFUSE),
    DockerdCase("json-string-for-list", b'{"labels": "a=b"}', v20=REFUSE),
    DockerdCase("json-graph-key", b'{"graph": "/var/lib/docker"}', v20=ACCEPT, v26=REFUSE,
                note="the graph option was removed in 23.0"),
    DockerdCase("json-conflict-with-flag", b'{"debug": true}', flags=["--debug"], v20=REFUSE),
    DockerdCase("json-runtimes-with-flag", b'{"runtimes": {"a": {"path": "/bin/true"}}}',
                flags=["--add-runtime", "b=/bin/true"], note="runtimes are merged, not a conflict"),
    DockerdCase("flag-bool-zero", b"{}", flags=["--no-new-privileges=0"]),
    DockerdCase("flag-bool-F", b"{}", flags=["--selinux-enabled=F"]),
    DockerdCase("flag-bool-t", b"{}", flags=["--no-new-privileges=t"]),
    DockerdCase("flag-bool-TRUE", b"{}", flags=["--no-new-privileges=TRUE"]),
    DockerdCase("flag-bool-yes", b"{}", flags=["--no-new-privileges=yes"], v20=REFUSE),
    DockerdCase("flag-bool-tRUE", b"{}", flags=["--no-new-privileges=tRUE"], v20=REFUSE),
    DockerdCase("flag-bool-empty", b"{}", flags=["--no-new-privileges="], v20=REFUSE),
    DockerdCase("flag-bool-space-false", b"{}", flags=["--no-new-privileges", "false"], v20=REFUSE,
                note="`false` is a positional argument: dockerd accepts none"),
    DockerdCase("flag-unknown", b"{}", flags=["--no-new-privilege"], v20=REFUSE),
    DockerdCase("flag-empty-word", b"{}", flags=["--no-new-privileges", ""], v20=REFUSE,
                note="an empty argument (systemd's ${UNSET}) is a positional argument"),
    DockerdCase("flag-triple-dash", b"{}", flags=["---debug"], v20=REFUSE),
    DockerdCase("flag-double-dash-then-word", b"{}", flags=["--", "--debug"], v20=REFUSE),
    DockerdCase("flag-short-combined", b"{}", flags=["-Dl", "debug"]),
    DockerdCase("flag-short-equals", b"{}", flags=["-D=false"]),
    DockerdCase("flag-value-takes-next-flag", b"{}", flags=["--seccomp-profile", "--no-new-privileges"],
                note="seccomp-profile is '--no-new-privileges' and NNP stays unset (20.10 starts; the "
                     "profile file is only opened when a container starts)"),
    DockerdCase("flag-repeated-last-wins", b"{}", flags=["--icc=false", "--icc=true"]),
    DockerdCase("flag-int-invalid", b"{}", flags=["--mtu=abc"], v20=REFUSE),
    DockerdCase("flag-validate-only-26", b"{}", flags=["--http-proxy=http://p"], v20=REFUSE, v26=ACCEPT),
    DockerdCase("flag-oom-score-adjust-only-20", b"{}", flags=["--oom-score-adjust=-500"], v20=ACCEPT, v26=REFUSE,
                note="removed in 24.0"),
]
