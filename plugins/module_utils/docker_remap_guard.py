# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What enabling (or changing) dockerd's userns-remap would hide, and the
refusal unless the operator accepts it.

With userns-remap, dockerd keeps everything under a storage root of its own,
DATA_ROOT/UID.GID (moby daemon/daemon_unix.go: the remapped root ids are the
first subordinate ids of the remap user and group). The containers, images
and volumes of the current storage root stay on disk, but Docker no longer
shows or runs them: a running container stops with the restart and does not
come back. So a host that has any refuses the change unless the operator
says so.

What exists is asked from the running dockerd over its API (as the docker
CLI would: `docker ps -a`, `docker images`, `docker volume ls`), or, when
it does not answer, read from the current storage root on disk
(containers/*/config.v2.json, image/DRIVER/repositories.json and imagedb,
volumes/*), as dockerd itself lays it out (moby 20.10 to 26). Standard
library only.
"""

from __future__ import annotations

import posixpath

from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import (
    docker_api, docker_daemon, docker_listeners,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import read_ids, read_ranges
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root

ARGUMENT_SPEC = dict(
    remap=dict(type="str", required=True),
    hide_existing=dict(type="bool", default=False),
    variable=dict(type="str", default="hide_existing"),
    docker_host=dict(type="str"),
    root=dict(type="path", default="/"),
)

DEFAULT_DATA_ROOT = "/var/lib/docker"
SHOWN = 20   # names listed per kind in a message; the result has them all
VOLUME_FILES = ("metadata.db", "backingFsBlockDev")


class Inventory:
    """What one storage root holds, and where that was seen."""

    def __init__(self, storage_root, source, containers, images, volumes):
        self.storage_root = storage_root
        self.source = source          # "dockerd API at ..." or "data root on disk (...)"
        self.containers = containers  # [{"name", "state", "image"}]
        self.images = images          # ["repo:tag, ..." or "sha256:" and 12 hex digits]
        self.volumes = volumes        # [name]

    @property
    def empty(self):
        return not (self.containers or self.images or self.volumes)

    def as_dict(self):
        return {"storage_root": self.storage_root, "source": self.source, "containers": self.containers,
                "images": self.images, "volumes": self.volumes}


class GuardError(Exception):
    """The change cannot be judged, or must not be made; the message says why."""


def remapped_root(host, data_root, value):
    """DATA_ROOT/UID.GID for a userns-remap value, or None while its user or
    group has no subordinate ids yet."""
    user, group = docker_daemon.remap_identity(value)
    uid = _first_start(read_ranges(host, "/etc/subuid"), user, read_ids(host, "/etc/passwd").get(user))
    gid = _first_start(read_ranges(host, "/etc/subgid"), group, read_ids(host, "/etc/group").get(group))
    if uid is None or gid is None:
        return None
    return posixpath.join(data_root, "%d.%d" % (uid, gid))


def _first_start(ranges, name, number):
    # dockerd sorts the owner's ranges and maps root to the lowest start
    owners = {name} if number is None else {name, str(number)}
    starts = [r.start for r in ranges if r.owner in owners]
    return min(starts) if starts else None


def _names(entries, key, shorten=None):
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            value = entry.get(key)
            found.append(shorten(value, entry) if shorten else value)
    return sorted(str(v) for v in found if v)


def _image_names(tags, entry):
    tags = [t for t in (tags or []) if t and t != "<none>:<none>"]
    return ", ".join(tags) if tags else str(entry.get("Id", ""))[:19]


def from_api(endpoint):
    """The running dockerd's Inventory; docker_api.ApiError when it does not answer."""
    api = docker_api.DockerApi(endpoint)
    info = api.get("/info")
    containers = api.get("/containers/json?all=1")
    images = api.get("/images/json")
    volumes = api.get("/volumes")
    listed = []
    for entry in containers if isinstance(containers, list) else []:
        if isinstance(entry, dict):
            names = [str(n).lstrip("/") for n in entry.get("Names") or []]
            listed.append({"name": ", ".join(names) or str(entry.get("Id", ""))[:12],
                           "state": str(entry.get("State") or ""), "image": str(entry.get("Image") or "")})
    root = str(info.get("DockerRootDir") or "") if isinstance(info, dict) else ""
    if not root:
        raise docker_api.ApiError("dockerd's /info names no DockerRootDir")
    return Inventory(root, "dockerd API at %s" % endpoint.describe(),
                     sorted(listed, key=lambda c: c["name"]), _names(images, "RepoTags", _image_names),
                     _names(volumes.get("Volumes") if isinstance(volumes, dict) else [], "Name"))


def from_disk(host, storage_root):
    """The Inventory of a storage root read from disk (dockerd not running)."""
    containers = []
    for name in _listing(host, posixpath.join(storage_root, "containers")):
        document = host.read_json(posixpath.join(storage_root, "containers", name, "config.v2.json")) or {}
        state = document.get("State") or {}
        containers.append({"name": str(document.get("Name") or name[:12]).lstrip("/"),
                           "state": "running" if state.get("Running") else "exited",
                           "image": str((document.get("Config") or {}).get("Image") or "")})
    images = []
    for driver in _listing(host, posixpath.join(storage_root, "image")):
        layout = posixpath.join(storage_root, "image", driver)
        tagged = {}
        repositories = host.read_json(posixpath.join(layout, "repositories.json")) or {}
        for tags in (repositories.get("Repositories") or {}).values():
            for tag, digest in (tags or {}).items():
                if "@" not in tag:
                    tagged.setdefault(str(digest), []).append(tag)
        for name in _listing(host, posixpath.join(layout, "imagedb", "content", "sha256")):
            digest = "sha256:" + name
            images.append(_image_names(sorted(tagged.get(digest, [])), {"Id": digest}))
    volumes = [n for n in _listing(host, posixpath.join(storage_root, "volumes")) if n not in VOLUME_FILES]
    return Inventory(storage_root, "the storage root on disk (dockerd did not answer)",
                     sorted(containers, key=lambda c: c["name"]), sorted(images), sorted(volumes))


def _listing(host, path):
    names = set(host.list_dir(path)) | set(host.list_subdirs(path))
    return sorted(n for n in names if not n.startswith("."))


def judge(root="/", remap="default", docker_host=None):
    """(would_hide, current Inventory, new storage root or None) for setting
    userns-remap to `remap` on the host under `root`."""
    host = HostRoot(root)
    config = docker_daemon.load(host)
    data_root = config.get("data-root").value or DEFAULT_DATA_ROOT
    current_remap = config.get("userns-remap").value or None
    new_root = remapped_root(host, data_root, remap)
    inventory = None
    endpoint, why_not = _endpoint(host, config, docker_host)
    if endpoint is not None:
        try:
            inventory = from_api(endpoint)
        except docker_api.ApiError as exc:
            why_not = str(exc)
    if inventory is None:
        current_root = remapped_root(host, data_root, current_remap) if current_remap else data_root
        if current_root is None:
            raise GuardError("userns-remap is %s in %s but its user has no subordinate ids, and dockerd did not "
                             "answer (%s): where its data is cannot be told" % (
                                 current_remap, config.daemon_json_path, why_not))
        inventory = from_disk(host, current_root)
    # Without ids yet (they come later in the play, or in check mode never),
    # the remap user cannot be the one dockerd runs with now: a new root.
    would_hide = new_root is None or posixpath.normpath(inventory.storage_root) != posixpath.normpath(new_root)
    return would_hide, inventory, new_root


def _endpoint(host, config, docker_host):
    if docker_host:
        endpoint = docker_api.parse_host(docker_host, "docker_host option")
        return endpoint, None if endpoint else "%s cannot be reached without the docker CLI" % docker_host
    return docker_api.choose_endpoint(docker_listeners.listeners(host, config),
                                      daemon_tls=docker_listeners.tls_enabled(config))


def _shown(items):
    if len(items) <= SHOWN:
        return ", ".join(items)
    return "%s and %d more" % (", ".join(items[:SHOWN]), len(items) - SHOWN)


def describe(inventory):
    """'containers web (running), ...; images ...; volumes ...' for a message."""
    parts = []
    if inventory.containers:
        parts.append("containers " + _shown(["%s (%s)" % (c["name"], c["state"]) for c in inventory.containers]))
    if inventory.images:
        parts.append("images " + _shown(inventory.images))
    if inventory.volumes:
        parts.append("volumes " + _shown(inventory.volumes))
    return "; ".join(parts)


def refusal(remap, inventory, new_root, variable):
    """The message of a refused change."""
    where = new_root or "a new storage root under the data root (DATA_ROOT/UID.GID of the remap user)"
    return ("refusing to set dockerd's userns-remap to %s: dockerd would then keep its data in %s, and what it has "
            "now in %s would disappear from Docker's view (not deleted; a running container stops with the "
            "restart and does not come back): %s (seen by %s). Move or re-create them after the change, or set "
            "%s: true to accept this, or leave Docker unremapped (stockade_userns_docker_remap: null; the playbook's verify then "
            "reports docker-userns-remap waived by that variable)."
            % (remap, where, inventory.storage_root, describe(inventory), inventory.source, variable))


def run_module(module):
    """docker_remap_guard: judge, then fail or report."""
    params = module.params
    if HostRoot(params["root"]).is_live:
        require_root(module, "docker_remap_guard", "asks dockerd's API socket and reads its storage root, "
                                                   "/var/lib/docker, which only root may")
    try:
        would_hide, inventory, new_root = judge(params["root"], params["remap"], params["docker_host"])
    except (ConfigError, GuardError) as exc:
        message = "%s: %s" % (exc.path, exc.cause) if isinstance(exc, ConfigError) else str(exc)
        module.fail_json(msg="cannot tell what userns-remap=%s would hide, so it is not enabled: %s"
                         % (params["remap"], message))
    hidden = would_hide and not inventory.empty
    result = dict(changed=False, would_hide=hidden, new_storage_root=new_root, **inventory.as_dict())
    if hidden and not params["hide_existing"]:
        module.fail_json(msg=refusal(params["remap"], inventory, new_root, params["variable"]), **result)
    if hidden:
        module.warn("userns-remap=%s hides, as %s allows: %s"
                    % (params["remap"], params["variable"], describe(inventory)))
    module.exit_json(**result)
