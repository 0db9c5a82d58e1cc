# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""subid_ranges takes shadow's lock: raced against a loop of real useradd and
userdel, no subid entry is lost, and every run of either succeeds
(useradd_race.py says how). It all happens in a private mount namespace over
a copy of /etc; the machine's own /etc is checked to be untouched.

Without the lock (`useradd_race.py ROUNDS SCRATCH --no-lock`, run by hand)
the same race loses most of the module's entries: 31 of 40 users lost their
/etc/subuid line on this machine (2026-12-07)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "useradd_race.py")
ROUNDS = 30
WATCHED = ("passwd", "group", "shadow", "gshadow", "subuid", "subgid")
RACE = {}


def real_etc():
    """Hashes of the machine's account files and the lock files in /etc (none may appear)."""
    state = {}
    for name in WATCHED:
        path = os.path.join("/etc", name)
        if os.path.exists(path):
            with open(path, "rb") as handle:
                state[name] = hashlib.sha256(handle.read()).hexdigest()
    state["locks"] = sorted(n for n in os.listdir("/etc") if n.endswith(".lock") and n != ".pwd.lock")
    return state


def test_no_subid_entry_is_lost_racing_useradd_and_userdel():
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("unshare"):
        pytest.skip("needs root, shadow's useradd and unshare (a private mount namespace over a copy of /etc)")
    before = real_etc()
    scratch = tempfile.mkdtemp(prefix="stockade-race-")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, DRIVER, str(ROUNDS),
                               scratch], capture_output=True, env=environment, timeout=900, check=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert real_etc() == before, "the machine's /etc changed"
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
    summary = RACE["subid_ranges vs useradd/userdel"] = json.loads(done.stdout)
    assert summary["failed_tools"] == [] and summary["failed_modules"] == [], summary["module_output_tail"]
    assert summary["useradd_ok"] == ROUNDS and summary["module_ok"] == ROUNDS
    assert summary["lost"] == [] and summary["deleted_user_lines_left"] == [] and summary["doubled"] == []
