# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Our TOML corpus through the real consumer: Podman's own containers.conf loader.

`CONTAINERS_CONF=FILE podman system connection list` makes Podman read FILE
as its only containers.conf (containers-common `systemConfigs()`: the
variable replaces every other file) and decode it with its TOML library
(BurntSushi/toml 1.2.0 in Podman 4.3, Debian 12; 1.4.0 in Podman 5.4, Debian
13, see podman_versions.py), then exit 0, or 1 naming the error. It starts no
container and touches no storage, so it is safe on a shared host.

Each document's recorded Podman verdict (tests/unit/.../toml_cases.py) must be
what Podman says now, and toml_lite must never accept what Podman refuses
(it may refuse more: TOML 1.0 is stricter than BurntSushi 1.2.0 in places).
"""

import os
import sys

import pytest

import podman_versions

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.toml_lite import (
    TomlError, loads,
)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "unit", "plugins", "module_utils", "posture"))
from toml_cases import DOCS  # noqa: E402  (the corpus lives with the unit tests)


@pytest.fixture(scope="module", params=["4.3", "5.4"])
def podman_version(request):
    command = podman_versions.podman_4_3() if request.param == "4.3" else podman_versions.podman_5_4()
    return request.param, command


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_podman_reads_the_document_as_recorded(doc, podman_version, tmp_path):
    version, command = podman_version
    path = tmp_path / "containers.conf"
    path.write_bytes(doc.text.encode("utf-8"))
    verdict, stderr = podman_versions.reads(command, path)
    assert verdict == (doc.podman if version == "4.3" else doc.podman_5_4), stderr
    if verdict == "reject":
        assert "toml" in stderr, stderr   # refused for its TOML, not for something else
        with pytest.raises(TomlError):
            loads(doc.text)
