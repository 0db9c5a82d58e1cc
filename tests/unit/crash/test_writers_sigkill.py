# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every writer (the modules, the subid pair repair, engine_restart's
rollback, the agent's report), SIGKILLed at 100 random moments, leaves each
file it manages old or new, never a truncated backup under a backup's name,
and a re-run cleans up after it and reaches the state of an uninterrupted run
(sigkill_driver.py says how). Each writer's driver runs in its own process
and private mount namespace; the figures are printed at the end of the
session."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "sigkill_driver.py")
KILLS = 100
SEED = int(os.environ.get("STOCKADE_SIGKILL_SEED", "20261129"))
WRITERS = ("docker_daemon_config", "config_dropins", "seccomp_profile", "subid_ranges", "subid_pair_repair",
           "engine_restart_rollback", "agent_report")
SUMMARIES = {}


def run_driver(writer):
    """The driver's summary for `writer`, run in its own private mount namespace."""
    scratch = tempfile.mkdtemp(prefix="stockade-sigkill-")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, DRIVER, writer,
                               str(KILLS), str(SEED), scratch],
                              capture_output=True, env=environment, timeout=900, check=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {"problems": ["the driver failed: %s" % done.stderr.decode("utf-8", "replace")[-3000:]]}


@pytest.mark.parametrize("writer", WRITERS)
def test_sigkill_leaves_old_or_new_and_a_rerun_cleans_up(writer):
    if os.geteuid() != 0:
        pytest.skip("the SIGKILL loop needs root (a private mount namespace for /etc/subuid)")
    summary = SUMMARIES[writer] = run_driver(writer)
    assert summary["problems"] == []
    assert summary["kills"] >= KILLS
    # the kills reached the writing itself, not only the planning before it
    assert summary["left_temporaries"] > 0, summary
    assert any(":new" in state for state in summary["states"]), summary
