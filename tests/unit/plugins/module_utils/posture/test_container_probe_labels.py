# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe's scratch directory gets the label an engine gives a :z volume,
read from the loaded policy's lxc_contexts (fixture trees here; the lab VM
proves that Docker then mounts it under enforcing)."""

import os

from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe import (
    container as container_probe,
)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def test_label_comes_from_the_loaded_policys_lxc_contexts(tmp_path):
    root = tmp_path / "selinux"
    write(str(root / "config"), "# comment\nSELINUX=enforcing\nSELINUXTYPE=default\n")
    write(str(root / "default" / "contexts" / "lxc_contexts"),
          'process = "system_u:system_r:container_t:s0"\n'
          'file = "system_u:object_r:svirt_sandbox_file_t:s0"\n')
    assert container_probe.shared_volume_label(str(root)) == "system_u:object_r:svirt_sandbox_file_t:s0"


def test_label_falls_back_to_container_file_t(tmp_path):
    root = tmp_path / "selinux"
    write(str(root / "config"), "SELINUX=permissive\nSELINUXTYPE=targeted\n")  # no lxc_contexts
    assert container_probe.shared_volume_label(str(root)) == "system_u:object_r:container_file_t:s0"
    assert container_probe.shared_volume_label(str(tmp_path / "absent")) == container_probe.SHARED_FILE_LABEL


def test_labelling_walks_the_tree_and_reports_failure(tmp_path, monkeypatch):
    write(str(tmp_path / "programs" / "inside.sh"), "#!/bin/sh\n")
    os.mkdir(str(tmp_path / "out"))
    seen = []

    def fake_setxattr(path, name, value):
        seen.append((os.path.relpath(path, str(tmp_path)), name, value))

    monkeypatch.setattr(container_probe.os, "setxattr", fake_setxattr)
    assert container_probe.label_for_containers(str(tmp_path), "u:r:t:s0") is True
    assert sorted(p for p, dummy, dummy2 in seen) == [".", "out", "programs", "programs/inside.sh"]
    assert {(n, v) for dummy, n, v in seen} == {("security.selinux", b"u:r:t:s0\0")}

    def refuse(path, name, value):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(container_probe.os, "setxattr", refuse)
    assert container_probe.label_for_containers(str(tmp_path), "u:r:t:s0") is False
