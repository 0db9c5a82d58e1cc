# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How long the subordinate-id controls take on a host with a huge
/etc/subuid and /etc/subgid (issue 9: 10k lines took 61 s when the overlap
check compared every pair).

Builds the hardened fixture tree with --lines ranges in each file (one
65536-long range per owner, a few overlapping pairs and real ids inside so
every check has work to do), then times, median of --repeat runs:
  - read + check: read_ranges and problems() on both files,
  - the two subid controls through a fresh audit context, as the audit runs them,
  - the whole offline audit of the tree (every control).
The target is the whole audit under 1 s for 100k lines on the CI machine;
both wall and CPU seconds are printed (the machine is shared).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "plugins"))
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from hosttree import HARDENED, write_tree  # noqa: E402
from module_utils.posture.audit import run_audit  # noqa: E402
from module_utils.posture.catalogue import all_controls  # noqa: E402
from module_utils.posture.context import AuditContext  # noqa: E402
from module_utils.posture.readers.hostfs import HostRoot  # noqa: E402
from module_utils.posture.readers.subids import problems, read_ids, read_ranges  # noqa: E402


def big_subid_file(lines):
    """dockremap and containers first (as in the fixture), then `lines` other
    owners; every 997th range overlaps its neighbour."""
    out = ["dockremap:100000:65536", "containers:165536:65536"]
    start = 300000
    for index in range(lines - 2):
        count = 40000    # 100k ranges of 40000 ids still fit in the 32-bit id space
        if index % 997 == 0:
            start -= 10
        out.append("user%d:%d:%d" % (index, start, count))
        start += count
    return "\n".join(out) + "\n"


def median_seconds(action, repeat):
    """(median wall seconds, median CPU seconds of this process): on a shared
    machine the CPU time is what the run costs, the wall time what it waited."""
    walls, cpus = [], []
    for dummy in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = big_subid_file(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(tmp, HARDENED, {"etc/subuid": text, "etc/subgid": text,
                                          "etc/passwd": HARDENED["etc/passwd"] + "u:x:1000:1000::/:/bin/sh\n"})
        subid_controls = [c for c in all_controls() if c.id.endswith("-userns-subids")]

        def read_and_check():
            host = HostRoot(root)
            users = read_ids(host, "/etc/passwd")
            for path in ("/etc/subuid", "/etc/subgid"):
                problems(read_ranges(host, path), users, ["dockremap", "containers"], users)

        def controls():
            ctx = AuditContext(root, live_mode=False, machine="x86_64")
            for control in subid_controls:
                control.check(ctx)

        figures = [
            ("read + check both files", median_seconds(read_and_check, args.repeat)),
            ("the two subid controls", median_seconds(controls, args.repeat)),
            ("whole offline audit", median_seconds(lambda: run_audit(root, machine="x86_64"), args.repeat)),
        ]
        found = len(problems(read_ranges(HostRoot(root), "/etc/subuid"),
                             read_ids(HostRoot(root), "/etc/passwd"), ["dockremap"], {}))
    print("subuid/subgid with %d lines each (%d problems found in subuid), median of %d runs; "
          "load average %.1f" % (args.lines, found, args.repeat, os.getloadavg()[0]))
    print("  %-28s %8s %8s" % ("", "wall s", "CPU s"))
    for name, (wall, cpu) in figures:
        print("  %-28s %8.3f %8.3f" % (name, wall, cpu))


if __name__ == "__main__":
    main()
