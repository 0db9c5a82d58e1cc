# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet HTML report in a real headless Chromium (Debian package chromium):
it renders (screenshots of the grid and of a drill-down, kept under
tests/output/html-report/ for people to look at), the browser logs no console
message or failed load, and its DOM is the grid we wrote."""

import os
import shutil
import struct
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from hosttree import HARDENED, STOCK, write_tree  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.html import (  # noqa: E402
    render_fleet_html,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (  # noqa: E402
    apply, validate,
)

OUTPUT = os.path.join(REPO, "tests", "output", "html-report")
# Lines of Chromium's own log that say something about the page.
PAGE_PROBLEMS = ("CONSOLE", "Uncaught", "net::ERR", "Refused to", "Not allowed to load")


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no chromium: apt-get install chromium (scripts/setup.sh DEBIAN_PACKAGES)")
    return path


def browse(page_url, tmp_path, *action):
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--user-data-dir=%s" % (tmp_path / "profile"),
         "--enable-logging=stderr", "--v=0", "--window-size=1400,900"] + list(action) + [page_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines() if any(p in line for p in PAGE_PROBLEMS)]
    assert problems == [], "\n".join(problems)
    return done.stdout


def png_size(path):
    with open(path, "rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


@pytest.fixture(scope="module")
def fleet_page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fleet")
    ids = [c.id for c in all_controls()]
    reports = []
    for name, tree, policy in (
            ("hardened-1", HARDENED, None),
            ("stock-1", STOCK, None),
            ("waived-1", dict(HARDENED, **{"etc/docker/daemon.json": dict(
                HARDENED["etc/docker/daemon.json"], **{"no-new-privileges": False})}),
             {"waivers": [{"control": "docker-no-new-privileges", "justification": "CI runner (TICKET-7)"}]})):
        report = run_audit(write_tree(tmp / name, tree), live=False, machine="x86_64")
        apply(report, validate(policy, ids))
        reports.append((name, report))
    os.makedirs(OUTPUT, exist_ok=True)
    path = os.path.join(OUTPUT, "fleet.html")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render_fleet_html(reports, generated_at="2026-01-01T00:00:00Z"))
    return path


def test_grid_renders_without_console_errors(fleet_page, tmp_path):
    shot = os.path.join(OUTPUT, "grid.png")
    browse("file://" + fleet_page, tmp_path, "--screenshot=" + shot)
    assert png_size(shot) == (1400, 900)
    assert os.path.getsize(shot) > 10000  # not a blank page


def test_drill_down_renders(fleet_page, tmp_path):
    grid, drill = os.path.join(OUTPUT, "grid-only.png"), os.path.join(OUTPUT, "drill-down.png")
    browse("file://" + fleet_page, tmp_path, "--screenshot=" + grid)
    browse("file://" + fleet_page + "#h1-no_new_privs", tmp_path, "--screenshot=" + drill)
    with open(grid, "rb") as a, open(drill, "rb") as b:
        assert a.read() != b.read(), "the cell's target panel did not change the page"


def test_dom_is_the_grid(fleet_page, tmp_path):
    dom = browse("file://" + fleet_page, tmp_path, "--dump-dom")
    assert dom.count('<td class="host">') == 3  # one grid row per host
    for layer in LAYERS:
        assert '<a href="#h1-%s"' % layer in dom
    assert '<section class="panel" id="h2-no_new_privs">' in dom
