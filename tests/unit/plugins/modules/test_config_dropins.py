# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""config_dropins: whole files owned by one layer, only named files touched."""

import os
import stat
import tomllib

import pytest

from ansible_collections.stockade.hardening.plugins.modules import config_dropins

NAMESPACES = {"containers": {"pidns": "private", "netns": "private"}}
CAPS = {"containers": {"default_capabilities": ["CHOWN", "KILL"]}}


def run(run_module, directory, files, check_mode=False, diff=False, **extra):
    args = dict(directory=str(directory), files=files, _ansible_diff=diff, **extra)
    return run_module(config_dropins.main, args, check_mode=check_mode)


def read(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def test_creates_directory_and_files_then_is_idempotent(run_module, tmp_path):
    directory = tmp_path / "containers.conf.d"
    files = {"50-stockade-namespaces.conf": NAMESPACES, "50-stockade-capabilities.conf": CAPS}
    result, failed = run(run_module, directory, files)
    assert not failed and result["changed"]
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o755
    assert read(directory / "50-stockade-namespaces.conf") == NAMESPACES
    assert read(directory / "50-stockade-capabilities.conf") == CAPS
    assert stat.S_IMODE(os.stat(directory / "50-stockade-capabilities.conf").st_mode) == 0o644
    assert sorted(result["changed_files"]) == sorted(str(directory / n) for n in files)
    assert result["backups"] == {str(directory / n): None for n in files}
    assert sorted(r["path"] for r in result["rollback"]) == sorted(result["changed_files"])
    assert all(r["backup"] is None for r in result["rollback"])
    header = (directory / "50-stockade-namespaces.conf").read_text().splitlines()[0]
    assert header.startswith("# Managed by stockade.hardening (layer namespaces)")

    again, failed = run(run_module, directory, files)
    assert not failed and not again["changed"] and again["changed_files"] == [] and again["rollback"] == []


def test_check_mode_writes_nothing_and_shows_the_diff(run_module, tmp_path):
    directory = tmp_path / "d"
    result, failed = run(run_module, directory, {"50-stockade-namespaces.conf": NAMESPACES}, check_mode=True, diff=True)
    assert not failed and result["changed"]
    assert not directory.exists()
    assert result["backups"] == {} and result["rollback"] == []
    (diff,) = result["diff"]
    assert diff["before"] == "" and 'pidns = "private"' in diff["after"]
    assert diff["before_header"] == str(directory / "50-stockade-namespaces.conf")


def test_changes_only_the_named_files_and_backs_up(run_module, tmp_path):
    directory = tmp_path / "d"
    directory.mkdir()
    foreign = directory / "10-operator.conf"
    foreign.write_text("[containers]\nlog_driver = \"journald\"\n")
    run(run_module, directory, {"50-stockade-namespaces.conf": NAMESPACES, "50-stockade-capabilities.conf": CAPS})
    owned = directory / "50-stockade-namespaces.conf"
    os.chmod(owned, 0o640)

    result, failed = run(run_module, directory, {"50-stockade-namespaces.conf": {"containers": {"pidns": "host"}}},
                         diff=True)
    assert not failed and result["changed_files"] == [str(owned)]
    backup = result["backups"][str(owned)]
    assert backup and os.path.isfile(backup) and read(backup) == NAMESPACES
    assert not backup.endswith(".conf")  # the engines load only *.conf
    assert result["rollback"] == [{"path": str(owned), "backup": backup}]
    assert read(owned) == {"containers": {"pidns": "host"}}  # the whole file is the layer's
    assert stat.S_IMODE(os.stat(owned).st_mode) == 0o640  # mode kept
    assert foreign.read_text() == "[containers]\nlog_driver = \"journald\"\n"
    assert read(directory / "50-stockade-capabilities.conf") == CAPS
    assert 'pidns = "private"' in result["diff"][0]["before"]


def test_null_removes_the_file_with_a_backup(run_module, tmp_path):
    directory = tmp_path / "d"
    run(run_module, directory, {"50-stockade-kernel-fs.conf": {"containers": {"read_only": True}}})
    path = directory / "50-stockade-kernel-fs.conf"
    result, failed = run(run_module, directory, {"50-stockade-kernel-fs.conf": None}, diff=True)
    assert not failed and result["changed"] and not path.exists()
    backup = result["backups"][str(path)]
    assert read(backup) == {"containers": {"read_only": True}}
    assert result["diff"][0]["after"] == ""
    again, failed = run(run_module, directory, {"50-stockade-kernel-fs.conf": None})
    assert not failed and not again["changed"]


def test_null_for_an_absent_file_in_an_absent_directory_changes_nothing(run_module, tmp_path):
    result, failed = run(run_module, tmp_path / "none", {"50-stockade-kernel-fs.conf": None})
    assert not failed and not result["changed"] and not (tmp_path / "none").exists()


def test_without_backup_an_existing_file_cannot_be_rolled_back(run_module, tmp_path):
    directory = tmp_path / "d"
    run(run_module, directory, {"50-stockade-capabilities.conf": CAPS})
    result, failed = run(run_module, directory, {"50-stockade-capabilities.conf": NAMESPACES}, backup=False)
    assert not failed and result["changed"]
    assert result["backups"] == {str(directory / "50-stockade-capabilities.conf"): None}
    assert result["rollback"] == []
    assert [p for p in os.listdir(directory) if p != "50-stockade-capabilities.conf"] == []


def test_owner_comment_overrides_the_layer_from_the_name(run_module, tmp_path):
    run(run_module, tmp_path, {"99-site.conf": CAPS}, owner_comment="site policy")
    assert (tmp_path / "99-site.conf").read_text().startswith("# Managed by stockade.hardening (site policy)")
    run(run_module, tmp_path, {"98-site.conf": CAPS})
    assert (tmp_path / "98-site.conf").read_text().startswith("# Managed by stockade.hardening (98-site.conf)")


@pytest.mark.parametrize("name", [
    "../50-escape.conf", "50-a/b.conf", "50-..conf", "stockade.conf", "5-short.conf", "50-x.toml", "50-.conf.bak",
    "50-sp ace.conf",
])
def test_refuses_bad_names_and_writes_nothing(run_module, tmp_path, name):
    directory = tmp_path / "d"
    result, failed = run(run_module, directory, {name: CAPS, "50-good.conf": CAPS})
    assert failed and repr(name) in result["msg"]
    assert not directory.exists()


@pytest.mark.parametrize("data,message", [
    ({"containers": {"k": None}}, "TOML has no null"),
    ("read_only = true", "must be a dictionary"),
])
def test_refuses_data_it_cannot_render(run_module, tmp_path, data, message):
    result, failed = run(run_module, tmp_path / "d", {"50-x.conf": data})
    assert failed and message in result["msg"] and not (tmp_path / "d").exists()


def test_directory_that_is_a_file_fails(run_module, tmp_path):
    blocker = tmp_path / "d"
    blocker.write_text("")
    result, failed = run(run_module, blocker, {"50-x.conf": CAPS})
    assert failed and "not a directory" in result["msg"]


def test_a_directory_in_place_of_a_file_fails_cleanly(run_module, tmp_path):
    (tmp_path / "50-x.conf").mkdir()
    result, failed = run(run_module, tmp_path, {"50-x.conf": CAPS})
    assert failed and "is a directory" in result["msg"]


def test_write_is_read_by_the_posture_engine(run_module, tmp_path):
    """The audit's layered reader sees exactly what the module wrote."""
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.hostfs import HostRoot
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.layered_config import containers_conf

    root = tmp_path / "root"
    (root / "etc" / "containers").mkdir(parents=True)
    run(run_module, root / "etc" / "containers" / "containers.conf.d", {"50-stockade-namespaces.conf": NAMESPACES})
    config = containers_conf(HostRoot(str(root)))
    setting = config.get("containers.pidns")
    assert setting.value == "private" and setting.source.endswith("50-stockade-namespaces.conf")
