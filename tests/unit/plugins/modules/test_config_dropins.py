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
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
        containers_conf,
    )

    root = tmp_path / "root"
    (root / "etc" / "containers").mkdir(parents=True)
    run(run_module, root / "etc" / "containers" / "containers.conf.d", {"50-stockade-namespaces.conf": NAMESPACES})
    config = containers_conf(HostRoot(str(root)))
    setting = config.get("containers.pidns")
    assert setting.value == "private" and setting.source.endswith("50-stockade-namespaces.conf")


# -- drop-ins read after ours that set our keys to other values (shadowing) ----

SECCOMP = {"containers": {"seccomp_profile": "/etc/containers/stockade-seccomp.json", "pidns": "private"}}
SECCOMP_NAME = "50-stockade-seccomp.conf"
UNCONFINED = '[containers]\nseccomp_profile = "unconfined"\nlog_driver = "journald"\n'


def tree(tmp_path, **later):
    """containers.conf.d with our file written, and the given foreign files (name: text) in it."""
    directory = tmp_path / "containers.conf.d"
    directory.mkdir()
    rootful = tmp_path / "containers.rootful.conf.d"
    rootful.mkdir()
    result, failed = run(run_module_holder[0], directory, {SECCOMP_NAME: SECCOMP}, shadowing="ignore")
    assert not failed
    for name, text in later.items():
        (directory / name).write_text(text)
    return directory, rootful


run_module_holder = []


def warnings_of(result):
    """The warning texts of a result: strings before ansible-core 2.19, structured events since."""
    return [w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", [])]


@pytest.fixture
def shadow_run(run_module):
    # A module records warnings process-wide; each test stands for a run of its own.
    from ansible.module_utils.common import warnings

    warnings._global_warnings.clear()
    run_module_holder[:] = [run_module]

    def go(directory, check_mode=False, diff=False, files=None, **extra):
        return run(run_module, directory, {SECCOMP_NAME: SECCOMP} if files is None else files,
                   check_mode=check_mode, diff=diff, **extra)
    return go


def snapshot(*directories):
    """{path: bytes} of everything in the directories, to prove that nothing changed."""
    found = {}
    for directory in directories:
        for name in sorted(os.listdir(directory)):
            found[str(directory / name)] = (directory / name).read_bytes()
    return found


def test_default_is_fail_naming_file_key_and_ours_and_changes_nothing(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    (directory / SECCOMP_NAME).write_text("# stale\n")  # ours would be rewritten: it must not be
    before = snapshot(directory, rootful)
    result, failed = shadow_run(directory)
    assert failed
    assert str(directory / "99-local.conf") in result["msg"]
    assert "containers.seccomp_profile" in result["msg"] and '"unconfined"' in result["msg"]
    assert str(directory / SECCOMP_NAME) in result["msg"]
    assert "log_driver" not in result["msg"] and "pidns" not in result["msg"]
    assert "Nothing was changed" in result["msg"]
    assert snapshot(directory, rootful) == before


def test_later_name_in_the_same_directory_is_set_aside_keeping_its_other_keys(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    result, failed = shadow_run(directory, shadowing="disable")
    assert not failed and result["changed"]
    assert result["changed_files"] == []  # ours was already right: only the setting aside changed something
    local = str(directory / "99-local.conf")
    disabled_as = local + ".stockade-disabled"
    assert result["disabled_files"] == [{"path": local, "disabled_as": disabled_as,
                                         "keys": ["containers.seccomp_profile"],
                                         "kept_keys": ["containers.log_driver"], "lost_keys": []}]
    assert open(disabled_as).read() == UNCONFINED  # nothing lost
    assert read(local) == {"containers": {"log_driver": "journald"}}  # its other key still applies
    assert open(local).read().startswith("# Set aside by stockade.hardening: the original is "
                                         "99-local.conf.stockade-disabled")
    assert result["rollback"] == [{"path": local, "backup": disabled_as}]
    (warning,) = warnings_of(result)
    assert local in warning and disabled_as in warning and "containers.seccomp_profile" in warning
    assert "containers.log_driver" in warning and "keep applying" in warning
    assert "move %s back to %s" % (disabled_as, local) in warning
    # now the engine reads our value, and a second run has nothing to do
    again, failed = shadow_run(directory, shadowing="disable")
    assert not failed and not again["changed"] and again["disabled_files"] == [] and again["rollback"] == []


def test_the_audit_sees_our_value_after_the_disable(shadow_run, tmp_path):
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
        containers_conf,
    )

    root = tmp_path / "root"
    etc = root / "etc" / "containers"
    etc.mkdir(parents=True)
    directory, dummy = tree(etc, **{"99-local.conf": UNCONFINED})
    # Podman 5.4 (containers-common 0.62) reads root's ~/.config/containers after /etc
    (root / "var" / "lib" / "dpkg").mkdir(parents=True)
    (root / "var" / "lib" / "dpkg" / "status").write_text(
        "Package: podman\nStatus: install ok installed\nVersion: 5.4.2+ds1-2\n")
    home = root / "root" / ".config" / "containers" / "containers.conf.d"
    home.mkdir(parents=True)
    (home / "10-site.conf").write_text('[containers]\nseccomp_profile = "/x.json"\n')
    assert containers_conf(HostRoot(str(root))).get("containers.seccomp_profile").value == "/x.json"
    result, failed = shadow_run(directory, shadowing="disable", later_directories=[str(home)])
    assert not failed and len(result["disabled_files"]) == 2
    setting = containers_conf(HostRoot(str(root))).get("containers.seccomp_profile")
    assert setting.value == SECCOMP["containers"]["seccomp_profile"] and setting.source.endswith(SECCOMP_NAME)


def test_an_earlier_name_is_not_shadowing(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"10-local.conf": UNCONFINED, "50-stockade-aaa.conf": UNCONFINED})
    before = snapshot(directory, rootful)
    for mode in ("fail", "disable"):
        result, failed = shadow_run(directory, shadowing=mode)
        assert not failed and not result["changed"] and result["disabled_files"] == []
    assert snapshot(directory, rootful) == before


def test_the_same_value_or_other_keys_are_not_shadowing(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{
        "99-same.conf": '[containers]\nseccomp_profile = "/etc/containers/stockade-seccomp.json"\n',
        "99-other.conf": '[containers]\nlog_driver = "k8s-file"\n[engine]\npidns = "host"\n',
    })
    (rootful / "99-same.conf").write_text('containers.pidns = "private"\n')  # dotted keys, same value
    result, failed = shadow_run(directory, later_directories=[str(rootful)])
    assert not failed and not result["changed"]


def test_a_value_that_a_still_later_file_puts_back_is_not_shadowing(shadow_run, tmp_path):
    # the engine merges in order: 99-b.conf sets ours again, so 98-a.conf's value never takes effect
    directory, rootful = tree(tmp_path, **{
        "98-a.conf": UNCONFINED,
        "99-b.conf": '[containers]\nseccomp_profile = "%s"\n' % SECCOMP["containers"]["seccomp_profile"],
    })
    before = snapshot(directory, rootful)
    result, failed = shadow_run(directory, shadowing="disable")
    assert not failed and not result["changed"] and result["disabled_files"] == []
    assert snapshot(directory, rootful) == before


def test_a_different_type_is_a_different_value(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path)
    run(run_module_holder[0], directory, {"50-stockade-kernel-fs.conf": {"containers": {"read_only": True}}})
    (directory / "99-int.conf").write_text("[containers]\nread_only = 1\n")
    result, failed = shadow_run(directory, files={"50-stockade-kernel-fs.conf": {"containers": {"read_only": True}}})
    assert failed and "99-int.conf" in result["msg"] and "containers.read_only" in result["msg"]


def test_a_later_directory_shadows_whatever_its_names(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path)
    (rootful / "00-early.conf").write_text('[containers]\npidns = "host"\n')
    result, failed = shadow_run(directory, later_directories=[str(rootful)])
    assert failed and str(rootful / "00-early.conf") in result["msg"] and "containers.pidns" in result["msg"]
    # without later_directories the module does not look there
    result, failed = shadow_run(directory)
    assert not failed and not result["changed"]


def test_ignore_reads_no_later_file(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED, "99-broken.conf": "[containers\n"})
    before = snapshot(directory, rootful)
    result, failed = shadow_run(directory, shadowing="ignore", later_directories=[str(rootful)])
    assert not failed and not result["changed"] and result["disabled_files"] == []
    assert snapshot(directory, rootful) == before


def test_files_of_the_task_and_removed_files_are_not_shadowing(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    # 99-local.conf named in files: owned (here removed), so neither shadowing nor owning keys
    files = {SECCOMP_NAME: SECCOMP, "99-local.conf": None}
    result, failed = shadow_run(directory, files=files)
    assert not failed and result["changed_files"] == [str(directory / "99-local.conf")]
    assert result["disabled_files"] == []
    # a removed file of ours owns no keys: a later file may set what it used to set
    (directory / "99-local.conf").write_text(UNCONFINED)
    result, failed = shadow_run(directory, files={"10-stockade-seccomp.conf": None})
    assert not failed and not result["changed"]


def test_check_mode_reports_and_changes_nothing(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    (rootful / "50-site.conf").write_text('[containers]\npidns = "host"\n')
    before = snapshot(directory, rootful)
    result, failed = shadow_run(directory, check_mode=True, shadowing="disable", later_directories=[str(rootful)])
    assert not failed and result["changed"]
    assert [d["path"] for d in result["disabled_files"]] == [str(directory / "99-local.conf"),
                                                             str(rootful / "50-site.conf")]
    assert result["disabled_files"][1]["keys"] == ["containers.pidns"]
    assert result["rollback"] == []
    assert len(warnings_of(result)) == 2 and all("would be set aside" in w for w in warnings_of(result))
    assert snapshot(directory, rootful) == before


def test_diff_shows_what_is_kept_and_where_the_original_goes(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    result, failed = shadow_run(directory, check_mode=True, diff=True, shadowing="disable")
    assert not failed
    (diff,) = result["diff"]
    local = str(directory / "99-local.conf")
    assert diff["before"] == UNCONFINED
    assert tomllib.loads(diff["after"]) == {"containers": {"log_driver": "journald"}}
    assert diff["before_header"] == local
    assert "set aside" in diff["after_header"] and local + ".stockade-disabled" in diff["after_header"]


def test_a_file_with_nothing_else_is_set_aside_whole(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": '[containers]\nseccomp_profile = "unconfined"\n'})
    result, failed = shadow_run(directory, diff=True, shadowing="disable")
    assert not failed and not (directory / "99-local.conf").exists()
    assert result["disabled_files"][0]["kept_keys"] == [] and result["diff"][0]["after"] == ""


def test_a_disabled_name_never_overwrites_an_earlier_one(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    taken = directory / "99-local.conf.stockade-disabled"
    taken.write_text("earlier\n")
    result, failed = shadow_run(directory, shadowing="disable")
    assert not failed
    assert result["disabled_files"][0]["disabled_as"] == str(taken) + ".1"
    assert taken.read_text() == "earlier\n" and (directory / "99-local.conf.stockade-disabled.1").read_text() == UNCONFINED


@pytest.mark.parametrize("mode", ["fail", "disable"])
def test_an_unparseable_later_file_fails_naming_it_and_changes_nothing(shadow_run, tmp_path, mode):
    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    (rootful / "20-broken.conf").write_text('[containers]\nseccomp_profile = "unterminated\n')
    (directory / SECCOMP_NAME).write_text("# stale\n")
    before = snapshot(directory, rootful)
    result, failed = shadow_run(directory, shadowing=mode, later_directories=[str(rootful)])
    assert failed and str(rootful / "20-broken.conf") in result["msg"] and "line 2" in result["msg"]
    assert "TOML" in result["msg"]
    assert snapshot(directory, rootful) == before


def test_an_unparseable_earlier_file_is_not_read(shadow_run, tmp_path):
    directory, rootful = tree(tmp_path, **{"10-broken.conf": "[containers\n"})
    result, failed = shadow_run(directory)
    assert not failed and not result["changed"]


def test_rollback_of_a_disabled_file_restores_its_name_and_content(shadow_run, tmp_path):
    """engine_restart's restore(path, backup) copies the backup's content and mode back to path."""
    from ansible_collections.stockade.hardening.plugins.module_utils.config_files import restore

    directory, rootful = tree(tmp_path, **{"99-local.conf": UNCONFINED})
    local = directory / "99-local.conf"
    os.chmod(local, 0o600)
    result, failed = shadow_run(directory, files={SECCOMP_NAME: dict(SECCOMP, engine={"events_logger": "file"})},
                                shadowing="disable")
    assert not failed and read(local) == {"containers": {"log_driver": "journald"}}
    assert stat.S_IMODE(os.stat(local).st_mode) == 0o600   # the kept keys' file keeps the original's mode
    assert [r["path"] for r in result["rollback"]] == [str(directory / SECCOMP_NAME), str(local)]
    for entry in result["rollback"]:
        restore(entry["path"], entry["backup"])
    assert local.read_text() == UNCONFINED and stat.S_IMODE(os.stat(local).st_mode) == 0o600
    assert read(directory / SECCOMP_NAME) == SECCOMP  # ours back as it was, too
