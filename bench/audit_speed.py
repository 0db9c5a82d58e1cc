# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How fast is the posture audit, next to the floor of just reading its files?

Times (median of --repeat runs, in one process run so the figures compare):
  - the full audit of a fixture tree (the hardened host of the unit tests),
  - the offline audit of / (files only),
  - the live audit of / as it asks engines now (dockerd's API socket, one
    podman call, both at once), and as it asked them before (the six CLI
    start-ups of docker/podman info, ps and inspect, one after the other),
  - the floor: opening and reading exactly the files the audit read,
  - the agent as a command, offline and live (process start, imports, audit,
    rendering): the live/offline ratio is what a user waits for the engines.
Prints a table with each figure as a ratio to the floor, then the ratios
between the live ways. Engines are found as the audit finds them (DOCKER_HOST,
CONTAINERS_STORAGE_CONF, ...): start some containers first for a live figure.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future
from unittest import mock

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "plugins"))
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from hosttree import HARDENED, write_tree  # noqa: E402
from module_utils.posture.audit import run_audit  # noqa: E402
from module_utils.posture.context import AuditContext, remembered  # noqa: E402
from module_utils.posture.catalogue import all_controls  # noqa: E402
from module_utils.posture.engines import live  # noqa: E402


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


def _cli_query(host, name):
    """How the audit asked an engine before it used dockerd's socket: the
    engine's own CLI, three start-ups (info, ps, inspect), as in live.py at
    commit 6d18fd8."""
    binary = shutil.which(name)
    if binary is None:
        return live.LiveEngine(name, reason="the %s command is not on PATH" % name)

    def run(argv):
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20, check=False)
        if done.returncode:
            raise RuntimeError(done.stderr.decode("utf-8", "replace").strip())
        return done.stdout.decode("utf-8", "replace")
    try:
        info = json.loads(run([binary, "info", "--format", "{{json .}}" if name == "docker" else "json"]))
        ids = run([binary, "ps", "-q", "--no-trunc"]).split()
        raw = json.loads(run([binary, "inspect", "--type", "container"] + ids)) if ids else []
    except (RuntimeError, OSError, ValueError) as exc:
        return live.LiveEngine(name, reason=str(exc))
    return live.LiveEngine(name, info=info, containers=live._containers(host, raw, name))


def _asked_one_after_the_other(ctx):
    """Before, each engine was asked when its first control needed it, one after the other."""
    asked = {}
    for engine in ("docker", "podman"):
        if ctx.engine_binary(engine):
            done = Future()
            done.set_result(_cli_query(ctx.host, engine))
            asked[engine] = done
    return asked


def live_audit_the_old_way():
    with mock.patch.object(AuditContext, "start_live_queries", remembered(_asked_one_after_the_other)):
        return run_audit("/", live="auto")


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
        live_now = median_seconds(lambda: run_audit("/", live="auto"), max(3, args.repeat // 4))
        live_before = median_seconds(live_audit_the_old_way, max(3, args.repeat // 4))
        rows.append(("audit of / live (API socket, one podman call)", live_now, floor_host))
        rows.append(("audit of / live as before (6 CLI start-ups)", live_before, floor_host))
        agent = [os.path.join(REPO, "bin", "stockade-audit"), "--format", "json"]
        offline_process = median_seconds(
            lambda: subprocess.run(agent + ["--offline"], stdout=subprocess.DEVNULL, check=False),
            max(3, args.repeat // 4))
        live_process = median_seconds(lambda: subprocess.run(agent, stdout=subprocess.DEVNULL, check=False),
                                      max(3, args.repeat // 4))
        rows.append(("stockade-audit --offline (whole process)", offline_process, floor_host))
        rows.append(("stockade-audit live (whole process)", live_process, floor_host))
        report = run_audit("/", live="auto")
    print("%-46s %12s %14s" % ("what (median of runs)", "milliseconds", "x its floor"))
    for label, seconds, floor in rows:
        print("%-46s %12.2f %14.1f" % (label, seconds * 1000, seconds / floor))
    print()
    for engine, info in report["engines"].items():
        if info["installed"]:
            print("%s: %s" % (engine, info["live_source"] or info["live_reason"]) +
                  (", %d running containers" % info["running_containers"] if info["live"] else ""))
    print("live audit, before / now:              %6.1f x" % (live_before / live_now))
    print("agent live / agent offline (process):  %6.2f x" % (live_process / offline_process))


if __name__ == "__main__":
    main()
