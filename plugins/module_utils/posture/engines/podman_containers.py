# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rootful Podman's containers, asked with one podman call at most.

Podman has no daemon to ask, and every podman start-up costs seconds on a
slow host, so the audit does not ask it for the list: it reads the list that
containers/storage keeps itself (`<graphroot>/<driver>-containers/
containers.json`, and `volatile-containers.json` under the run root for
`--rm` containers; containers/storage 1.43, Podman 4.3; same files in 5.x),
leaves out those whose conmon (the monitor every Podman container runs
under, its pid in `<runroot>/<driver>-containers/<id>/userdata/conmon.pid`,
kept after the container exits) is no longer alive, and runs one `podman
container inspect` for the rest, or none when none is left. Containers in
the store that Podman does not manage (Buildah's, CRI-O's) make podman print
"no such container" for those ids and inspect the others: that is expected.

storage.conf is read as containers/storage reads it for root: the file named
by CONTAINERS_STORAGE_CONF, else /etc/containers/storage.conf, else
/usr/share/containers/storage.conf; one file, no merging between them
(containers-storage.conf(5): "do not inherit fields from other storage.conf
files").
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess

from ..readers.hostfs import ConfigError
from .layered_config import read_toml

STORAGE_CONF_PATHS = ("/etc/containers/storage.conf", "/usr/share/containers/storage.conf")
DEFAULT_GRAPHROOT = "/var/lib/containers/storage"
DEFAULT_RUNROOT = "/run/containers/storage"
DRIVERS = ("overlay", "vfs", "btrfs", "zfs", "aufs", "devmapper")
TIMEOUT_SECONDS = 20
NO_SUCH = "no such container"


class PodmanError(Exception):
    """Podman's containers could not be listed or inspected."""


def storage_conf_path(host, environ):
    path = environ.get("CONTAINERS_STORAGE_CONF")
    if path:
        return path
    return host.first_existing(STORAGE_CONF_PATHS)


def storage_roots(host, environ):
    """(graphroot, runroot, drivers to look under, storage.conf used or None)."""
    path = storage_conf_path(host, environ)
    storage = {}
    if path and host.exists(path):
        storage = read_toml(host, path).get("storage") or {}
        if not isinstance(storage, dict):
            raise ConfigError(path, "[storage] must be a table")
    graphroot = storage.get("graphroot") or DEFAULT_GRAPHROOT
    runroot = storage.get("runroot") or DEFAULT_RUNROOT
    driver = storage.get("driver") or ""
    for key, value in (("graphroot", graphroot), ("runroot", runroot), ("driver", driver)):
        if not isinstance(value, str):
            raise ConfigError(path, "storage.%s must be a string, found %r" % (key, value))
    return graphroot, runroot, [driver] if driver else list(DRIVERS), path


def stored_container_ids(host, environ, running_only=False):
    """Ids of every container in the store (running or not, any manager);
    with `running_only`, without those whose conmon is known to be gone."""
    graphroot, runroot, drivers, dummy = storage_roots(host, environ)
    ids = []
    for driver in drivers:
        for root, name in ((graphroot, "containers.json"), (runroot, "volatile-containers.json")):
            path = posixpath.join(root, "%s-containers" % driver, name)
            entries = host.read_json(path)
            if entries is None:
                continue
            if not isinstance(entries, list):
                raise ConfigError(path, "expected a JSON list of containers")
            for entry in entries:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    if not running_only or not _conmon_gone(host, runroot, driver, entry["id"]):
                        ids.append(entry["id"])
    return ids


def _conmon_gone(host, runroot, driver, container_id):
    """True only when the container's conmon.pid names a process that is not
    its conmon any more (exited, or the pid reused): then the container is
    not running. Anything unknown (no pid file, unreadable) is not gone."""
    path = posixpath.join(runroot, "%s-containers" % driver, container_id, "userdata", "conmon.pid")
    try:
        text = host.read_text(path)
    except ConfigError:
        return False
    if text is None or not text.strip().isdigit():
        return False
    try:
        cmdline = host.read_text("/proc/%d/cmdline" % int(text.strip()))
    except ConfigError:
        return False
    if cmdline is None:
        return True  # no such process
    words = cmdline.split("\x00")
    return not (words and posixpath.basename(words[0]) == "conmon" and container_id in words)


def _only_unknown_ids(stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    return bool(lines) and all(NO_SUCH in line for line in lines)


def inspect(binary, ids, environ=None):
    """podman container inspect for `ids` in one call: the list of documents."""
    if not ids:
        return []
    try:
        completed = subprocess.run([binary, "container", "inspect"] + list(ids),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=TIMEOUT_SECONDS, check=False, env=environ)
    except subprocess.TimeoutExpired:
        raise PodmanError("podman did not answer within %d s" % TIMEOUT_SECONDS)
    except OSError as exc:
        raise PodmanError("podman cannot be run: %s" % exc)
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode != 0 and not _only_unknown_ids(stderr):
        message = stderr.strip().splitlines()
        raise PodmanError(message[-1] if message else "exit status %d" % completed.returncode)
    text = completed.stdout.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        documents = json.loads(text)
    except ValueError as exc:
        raise PodmanError("podman returned unreadable JSON: %s" % exc)
    if not isinstance(documents, list):
        raise PodmanError("podman container inspect did not return a list")
    return documents


def running_containers(host, binary, environ=None):
    """The inspect documents of Podman's running containers (one podman call)."""
    environ = os.environ if environ is None else environ
    documents = inspect(binary, stored_container_ids(host, environ, running_only=True), dict(environ))
    return [doc for doc in documents
            if isinstance(doc, dict) and (doc.get("State") or {}).get("Running") is True]
