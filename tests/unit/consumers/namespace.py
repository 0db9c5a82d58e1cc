# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a real consumer (libselinux, systemd-sysctl, shadow's getsubids) on
test inputs placed at the paths it really reads, without touching this
machine's own files: a child process in a private mount namespace
(`unshare -m`, root only) mounts tmpfs or bind mounts over those paths, and
everything vanishes with the namespace when the child exits."""

import json
import os
import subprocess
import sys

import pytest

TIMEOUT_S = 120


def run_in_namespace(script, payload):
    """Run Python `script` (reading json `PAYLOAD`) in a private mount namespace;
    returns the JSON it prints."""
    if os.geteuid() != 0:
        pytest.fail("the differential tests against real consumers need root (unshare -m)")
    prelude = ("import json, os, subprocess, sys\nPAYLOAD = json.loads(sys.argv[1])\n"
               "sys.path.insert(0, %r)\n" % os.path.dirname(os.path.abspath(__file__)))
    completed = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, "-c", prelude + script,
         json.dumps(payload)],
        capture_output=True, timeout=TIMEOUT_S, check=False)
    if completed.returncode != 0:
        pytest.fail("consumer run failed (%d): %s" % (completed.returncode,
                                                      completed.stderr.decode("utf-8", "replace")[-3000:]))
    return json.loads(completed.stdout.decode("utf-8"))
