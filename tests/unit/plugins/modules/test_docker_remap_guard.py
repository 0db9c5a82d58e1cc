# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_remap_guard on host trees read from disk (dockerd not answering);
the same against a running dockerd is tests/engines/test_docker_remap_guard.py."""

import json

from hosttree import write_tree
from ansible_collections.stockade.hardening.plugins.modules import docker_remap_guard

NO_DAEMON = "unix:///nonexistent/stockade-test.sock"
UNIT = "lib/systemd/system/docker.service"
PASSWD = ("root:x:0:0::/root:/bin/sh\ndockremap:x:998:998::/:/usr/sbin/nologin\n"
          "alice:x:1000:1000::/home/alice:/bin/sh\n")
USERS = {"etc/passwd": PASSWD, "etc/group": "root:x:0:\ndockremap:x:998:\nalice:x:1000:\n",
         UNIT: "[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n"}


def storage(root, container="web", running=True):
    """A storage root on disk as dockerd 20.10 lays it out."""
    image = "sha256:" + "ab" * 32
    return {
        root + "/containers/0123456789ab/config.v2.json": json.dumps(
            {"Name": "/" + container, "State": {"Running": running}, "Config": {"Image": "app:1"}}),
        root + "/image/overlay2/repositories.json": json.dumps({"Repositories": {"app": {
            "app:1": image, "app@sha256:" + "cd" * 32: image}}}),
        root + "/image/overlay2/imagedb/content/sha256/" + "ab" * 32: "{}",
        root + "/image/overlay2/imagedb/content/sha256/" + "ef" * 32: "{}",
        root + "/volumes/data/_data/file": "x",
        root + "/volumes/metadata.db": "",
    }


def guard(run_module, tmp_path, *layers, check_mode=False):
    tree = write_tree(tmp_path / "root", USERS, *layers)
    return run_module(docker_remap_guard.main, {"remap": "default", "root": tree, "docker_host": NO_DAEMON,
                                                "variable": "stockade_userns_docker_remap_hide_existing"},
                      check_mode=check_mode)


def test_enabling_remap_over_a_lived_in_root_is_refused_naming_everything(run_module, tmp_path):
    result, failed = guard(run_module, tmp_path, storage("var/lib/docker"),
                           {"etc/subuid": "dockremap:100000:65536\n", "etc/subgid": "dockremap:165536:65536\n"})
    assert failed and result["would_hide"]
    assert result["containers"] == [{"name": "web", "state": "running", "image": "app:1"}]
    assert result["images"] == ["app:1", "sha256:efefefefefef"]
    assert result["volumes"] == ["data"]
    assert result["new_storage_root"] == "/var/lib/docker/100000.165536"
    assert "containers web (running); images app:1, sha256:efefefefefef; volumes data" in result["msg"]
    assert "stockade_userns_docker_remap_hide_existing: true" in result["msg"]


def test_before_the_remap_user_has_ids_the_new_root_is_unnamed_but_new(run_module, tmp_path):
    result, failed = guard(run_module, tmp_path, storage("var/lib/docker"), check_mode=True)
    assert failed and result["new_storage_root"] is None
    assert "a new storage root under the data root" in result["msg"]


def test_remap_already_in_place_hides_nothing(run_module, tmp_path):
    result, failed = guard(run_module, tmp_path, storage("var/lib/docker/100000.100000"), {
        "etc/docker/daemon.json": '{"userns-remap": "default"}',
        "etc/subuid": "dockremap:100000:65536\n", "etc/subgid": "dockremap:100000:65536\n"})
    assert not failed and result["would_hide"] is False
    assert result["storage_root"] == "/var/lib/docker/100000.100000" and result["containers"][0]["name"] == "web"


def test_changing_the_remap_user_hides_the_old_users_root(run_module, tmp_path):
    result, failed = guard(run_module, tmp_path, storage("srv/docker/300000.300000", running=False), {
        "etc/docker/daemon.json": '{"userns-remap": "alice", "data-root": "/srv/docker"}',
        "etc/subuid": "dockremap:100000:65536\nalice:300000:65536\n",
        "etc/subgid": "dockremap:100000:65536\nalice:300000:65536\n"})
    assert failed and result["storage_root"] == "/srv/docker/300000.300000"
    assert result["new_storage_root"] == "/srv/docker/100000.100000"
    assert "containers web (exited)" in result["msg"]


def test_an_empty_root_is_remapped_without_a_word(run_module, tmp_path):
    result, failed = guard(run_module, tmp_path, {"var/lib/docker/volumes/metadata.db": ""})
    assert not failed and result["would_hide"] is False
    assert "hides" not in json.dumps(result.get("warnings", []))   # (other tests' warnings may linger)


def test_a_storage_root_that_cannot_be_read_refuses(run_module, tmp_path):
    broken = dict(storage("var/lib/docker"), **{"var/lib/docker/containers/0123456789ab/config.v2.json": "{not json"})
    result, failed = guard(run_module, tmp_path, broken)
    assert failed and "cannot tell what userns-remap=default would hide" in result["msg"]
    assert "config.v2.json: invalid JSON" in result["msg"]
