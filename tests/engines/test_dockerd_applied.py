# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What dockerd 20.10 really applies for each flag and daemon.json form of
tests/unit/consumers/dockerd_applied_cases.py, read inside a container, and
posture.docker_daemon reads the same values.

One private dockerd per configuration (started and stopped by the pid in
its own pid file, see engine_helpers.DockerDaemon; three at a time), one
container in each:
the container prints NoNewPrivs from /proc/self/status and the name of its
PID 1 (docker-init when dockerd's `init` is on, else the shell itself)."""

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine_helpers import IMAGE, TIMINGS

HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (os.path.join(HERE, os.pardir, "unit", "consumers"),
              os.path.join(HERE, os.pardir, "unit", "plugins", "module_utils", "posture")):
    sys.path.insert(0, os.path.abspath(_path))

from applied_reader import reader_applied  # noqa: E402
from dockerd_applied_cases import CASES  # noqa: E402

PARALLEL = 3
INSIDE = ('read -r pid1 < /proc/1/comm; while read -r key value; do [ "$key" = NoNewPrivs: ] && nnp=$value; '
          'done < /proc/self/status; echo "$nnp $pid1"')


def _applied(output):
    nnp, pid1 = output.split()
    assert nnp in ("0", "1") and pid1 in ("sh", "docker-init"), output
    return {"no-new-privileges": nnp == "1", "init": pid1 == "docker-init"}


@pytest.fixture(scope="module")
def applied(start_dockerd):
    """{case id: values seen inside its container}; a few dockerds at a
    time (each waits mostly on its containerd and its shutdown)."""
    def run(numbered):
        number, case = numbered
        with start_dockerd("applied-%d" % number, case.config, case.flags) as daemon:
            return case.id, _applied(daemon.run_container(IMAGE, "/bin/sh", "-c", INSIDE).stdout)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        seen = dict(pool.map(run, enumerate(CASES)))
    TIMINGS["%d dockerd configurations, one container each" % len(CASES)] = time.monotonic() - started
    return seen


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_dockerd_applies_as_recorded(case, applied, tmp_path):
    assert applied[case.id] == case.applied
    assert reader_applied(tmp_path, case) == applied[case.id]
