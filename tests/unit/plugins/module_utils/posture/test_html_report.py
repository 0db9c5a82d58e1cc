# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from hosttree import HARDENED, STOCK, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.reports.html import (
    layer_verdicts, render_fleet_html,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.model import LAYERS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    apply, validate,
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
FLEET_REPORT = os.path.join(REPO, "bin", "stockade-fleet-report")
IDS = [c.id for c in all_controls()]


def audited(tmp_path, name, tree, policy=None):
    report = run_audit(write_tree(tmp_path / name, tree), live=False, machine="x86_64")
    apply(report, validate(policy, IDS))
    return report


class Page(HTMLParser):
    """What the page is made of: ids, links, tags that would load something."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.external, self.scripts, self.grid_cells = set(), [], [], 0, []
        self._in_grid = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if key in attrs and not attrs[key].startswith("#"):
                self.external.append(attrs[key])
        if tag == "link":
            self.external.append(attrs.get("href"))


def test_grid_cells_link_to_existing_drill_down_panels(tmp_path):
    reports = [("hardened", audited(tmp_path, "h", HARDENED)), ("stock", audited(tmp_path, "s", STOCK))]
    page = Page()
    page.feed(render_fleet_html(reports))
    cells = [l for l in page.links if re.match(r"#h\d+-", l)]
    assert len(cells) == len(reports) * len(LAYERS)
    assert all(link[1:] in page.ids for link in page.links), "every link has its target"
    assert page.external == [] and page.scripts == 0  # self-contained, nothing to load or run


def test_drill_down_shows_evidence_remediation_and_waiver(tmp_path):
    daemon = dict(HARDENED["etc/docker/daemon.json"], **{"no-new-privileges": False})
    waived = audited(tmp_path, "w", dict(HARDENED, **{"etc/docker/daemon.json": daemon}),
                     {"waivers": [{"control": "docker-no-new-privileges", "justification": "CI runner TICKET-7",
                                   "expires": "2099-01-01"}]})
    stock = audited(tmp_path, "s", STOCK)
    page = render_fleet_html([("w", waived), ("s", stock)])
    panel = page[page.index('id="h1-no_new_privs"'):]
    panel = panel[:panel.index("</section>")]
    assert "docker-no-new-privileges" in panel and "FAIL" in panel
    assert "no-new-privileges = (unset)" in panel                    # evidence
    assert "stockade.hardening.no_new_privs" in panel                 # remediation role
    assert "<code>stockade_no_new_privs_docker: true</code>" in panel          # and its variable
    waived_panel = page[page.index('id="h0-no_new_privs"'):]
    assert "Waiver: CI runner TICKET-7, expires 2099-01-01" in waived_panel[:waived_panel.index("</section>")]
    assert layer_verdicts(waived)["no_new_privs"] == "waived"
    assert "2 host(s), 1 compliant, 1 not compliant" in page


def test_report_text_is_escaped(tmp_path):
    report = audited(tmp_path, "s", STOCK)
    report["controls"][0]["evidence"] = ['<script>alert("x")</script> & </section>']
    page = render_fleet_html([('<img src=x onerror=alert(1)>', report)])
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;/section&gt;" in page


def test_fleet_report_command_reads_reports_facts_and_fact_caches(tmp_path):
    stock = audited(tmp_path, "s", STOCK)
    stock["host"] = "web1"
    (tmp_path / "web1.json").write_text(json.dumps(stock))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "db1").write_text(json.dumps({"ansible_local": {"stockade": audited(tmp_path, "h", HARDENED)}}))
    (cache / "db2").write_text(json.dumps({"stockade_posture": stock}))
    (cache / "other").write_text(json.dumps({"ansible_hostname": "x"}))  # no report: skipped in a directory
    out = tmp_path / "fleet.html"
    done = subprocess.run([sys.executable, FLEET_REPORT, "-o", str(out), str(tmp_path / "web1.json"), str(cache)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "3 host(s)" in done.stdout
    page = out.read_text()
    assert all('<td class="host">%s</td>' % h in page for h in ("web1", "db1", "db2"))


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"ansible_hostname": "x"}', "no posture report in it"),
])
def test_fleet_report_names_a_bad_input(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    done = subprocess.run([sys.executable, FLEET_REPORT, "-o", str(tmp_path / "f.html"), str(bad)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert done.returncode == 2
    assert str(bad) in done.stderr and message in done.stderr
    assert not (tmp_path / "f.html").exists()
