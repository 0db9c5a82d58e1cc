# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd as PID 1 (the lab guest) expands ExecStart= variables and reads
Environment=, EnvironmentFile= and UnsetEnvironment= as recorded in
tests/unit/consumers/systemd_env_cases.py, and posture.systemd_units reads
every case the same way.

One ssh call does it all: it unpacks every case (a Type=oneshot unit under
/run/systemd/system whose ExecStart= runs a link to one script that writes
its argv, NUL-separated, to /run/stockade-argv/CASE; the environment files),
runs one `systemctl daemon-reload`, starts all units with one `systemctl
start`, prints each unit's result and a tar of the argv files, and removes
what it installed. No reboot. Cost: one ssh session (its time is printed,
with the reload's and the start's): measured on the shared 2-core host
under TCG at load 11-16, 60-85 s on the Debian 12 guest (252) and 88 s on
the Debian 13 guest (257; 234 s once, right after a slow boot). Run it on
either guest (`lab/vm.sh start NAME [trixie]`); verdicts are compared by
version. In the lab stage it runs on both stock guests (tests/lab/stock).
"""

import base64
import io
import os
import sys
import tarfile
import time

import pytest

TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir)
for _path in (os.path.join(TESTS, "unit", "consumers"),
              os.path.join(TESTS, "unit", "plugins", "module_utils", "posture")):
    sys.path.insert(0, os.path.abspath(_path))

from env_reader import reader_verdict, write_case  # noqa: E402
from hosttree import DIRECTORY, Symlink  # noqa: E402
from systemd_env_cases import ARGV_BIN, CASES, ENV_DIR, RAN, START_FAILS, UNIT_DIR  # noqa: E402

ARGV_DIR = "/run/stockade-argv"
ARGV_SCRIPT = b"#!/bin/sh\nprintf '%%s\\0' \"$#\" \"$@\" > %s/\"${0##*/}\"\n" % ARGV_DIR.encode()
SCRIPT_NAME = "argv.sh"
MARK = "=== stockade "


def _payload():
    """A tar (base64) of the script, one link to it per case, and every case's files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        def add(path, data, mode=0o644):
            info = tarfile.TarInfo(path)
            info.mode = mode
            if isinstance(data, Symlink):
                info.type, info.linkname = tarfile.SYMTYPE, data.target
            elif data is DIRECTORY:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            else:
                info.size = len(data)
            tar.addfile(info, None if info.type in (tarfile.SYMTYPE, tarfile.DIRTYPE) else io.BytesIO(data))
        add(ARGV_BIN[1:] + SCRIPT_NAME, ARGV_SCRIPT, mode=0o755)
        for case in CASES:
            add(case.script[1:], Symlink(SCRIPT_NAME))
            for path, data in sorted(case.tree().items()):
                add(path, data)
    return base64.b64encode(buffer.getvalue()).decode()


def _session_script():
    units = " ".join(case.unit for case in CASES)
    return "\n".join((
        "set -e",
        "rm -rf %s && mkdir -p %s" % (ARGV_DIR, ARGV_DIR),
        "echo %s | base64 -d | tar xz --no-same-owner -C /" % _payload(),
        "echo \"%stimes\"; date +%%s.%%N" % MARK,
        "systemctl daemon-reload",
        "date +%s.%N",
        "systemctl start %s > /dev/null 2>&1 || true" % units,
        "date +%s.%N",
        "echo '%sversion'; systemctl --version | head -n 1" % MARK,
        "echo '%sshow'; systemctl show -p Id -p Result -p DropInPaths %s" % (MARK, units),
        "echo '%sargv'; tar c -C %s . | base64 -w0; echo" % (MARK, ARGV_DIR),
        "rm -rf %s %s %s %s" % (ARGV_DIR, ARGV_BIN, ENV_DIR, " ".join(UNIT_DIR + c.unit for c in CASES)),
    ))


def _sections(output):
    sections = {}
    name = None
    for line in output.splitlines():
        if line.startswith(MARK):
            name = line[len(MARK):]
            sections[name] = []
        elif name is not None:
            sections[name].append(line)
    return sections


def _argv_files(encoded):
    """{case id: argv after argv[0]} from the tar of the argv directory."""
    found = {}
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(encoded))) as tar:
        for member in tar.getmembers():
            if member.isfile():
                words = tar.extractfile(member).read().split(b"\0")[:-1]
                assert len(words) == int(words[0]) + 1, member.name
                found[os.path.basename(member.name)] = [w.decode("utf-8", "surrogateescape") for w in words[1:]]
    return found


def _units(lines):
    units, current = {}, {}
    for line in lines + [""]:
        if not line:
            if current:
                units[current["Id"]] = current
            current = {}
            continue
        key, dummy, value = line.partition("=")
        current[key] = value
    return units


class GuestRun:
    def __init__(self, output, seconds):
        self.seconds = seconds
        sections = _sections(output)
        self.version_line = sections["version"][0]
        self.version = int(self.version_line.split()[1])
        before, reloaded, started = (float(t) for t in sections["times"])
        self.reload_seconds, self.start_seconds = reloaded - before, started - reloaded
        self.units = _units(sections["show"])
        self.argv = _argv_files(sections["argv"][0])

    def verdict(self, case):
        if case.id in self.argv:
            return RAN, self.argv[case.id]
        if self.units[case.unit]["Result"] != "success":
            return START_FAILS, None
        return "no argv and Result=success", None


@pytest.fixture(scope="module")
def guest_run(guest):
    started = time.monotonic()
    done = guest(_session_script(), timeout=900)
    run = GuestRun(done.stdout, time.monotonic() - started)
    print("\n%s in the guest: %d units installed, reloaded, started and read back in one ssh call, %.1f s "
          "(daemon-reload %.1f s, systemctl start %.1f s)"
          % (run.version_line, len(CASES), run.seconds, run.reload_seconds, run.start_seconds))
    return run


def test_only_our_files_took_part(guest_run):
    """No drop-in of the guest's (service.d, ...) joined in: the case's own
    files are all that the reader is given."""
    assert {case.unit: guest_run.units[case.unit]["DropInPaths"] for case in CASES} == {
        case.unit: "" for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_systemd_runs_the_case_as_recorded(case, guest_run, tmp_path):
    seen = guest_run.verdict(case)
    assert seen == case.expected(guest_run.version)
    assert reader_verdict(write_case(tmp_path, case, guest_run.version), case) == seen
