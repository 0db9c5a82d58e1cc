# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A set-aside drop-in's other keys keep applying (issue 9, item 7b), with Podman's own reading.

The lived-in host of the issue: a legacy drop-in read after ours sets
`seccomp_profile = "unconfined"` (which undoes the hardening) and
`pids_limit = 4096` (which is the site's own). After the run, the engine's
view (the posture audit's containers.conf reader) has our profile and still
the site's pids_limit; nothing of the file is lost; check mode changes
nothing; the rollback puts the original back.
"""

import os
import tomllib

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils import config_dropins as logic
from ansible_collections.stockade.hardening.plugins.module_utils.config_files import restore
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    containers_conf,
)
from ansible_collections.stockade.hardening.plugins.modules import config_dropins

OURS = {"50-stockade-seccomp.conf": {"containers": {"seccomp_profile": "/etc/stockade/seccomp/no-compat.json"}}}
LEGACY = '# site limits, 2024\n[containers]\nseccomp_profile = "unconfined"  # old app needed it\npids_limit = 4096\n'
PODMAN_43 = "Package: podman\nStatus: install ok installed\nVersion: 4.3.1+ds1-8+deb12u1+b3\n"
PODMAN_54 = "Package: podman\nStatus: install ok installed\nVersion: 5.4.2+ds1-2\n"


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A root with dpkg's record of Podman 4.3; the module reads Podman's files under it."""
    root = tmp_path / "root"
    (root / "etc/containers/containers.conf.d").mkdir(parents=True)
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text(PODMAN_43)
    monkeypatch.setattr(logic, "HOST_ROOT", str(root))
    return root


def dropins(root):
    return root / "etc/containers/containers.conf.d"


def run(run_module, root, check_mode=False, diff=False, shadowing="disable", **extra):
    # the module sees host paths; the fixture root stands for / (HOST_ROOT)
    args = dict(directory="/etc/containers/containers.conf.d", files=OURS, engine="podman", shadowing=shadowing,
                _ansible_diff=diff, **extra)
    return _run_in_root(run_module, root, args, check_mode)


def _run_in_root(run_module, root, args, check_mode):
    """Run the module with its paths under `root`: the directory option is rewritten, the engine's own
    files are found through HOST_ROOT."""
    args = dict(args, directory=str(root) + args["directory"])
    return run_module(config_dropins.main, args, check_mode=check_mode)


def snapshot(root):
    found = {}
    for base, dummy, names in os.walk(root):
        for name in names:
            path = os.path.join(base, name)
            found[path] = open(path, "rb").read()
    return found


def test_the_legacy_files_other_keys_keep_applying(run_module, host):
    legacy = dropins(host) / "99-legacy.conf"
    legacy.write_text(LEGACY)
    os.chmod(legacy, 0o640)
    result, failed = run(run_module, host)
    assert not failed and result["changed"]
    (entry,) = result["disabled_files"]
    assert entry["keys"] == ["containers.seccomp_profile"] and entry["kept_keys"] == ["containers.pids_limit"]
    assert entry["lost_keys"] == []
    assert open(entry["disabled_as"]).read() == LEGACY                  # the original, comments and all
    assert tomllib.loads(legacy.read_text()) == {"containers": {"pids_limit": 4096}}
    assert oct(os.stat(legacy).st_mode & 0o777) == oct(0o640)
    config = containers_conf(HostRoot(str(host)))
    assert config.get("containers.seccomp_profile").value == "/etc/stockade/seccomp/no-compat.json"
    pids = config.get("containers.pids_limit")
    assert pids.value == 4096 and pids.source == "/etc/containers/containers.conf.d/99-legacy.conf"
    # a second run has nothing to do
    again, failed = run(run_module, host)
    assert not failed and not again["changed"] and again["disabled_files"] == []
    # the rollback gives the original back under its name
    for step in result["rollback"]:
        restore(step["path"], step["backup"])
    assert legacy.read_text() == LEGACY


def test_check_mode_changes_nothing_and_the_diff_shows_the_kept_file(run_module, host):
    (dropins(host) / "99-legacy.conf").write_text(LEGACY)
    before = snapshot(host)
    result, failed = run(run_module, host, check_mode=True, diff=True)
    assert not failed and result["changed"] and snapshot(host) == before
    kept = [d for d in result["diff"] if d["before_header"].endswith("99-legacy.conf")][0]
    assert kept["before"] == LEGACY and tomllib.loads(kept["after"]) == {"containers": {"pids_limit": 4096}}
    assert "would be set aside" in " ".join(w if isinstance(w, str) else w["event"]["msg"]
                                            for w in result.get("warnings", []))


def test_keys_are_matched_as_podman_matches_them(run_module, host):
    (dropins(host) / "99-legacy.conf").write_text('[CONTAINERS]\nSECCOMP_PROFILE = "unconfined"\nPids_Limit = 4096\n')
    result, failed = run(run_module, host)
    assert not failed and result["disabled_files"][0]["kept_keys"] == ["CONTAINERS.Pids_Limit"]
    assert tomllib.loads((dropins(host) / "99-legacy.conf").read_text()) == {"CONTAINERS": {"Pids_Limit": 4096}}
    config = containers_conf(HostRoot(str(host)))
    assert config.get("containers.pids_limit").value == 4096
    assert config.get("containers.seccomp_profile").value == "/etc/stockade/seccomp/no-compat.json"


def test_podman_5_4_reads_roots_home_config_after_ours(run_module, host):
    (host / "var/lib/dpkg/status").write_text(PODMAN_54)
    home = host / "root/.config/containers/containers.conf.d"
    home.mkdir(parents=True)
    (home / "10-mine.conf").write_text(LEGACY)
    result, failed = run(run_module, host, shadowing="fail")
    assert failed and "/root/.config/containers/containers.conf.d/10-mine.conf" in result["msg"]
    result, failed = run(run_module, host)
    assert not failed
    assert tomllib.loads((home / "10-mine.conf").read_text()) == {"containers": {"pids_limit": 4096}}


def test_every_value_of_the_kept_keys_survives(run_module, host):
    text = ('[containers]\nseccomp_profile = "unconfined"\nenv = ["A=1", "B=2"]\nlog_size_max = -1\n'
            '[engine]\nevents_logfile_max_size = "1m"\n[engine.runtimes]\nkata = ["/usr/bin/kata"]\n'
            '[engine.service_destinations.prod]\nuri = "ssh://root@host/run/podman/podman.sock"\n'
            '[site]\nwhen = 1979-05-27T07:32:00Z\nratio = nan\n')
    (dropins(host) / "99-legacy.conf").write_text(text)
    before = containers_conf(HostRoot(str(host))).settings()
    result, failed = run(run_module, host)
    assert not failed
    after = containers_conf(HostRoot(str(host))).settings()
    assert {k: s.value for k, s in after.items() if k != "containers.seccomp_profile"} == \
        {k: s.value for k, s in before.items() if k != "containers.seccomp_profile"}


def test_when_the_rest_cannot_be_written_exactly_the_warning_names_each_lost_key(run_module, host, monkeypatch):
    (dropins(host) / "99-legacy.conf").write_text(LEGACY)

    def refuse(data, owner=None, comment=None):
        if comment is not None:
            raise logic.TomlWriteError("containers.pids_limit: simulated refusal")
        return original(data, owner)
    original = logic.dumps
    monkeypatch.setattr(logic, "dumps", refuse)
    result, failed = run(run_module, host)
    assert not failed
    (entry,) = result["disabled_files"]
    assert entry["kept_keys"] == [] and entry["lost_keys"] == ["containers.pids_limit"]
    assert not (dropins(host) / "99-legacy.conf").exists()
    warning = " ".join(w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", []))
    assert "NO LONGER APPLY: containers.pids_limit" in warning and "simulated refusal" in warning


@pytest.mark.parametrize("data, keys, podman, left", [
    ({"containers": {"a": 1, "b": 2}}, ["containers.a"], False, {"containers": {"b": 2}}),
    ({"containers": {"a": 1}}, ["containers.a"], False, {}),
    ({"Containers": {"A": 1, "b": 2}}, ["containers.a"], True, {"Containers": {"b": 2}}),
    ({"Containers": {"A": 1}}, ["containers.a"], False, {"Containers": {"A": 1}}),
    ({"engine": {"runtimes": {"Kata": ["/k"], "kata": ["/x"]}}}, ["engine.runtimes.kata"], True,
     {"engine": {"runtimes": {"Kata": ["/k"]}}}),
])
def test_without_keys_matches_as_the_engine_does(data, keys, podman, left):
    assert logic.without_keys(data, keys, object() if podman else None) == left
    assert logic.leaf_keys(left) == sorted(logic.leaf_keys(left))
