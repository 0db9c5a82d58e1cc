# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How fast is the posture audit, next to the floor of just reading its files?

Times (median of --repeat runs, in one process run so the figures compare):
  - the full audit of a fixture tree (the hardened host of the unit tests),
  - the offline audit of / (files only),
  - the live audit of / (files plus the engines' info/ps/inspect),
  - the floor: opening and reading exactly the files the audit read,
  - the agent as a command (process start, imports, audit, rendering).
Prints a table with each figure as a ratio to the floor.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "plugins"))
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from hosttree import HARDENED, write_tree  # noqa: E402
from module_utils.posture.audit import run_audit  # noqa: E402
from module_utils.posture.context import AuditContext  # noqa: E402
from module_utils.posture.catalogue import all_controls  # noqa: E402


def median_seconds(action, repeat):
    samples = []
    for dummy in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def files_read_by_audit(root):
    """The paths one audit opens (from the engine's read cache)."""
    ctx = AuditContext(root, live_mode=False, machine="x86_64")
    for control in all_controls():
        if control.engine == "host" or ctx.engine_binary(control.engine):
            try:
                control.check(ctx)
            except Exception:  # errors are part of a normal audit; only the reads matter here
                pass
    return ctx.host.files_read()


def read_all(paths):
    for path in paths:
        with open(path, "rb") as handle:
            handle.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tree = write_tree(os.path.join(scratch, "root"), HARDENED)
        rows = []
        tree_files = files_read_by_audit(tree)
        host_files = files_read_by_audit("/")
        floor_tree = median_seconds(lambda: read_all(tree_files), args.repeat)
        floor_host = median_seconds(lambda: read_all(host_files), args.repeat)
        rows.append(("read the tree's %d files (floor)" % len(tree_files), floor_tree, floor_tree))
        rows.append(("audit of the fixture tree", median_seconds(
            lambda: run_audit(tree, machine="x86_64"), args.repeat), floor_tree))
        rows.append(("read /'s %d files (floor)" % len(host_files), floor_host, floor_host))
        rows.append(("audit of / offline", median_seconds(
            lambda: run_audit("/", live=False), args.repeat), floor_host))
        rows.append(("audit of / live (engines asked)", median_seconds(
            lambda: run_audit("/", live="auto"), max(3, args.repeat // 4)), floor_host))
        agent = [os.path.join(REPO, "bin", "stockade-audit"), "--offline", "--format", "json"]
        rows.append(("stockade-audit --offline (whole process)", median_seconds(
            lambda: subprocess.run(agent, stdout=subprocess.DEVNULL, check=False),
            max(3, args.repeat // 4)), floor_host))
    print("%-44s %12s %14s" % ("what (median of runs)", "milliseconds", "x its floor"))
    for label, seconds, floor in rows:
        print("%-44s %12.2f %14.1f" % (label, seconds * 1000, seconds / floor))


if __name__ == "__main__":
    main()
