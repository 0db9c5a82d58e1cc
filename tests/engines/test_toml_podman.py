# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Our TOML corpus through the real consumer: Podman's own containers.conf loader.

`CONTAINERS_CONF=FILE podman system connection list` makes Podman read FILE
as its only containers.conf (containers-common 0.50.1 `systemConfigs()`:
the variable replaces every other file) and decode it with its TOML library
(BurntSushi/toml 1.2.0 on Debian 12), then exit 0, or 1 naming the error. It
starts no container and touches no storage, so it is safe on a shared host.

Each document's recorded Podman verdict (tests/unit/.../toml_cases.py) must be
what Podman says now, and toml_lite must never accept what Podman refuses
(it may refuse more: TOML 1.0 is stricter than BurntSushi 1.2.0 in places).
"""

import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.toml_lite import TomlError, loads

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "unit", "plugins", "module_utils", "posture"))
from toml_cases import ACCEPT, DOCS  # noqa: E402  (the corpus lives with the unit tests)


def podman_verdict(podman, path):
    result = subprocess.run([podman, "system", "connection", "list"], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, CONTAINERS_CONF=path), check=False)
    return ACCEPT if result.returncode == 0 else "reject", result.stderr


@pytest.fixture(scope="module")
def podman_binary():
    path = shutil.which("podman")
    if not path:
        if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
            pytest.fail("podman not found")
        pytest.skip("podman not found")
    return path


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_podman_reads_the_document_as_recorded(doc, podman_binary, tmp_path):
    path = tmp_path / "containers.conf"
    path.write_bytes(doc.text.encode("utf-8"))
    verdict, stderr = podman_verdict(podman_binary, str(path))
    assert verdict == doc.podman, stderr
    if verdict == "reject":
        assert "toml" in stderr, stderr   # refused for its TOML, not for something else
        with pytest.raises(TomlError):
            loads(doc.text)
