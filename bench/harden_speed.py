# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a converged harden.yml costs per host, next to a one-task play.

    python3 bench/harden_speed.py -i INVENTORY [--runs 2]

Runs harden.yml `--runs` times (the first converges the host) and reports,
for the last (converged) run: wall time, tasks that executed a module on the
host (skipped tasks and controller-only actions such as set_fact, debug and
assert excluded), and the same figures for a one-task `ping` play over the
same connection, all from this one process run. Every module execution is a
round trip per host, so the count is what fleet-scale speed depends on.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTROLLER_ONLY = {
    "set_fact", "debug", "assert", "fail", "meta", "include_role", "import_role", "include_tasks",
    "import_tasks", "include_vars", "add_host", "group_by", "set_stats", "pause", "validate_argument_spec",
}


def run_playbook(inventory, playbook, extra=()):
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    started = time.monotonic()
    done = subprocess.run(["ansible-playbook", "-i", inventory, playbook] + list(extra), cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    # the JSON document, then whatever other enabled callbacks print (the posture matrix)
    start = done.stdout.find("\n{") + 1 if not done.stdout.startswith("{") else 0
    try:
        data = json.JSONDecoder().raw_decode(done.stdout[start:])[0]
    except ValueError:
        sys.exit("ansible-playbook printed no JSON (exit %d): %s" % (done.returncode, done.stderr[-2000:]))
    return data, elapsed, done.returncode


def task_seconds(info):
    """How long a task took, from the json callback's ISO start and end times."""
    duration = info.get("duration") or {}
    try:
        start, end = (datetime.datetime.fromisoformat(duration[k].replace("Z", "+00:00")) for k in ("start", "end"))
    except (KeyError, ValueError, AttributeError):
        return 0.0
    return (end - start).total_seconds()


def executed_tasks(data):
    """[(host, task name, action, changed, seconds)] for each task that ran a module on a host."""
    executed = []
    for play in data["plays"]:
        for task in play["tasks"]:
            info = task["task"] if isinstance(task["task"], dict) else {}
            for host, result in task["hosts"].items():
                action = result.get("action", "")  # ansible.posix.json puts it into each host's result
                if result.get("skipped") or action.split(".")[-1] in CONTROLLER_ONLY:
                    continue
                executed.append((host, info.get("name", ""), action, bool(result.get("changed")),
                                 task_seconds(info)))
    return executed


def module_executions(data):
    """{host: number of tasks that ran a module there} and {host: changed}."""
    counts, changed = {}, {}
    for host, dummy, dummy2, was_changed, dummy3 in executed_tasks(data):
        counts[host] = counts.get(host, 0) + 1
        changed[host] = changed.get(host, 0) + (1 if was_changed else 0)
    return counts, changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-i", "--inventory", required=True)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the tasks that ran a module in the last run")
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        data, elapsed, status = run_playbook(args.inventory, "harden.yml")
        counts, changed = module_executions(data)
        print("harden.yml run %d: %.1f s, exit %d, module executions %s, changed %s"
              % (run, elapsed, status, counts, changed))
    if args.list:
        for host, name, action, was_changed, seconds in executed_tasks(data):
            flag = "  (changed)" if was_changed else ""
            print("  %s %6.1f s  %-40s %s%s" % (host, seconds, action, name.split(" | ")[0], flag))
        total = sum(task_seconds(t["task"]) for play in data["plays"] for t in play["tasks"])
        module = sum(t[4] for t in executed_tasks(data))
        print("  time in tasks that ran a module: %.1f s of %.1f s in all tasks" % (module, total))
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write("- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n")
        ping = handle.name
    try:
        ping_data, ping_elapsed, dummy = run_playbook(args.inventory, ping)
    finally:
        os.unlink(ping)
    ping_counts = module_executions(ping_data)[0]
    hosts = max(len(counts), 1)
    print("%-36s %10s %22s" % ("converged run vs one-task play", "seconds", "module executions/host"))
    print("%-36s %10.1f %22.1f" % ("harden.yml (converged)", elapsed, sum(counts.values()) / hosts))
    print("%-36s %10.1f %22.1f" % ("ping play", ping_elapsed, sum(ping_counts.values()) / hosts))
    print("ratio: harden.yml takes %.1f x the one-task play" % (elapsed / ping_elapsed))


if __name__ == "__main__":
    main()
