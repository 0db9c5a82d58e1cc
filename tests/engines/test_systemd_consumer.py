# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real systemd 252 and 257 load every unit case as recorded, and
posture.systemd_units reads the same search path and drop-ins.

systemd_oracle.py runs `systemd --test` (252: this machine's; 257: Debian
13's, unpacked by scripts/debian13-consumers.sh) over each case's tree, with
SYSTEMD_UNIT_PATH set to the tree's copies of the real search path in the
reader's order; the order itself is checked against `systemd-analyze
unit-paths` of both versions.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (os.path.join(HERE, os.pardir, "unit", "consumers"),
              os.path.join(HERE, os.pardir, "unit", "plugins", "module_utils", "posture")):
    sys.path.insert(0, os.path.abspath(_path))

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.systemd_units import (  # noqa: E402
    UNIT_SEARCH_PATH,
)

import systemd_oracle  # noqa: E402
from systemd_unit_cases import CASES  # noqa: E402
from unit_reader import dropins, verdict, write_case  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, os.pardir, os.pardir))
VERSIONS = (252, 257)


@pytest.fixture(scope="module")
def debian13_root():
    if os.geteuid() != 0:
        pytest.skip("systemd --test runs as nobody in a mount namespace: needs root")
    result = subprocess.run([os.path.join(REPO, "scripts", "debian13-consumers.sh")], capture_output=True,
                            text=True, timeout=600, check=False)
    if result.returncode != 0:
        message = "Debian 13 consumers not available: %s" % result.stderr[-500:]
        if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return os.path.join(result.stdout.strip(), "root")


@pytest.fixture(scope="module")
def scratch():
    path = tempfile.mkdtemp(prefix="stockade-units-", dir="/tmp")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path)


def _ask(version, root, case, debian13_root):
    stubs = os.path.join(root, "stub-units")
    systemd_oracle.write_stubs(stubs)
    subprocess.run(["chmod", "-R", "a+rX", root], check=True)
    search_path = [root + directory for directory in UNIT_SEARCH_PATH] + [stubs]
    return systemd_oracle.load(version, search_path, case.unit, debian13_root)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_systemd_loads_the_case_as_recorded(case, version, debian13_root, scratch):
    root = tempfile.mkdtemp(dir=scratch)
    write_case(root, case)
    loaded = _ask(version, root, case, debian13_root)
    assert (loaded.state, loaded.commands) == tuple(case.expected(version)), loaded.output[-3000:]
    if loaded.state == "loaded":
        assert [root + path for path in dropins(root, case.unit)] == loaded.dropins
        assert verdict(root, case.unit) == (loaded.state, loaded.commands)


def _unit_paths(argv):
    return subprocess.run(argv + ["unit-paths"], capture_output=True, text=True, check=True).stdout.split()


def test_search_path_is_systemds(debian13_root):
    assert _unit_paths(["systemd-analyze"]) == list(UNIT_SEARCH_PATH)
    libs = "%s/usr/lib/x86_64-linux-gnu/systemd:%s/usr/lib/x86_64-linux-gnu" % (debian13_root, debian13_root)
    paths_257 = _unit_paths([debian13_root + "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                             "--library-path", libs, debian13_root + "/usr/bin/systemd-analyze"])
    # 257 has no /lib entry: on Debian 13 (merged /usr) it is /usr/lib itself
    assert paths_257 == [p for p in UNIT_SEARCH_PATH if p != "/lib/systemd/system"]
