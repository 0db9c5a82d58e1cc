# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent's floor (issue 20): a JSON run imports only what it needs. The
modules below cost the scheduled run tens of milliseconds each (more under
emulation) and serve other paths: SARIF/HTML, the probe's image, rpm's
database, a mistyped policy name, TLS; http.client and its email package are
replaced by docker_api's own reader. A run that imports one again fails here."""

import os
import subprocess
import sys

from hosttree import HARDENED, write_tree

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
AGENT = os.path.join(REPO, "bin", "stockade-audit")
NOT_NEEDED = ("http.client", "email", "ssl", "tarfile", "sqlite3", "hashlib", "difflib", "secrets", "html",
              "urllib.parse", "tempfile",
              "module_utils.posture.reports.sarif", "module_utils.posture.reports.html",
              "module_utils.posture.policy.policy_file", "module_utils.posture.probe.rootfs")
RUN = ("import runpy, sys\n"
       "agent, out = sys.argv[1], sys.argv[2]\n"
       "sys.argv = sys.argv[1:2] + sys.argv[3:]\n"
       "try:\n"
       "    runpy.run_path(agent, run_name='__main__')\n"
       "except SystemExit:\n"
       "    pass\n"
       "open(out, 'w').write('\\n'.join(sorted(sys.modules)))\n")


def modules_of_a_run(tmp_path, *args):
    out = tmp_path / "modules"
    done = subprocess.run([sys.executable, "-c", RUN, AGENT, str(out), "--format", "json",
                           "--output", str(tmp_path / "report.json")] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/", timeout=120, check=False)
    assert (tmp_path / "report.json").exists(), done.stderr.decode()
    return set(out.read_text().split("\n"))


def test_a_json_run_of_a_tree_imports_nothing_it_does_not_need(tmp_path):
    tree = write_tree(str(tmp_path / "root"), HARDENED)
    loaded = modules_of_a_run(tmp_path, "--offline", "--root", tree)
    assert "module_utils.posture.reports.render" in loaded  # the run really imported the engine
    assert sorted(m for m in NOT_NEEDED if m in loaded) == []


def test_a_live_json_run_imports_nothing_it_does_not_need(tmp_path):
    loaded = modules_of_a_run(tmp_path)
    assert "module_utils.posture.engines.docker_api" in loaded  # dockerd's socket was asked (or found absent)
    assert sorted(m for m in NOT_NEEDED if m in loaded) == []
