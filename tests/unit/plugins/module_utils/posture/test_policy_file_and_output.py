# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""stockade-audit on bad policy files, bad --output paths and hostile text
in the report: exit 2 with a message naming the file (never a traceback or
a hang), and table, JUnit and JSON output that survive control characters,
bytes that are not UTF-8 and lone surrogates. Run through the real command
in a child process, under a time limit, with a C locale."""

import json
import os
import subprocess
import sys
from xml.etree import ElementTree

import pytest

from hosttree import HARDENED, write_tree

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
AGENT = os.path.join(REPO, "bin", "stockade-audit")


def audit(*args, timeout=60):
    done = subprocess.run([sys.executable, AGENT] + list(args), capture_output=True, timeout=timeout,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"}, check=False)
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return write_tree(tmp_path_factory.mktemp("root"), HARDENED)


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    "%s: &%s [%s]\n" % (c, c, ", ".join(["*" + p] * 9)) for p, c in zip("abcdefgh", "bcdefghi")) + "layers: *i\n"
WAIVER = "  - control: docker-userns-remap\n    justification: CI runners (TICKET-1)\n"

BAD_POLICIES = [
    # (name, file name, content, what the message says)
    ("impossible-date", "p.yml", "waivers:\n" + WAIVER + "    expires: 2027-02-30\n",
     "expires must be a date YYYY-MM-DD; 2027-02-30 is not one (day is out of range for month)"),
    ("date-with-time", "p.yml", "waivers:\n" + WAIVER + "    expires: 2027-03-31T10:00:00\n",
     "expires must be a date YYYY-MM-DD"),
    ("date-as-number", "p.yml", "waivers:\n" + WAIVER + "    expires: 20270331\n",
     "expires must be a date YYYY-MM-DD, found 20270331"),
    ("date-in-json", "p.json", json.dumps({"waivers": [{"control": "docker-userns-remap",
                                                        "justification": "x", "expires": "2027-13-01"}]}),
     "2027-13-01 is not one (month must be in 1..12)"),
    ("latin-1", "p.yml", "waivers:\n  - control: docker-userns-remap\n    justification: caf\xe9\n".encode("latin-1"),
     "not UTF-8 text (byte 64)"),
    ("utf-16", "p.yml", "layers: [seccomp]\n".encode("utf-16"), "not UTF-8 text (byte 0)"),
    ("billion-laughs", "p.yml", BILLION_LAUGHS, "line 2: YAML alias *a: aliases and merge keys are not allowed"),
    ("merge-key", "p.yml", "base: &b {control: docker-userns-remap, justification: x}\nwaivers:\n  - <<: *b\n",
     "YAML alias *b"),
    ("deep-yaml", "p.yml", "layers: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper than 20 levels"),
    ("deep-json", "p.json", "[" * 100000 + "]" * 100000, "nested deeper than 20 levels"),
    ("duplicate-key-yaml", "p.yml", "layers: [seccomp]\nrequire: []\nlayers: [selinux]\n",
     "line 3: key 'layers' is given twice"),
    ("duplicate-key-in-waiver", "p.yml", "waivers:\n" + WAIVER + "    control: host-selinux-enforcing\n",
     "line 4: key 'control' is given twice"),
    ("duplicate-key-json", "p.json", '{"layers": ["seccomp"], "layers": ["selinux"]}',
     'key "layers" is given twice'),
    ("two-waivers-one-control", "p.yml", "waivers:\n" + WAIVER + WAIVER,
     "waiver 2 (docker-userns-remap): a second waiver for the same control"),
    ("nan-json", "p.json", '{"layers": NaN}', "NaN is not a JSON number"),
    ("number-key", "p.yml", "1: x\nlayers: [seccomp]\n", "unknown key(s) 1"),
    ("boolean-key", "p.yml", "on: x\n", "unknown key(s) True"),
    ("bad-yaml", "p.yml", "layers: [seccomp\n", "invalid YAML"),
    # PyYAML's reader refuses these before parsing (yaml.reader.ReaderError), in a string or not
    ("nul-yaml", "p.yml", "layers: [seccomp]\nrequire: [a\x00b]\n",
     "line 2, column 12: control character U+0000, which YAML does not allow"),
    ("escape-in-a-string-yaml", "p.yml", "layers: [seccomp]\r\nrequire:\r\n  - \"x\x1by\"\r\n",
     "line 3, column 7: control character U+001B"),
    ("escape-in-a-comment-yaml", "p.yml", "# \x07\nlayers: [seccomp]\n", "line 1, column 3: control character U+0007"),
    ("control-character-json", "p.json", '{"layers": ["sec\x01comp"]}', "invalid JSON"),
]


@pytest.mark.parametrize("name, filename, content, message", BAD_POLICIES, ids=[p[0] for p in BAD_POLICIES])
def test_bad_policy_is_a_usage_error_naming_the_file(tmp_path, tree, name, filename, content, message):
    path = tmp_path / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    status, out, err = audit("--root", tree, "--offline", "--policy", str(path))
    assert (status, out) == (2, b""), err
    assert "Traceback" not in err
    assert err.startswith("stockade-audit: error: %s: " % path), err
    assert message in err


def test_policy_that_is_a_fifo_is_refused_without_blocking(tmp_path, tree):
    path = tmp_path / "policy.yml"
    os.mkfifo(str(path))
    status, dummy, err = audit("--root", tree, "--offline", "--policy", str(path), timeout=20)
    assert status == 2 and "%s: cannot read: is a named pipe (FIFO)" % path in err


def test_policy_that_is_too_large_is_refused(tmp_path, tree):
    path = tmp_path / "policy.json"
    with open(str(path), "wb") as handle:
        handle.truncate(2 << 30)
    status, dummy, err = audit("--root", tree, "--offline", "--policy", str(path))
    assert status == 2 and "larger than the 8 MiB" in err


def test_policy_that_is_a_directory_is_refused(tmp_path, tree):
    status, dummy, err = audit("--root", tree, "--offline", "--policy", str(tmp_path))
    assert status == 2 and "%s: cannot read: is a directory" % tmp_path in err


def test_a_good_yaml_policy_with_a_date_still_works(tmp_path, tree):
    path = tmp_path / "policy.yml"
    path.write_text("waivers:\n" + WAIVER + "    expires: 2999-03-31\n")
    status, out, err = audit("--root", tree, "--offline", "--policy", str(path), "--format", "json")
    assert status == 0, err
    assert json.loads(out)["policy"]["waived"] == ["docker-userns-remap"]


@pytest.mark.parametrize("where", ["missing-directory", "a-directory"])
def test_output_that_cannot_be_written_is_a_usage_error_before_the_audit(tmp_path, tree, where):
    target = tmp_path / "nowhere" / "report.json" if where == "missing-directory" else tmp_path
    status, out, err = audit("--root", tree, "--offline", "--output", str(target))
    assert (status, out) == (2, b""), err
    assert "Traceback" not in err and str(target) in err
    assert ("does not exist" if where == "missing-directory" else "is a directory") in err


# -- hostile text in the report -------------------------------------------------
NASTY_NAME = b"99-\xff\x1b[31mred\x07.conf"     # not UTF-8, an escape sequence, a bell
NASTY_PROFILE = "/etc/x\ud800\u001b]0;pwned\u0007\u0085.json"   # a lone surrogate, OSC, NEL


@pytest.fixture(scope="module")
def nasty_tree(tmp_path_factory):
    daemon = dict(HARDENED["etc/docker/daemon.json"], **{"seccomp-profile": NASTY_PROFILE})
    root = write_tree(tmp_path_factory.mktemp("nasty"), HARDENED, {"etc/docker/daemon.json": daemon})
    os.mkfifo(os.path.join(root.encode(), b"etc/sysctl.d/" + NASTY_NAME))
    return root


def _no_raw_controls(text):
    return not any(ord(c) < 0x20 and c not in "\n" or 0x7f <= ord(c) <= 0x9f or 0xd800 <= ord(c) <= 0xdfff
                   for c in text)


def test_table_output_escapes_what_a_terminal_would_obey(nasty_tree):
    status, out, err = audit("--root", nasty_tree, "--offline", "--format", "table")
    assert status == 1 and "Traceback" not in err, err
    text = out.decode("utf-8")            # valid UTF-8 whatever the locale
    assert _no_raw_controls(text)
    assert "/etc/sysctl.d/99-\\xff\\x1b[31mred\\x07.conf: is a named pipe (FIFO)" in text
    assert "/etc/x\\ud800\\x1b]0;pwned\\x07\\x85.json" in text


def test_junit_output_is_well_formed_xml(nasty_tree):
    status, out, err = audit("--root", nasty_tree, "--offline", "--format", "junit")
    assert status == 1 and "Traceback" not in err, err
    suites = ElementTree.fromstring(out)
    errors = [e.text for e in suites.iter("error")]
    assert any("99-\\xff\\x1b[31mred\\x07.conf" in text for text in errors)
    assert any("\\ud800" in text for text in errors)


def test_json_output_is_ascii_and_keeps_the_exact_text(nasty_tree, tmp_path):
    target = tmp_path / "report.json"
    status, out, err = audit("--root", nasty_tree, "--offline", "--format", "json", "--output", str(target))
    assert status == 1 and out == b"" and "Traceback" not in err, err
    data = target.read_bytes()
    assert max(data) < 0x80
    evidence = [line for entry in json.loads(data)["controls"] for line in entry["evidence"]]
    assert any(NASTY_NAME.decode("utf-8", "surrogateescape") in line for line in evidence)
    assert any(NASTY_PROFILE in line for line in evidence)


def test_sarif_output_is_ascii_json(nasty_tree):
    status, out, err = audit("--root", nasty_tree, "--offline", "--format", "sarif")
    assert status == 1 and "Traceback" not in err, err
    assert max(out) < 0x80
    uris = [location["physicalLocation"]["artifactLocation"]["uri"]
            for result in json.loads(out)["runs"][0]["results"] for location in result.get("locations", [])]
    assert "etc/sysctl.d/99-%FF%1B%5B31mred%07.conf" in uris   # the file's own bytes
