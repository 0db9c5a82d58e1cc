# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/lab_stage.sh runs tests/lab/stock and tests/lab/hardened only: a lab
test module anywhere else under tests/lab would never run, in CI or by hand."""

import os

LAB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lab")
PHASES = ("stock", "hardened")


def test_every_lab_test_module_sits_in_a_phase_directory():
    stray = []
    for directory, _subdirs, files in os.walk(LAB):
        phase = os.path.relpath(directory, LAB).split(os.sep)[0]
        stray += [os.path.join(directory, name) for name in files
                  if name.startswith("test_") and name.endswith(".py") and phase not in PHASES]
    assert stray == [], "lab tests outside tests/lab/{stock,hardened} never run: %s" % stray


def test_the_lab_stage_runs_both_phase_directories():
    with open(os.path.join(os.path.dirname(os.path.dirname(LAB)), "scripts", "lab_stage.sh"), encoding="utf-8") as handle:
        stage = handle.read()
    for phase in PHASES:
        assert "tests/lab/%s" % phase in stage
