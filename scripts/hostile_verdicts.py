# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every hostile case's verdict as JSON, for a before/after diff of a change
that must not change behaviour (issue #19: "the hostile corpus gives the same
verdicts, byte for byte, in JSON").

    python3 scripts/hostile_verdicts.py > after.json    # run from a checkout
    diff before.json after.json

One line per case, sorted by case id: the control's status and evidence as
bin/stockade-audit reported them (the case's temporary root replaced by
ROOT), or how the run failed (hang, no report). It runs the cases exactly as
tests/unit/hostile/test_hostile_corpus.py does (corpus.run); run it as root,
as that test is, so the unreadable-file cases run as their user."""

import concurrent.futures
import json
import os
import shutil
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path[:0] = [os.path.join(REPO, "tests", "unit", "hostile"),
                os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture")]

import corpus  # noqa: E402  (found through the paths above)
import test_hostile_corpus  # noqa: E402


def verdict(case, outcome, root_prefix):
    if outcome.timed_out:
        return {"control": case.control, "run": "hang"}
    entry = outcome.entry(case.control)
    if entry is None:
        return {"control": case.control, "run": "no verdict", "returncode": outcome.returncode}
    evidence = [line.replace(root_prefix, "ROOT") for line in entry["evidence"]]
    return {"control": case.control, "status": entry["status"], "evidence": evidence,
            "returncode": outcome.returncode}


def main():
    scratch = tempfile.mkdtemp(prefix="stockade-hostile-", dir="/tmp")
    os.chmod(scratch, 0o711)
    try:
        cases = test_hostile_corpus.CASES
        workers = 2 * (os.cpu_count() or 1)
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(lambda case: corpus.run(case, scratch), cases))
        root_prefix = os.path.join(scratch, "hostile-")
        lines = ["%s: %s" % (json.dumps(case.id), json.dumps(verdict(case, run, root_prefix), sort_keys=True))
                 for case, run in sorted(zip(cases, runs), key=lambda pair: pair[0].id)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.stdout.write("{\n" + ",\n".join(lines) + "\n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
