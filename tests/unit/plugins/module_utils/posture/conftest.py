# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from hosttree import write_tree  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit  # noqa: E402


@pytest.fixture
def audit_tree(tmp_path):
    """audit_tree(*layers) -> {control id: result entry} for a tree built from layers."""
    counter = iter(range(1000))

    def run(*layers, **kwargs):
        root = write_tree(tmp_path / ("root%d" % next(counter)), *layers)
        report = run_audit(root, machine=kwargs.get("machine", "x86_64"))
        return {entry["id"]: entry for entry in report["controls"]}
    return run
