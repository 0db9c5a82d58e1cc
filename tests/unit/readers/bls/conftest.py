# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trees for the BLS tests: a fixture host tree (fixtures/<name>) copied to a
temporary directory with some files changed."""

import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
UNIT = os.path.join(HERE, os.pardir, os.pardir)
for _shared in (os.path.join(UNIT, "hostile"), os.path.join(UNIT, "plugins", "module_utils", "posture")):
    if os.path.abspath(_shared) not in sys.path:
        sys.path.insert(0, os.path.abspath(_shared))


def build(root, base, changes):
    """Copy fixtures/<base> (None: an empty tree) to `root`, then apply `changes`
    {path: str | bytes | None (delete) | ("link", target)}."""
    if base:
        shutil.copytree(os.path.join(FIXTURES, base), root, symlinks=True)
    else:
        os.makedirs(root)
    for path, content in changes.items():
        full = os.path.join(root, path)
        if os.path.lexists(full):
            os.remove(full)
        if content is None:
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if isinstance(content, tuple):
            os.symlink(content[1], full)
            continue
        with open(full, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
    return root


@pytest.fixture
def tree(tmp_path):
    counter = iter(range(1000))

    def make(base, changes=None):
        return build(str(tmp_path / ("t%d" % next(counter))), base, changes or {})
    return make
