# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many hosts a second one controller audits, next to a one-task ping.

Builds --hosts host trees (the hardened fixture of the unit tests, each a
directory of its own), an inventory with one local-connection host per tree,
and runs two plays over the same inventory with the same --forks:
  - the audit: `stockade.hardening.posture_facts` with `root` set to the
    host's tree (offline: a tree has no running engine),
  - the floor: `ansible.builtin.ping`, the cheapest task Ansible can run.
Each play runs --runs times; the median wall time gives hosts per second.

  python3 bench/fleet_speed.py                      200 hosts, forks 5 (Ansible's default) and 20
  python3 bench/fleet_speed.py --hosts 50 --forks 10
Needs the environment of scripts/setup.sh (ansible-playbook, the collection on
ANSIBLE_COLLECTIONS_PATH).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from hosttree import HARDENED, write_tree  # noqa: E402

AUDIT_PLAY = """- name: Audit every tree
  hosts: all
  gather_facts: false
  tasks:
    - name: Audit the host's tree
      stockade.hardening.posture_facts:
        root: "{{ stockade_tree }}"
        live: false
"""
PING_PLAY = """- name: Ping every host
  hosts: all
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
"""


def write_fleet(scratch, count, python):
    lines = ["[fleet]"]
    for number in range(count):
        name = "tree%03d" % number
        root = write_tree(os.path.join(scratch, "trees", name), HARDENED)
        lines.append("%s ansible_connection=local ansible_python_interpreter=%s stockade_tree=%s" % (
            name, python, root))
    inventory = os.path.join(scratch, "inventory.ini")
    with open(inventory, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    plays = {}
    for label, text in (("audit", AUDIT_PLAY), ("ping", PING_PLAY)):
        plays[label] = os.path.join(scratch, label + ".yml")
        with open(plays[label], "w") as handle:
            handle.write(text)
    return inventory, plays


def run_play(inventory, play, forks):
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="false", ANSIBLE_RETRY_FILES_ENABLED="false")
    started = time.monotonic()
    done = subprocess.run(["ansible-playbook", "-i", inventory, "--forks", str(forks), play],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (play, done.stdout.decode()[-3000:]))
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--forks", type=int, action="append",
                        help="forks to try (repeatable; default 5, Ansible's default, and 20)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default="/usr/bin/python3", help="the targets' interpreter")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stockade-fleet-") as scratch:
        inventory, plays = write_fleet(scratch, args.hosts, args.python)
        print("%d hosts (local connection, one hardened tree each), %d runs per figure, median" % (
            args.hosts, args.runs))
        print("%-6s %-28s %10s %12s" % ("forks", "play", "seconds", "hosts/second"))
        for forks in args.forks or [5, 20]:
            times = {}
            for label in ("ping", "audit"):
                times[label] = statistics.median(run_play(inventory, plays[label], forks)
                                                 for dummy in range(args.runs))
                print("%-6d %-28s %10.1f %12.1f" % (
                    forks, "posture_facts (offline audit)" if label == "audit" else "ansible.builtin.ping",
                    times[label], args.hosts / times[label]))
            print("%-6d %-28s %10.2f x" % (forks, "audit / ping", times["audit"] / times["ping"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
