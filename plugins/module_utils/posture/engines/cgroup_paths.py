# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which container a cgroup path names, as each engine names it.

The paths, per engine and cgroup driver (sources in /work/notes/rootless/notes.md 4.1):
  Docker, systemd driver      .../system.slice/docker-<64hex>.scope           (moby daemon/oci_linux.go)
  Docker rootless, systemd    .../user@<uid>.service/user.slice/docker-<id>.scope
  Docker, cgroupfs            /docker/<64hex>                                 (measured, 20.10)
  Podman, systemd             .../machine.slice/libpod-<64hex>.scope[/container] (crun's subgroup)
  Podman rootless, systemd    .../user@<uid>.service/user.slice/libpod-<id>.scope[/container]
  Podman, cgroupfs            /libpod_parent/libpod-<64hex>                   (measured, 4.3)
  Podman under systemd units  <unit>/libpod-payload-<64hex>                   (--cgroups=split)
  Podman's conmon             libpod-conmon-<id>.scope, /libpod_parent/conmon (a monitor: no container)
  CRI-O                       crio-<64hex>.scope[/container] or <parent>/crio-<64hex>; crio-conmon-<id> is conmon
  containerd CRI              cri-containerd-<64hex>.scope
  containerd `ctr run`        /<namespace>/<id> (oci/spec.go); only `default` is told by the path
                              alone, any other namespace by its shim's -namespace/-id
A path is relative to the reader's cgroup namespace root. On hybrid hosts the
v2 line is just `/` for engine containers, so a v1 line (pids, memory,
name=systemd, cpu) is asked when the unified one names nothing. A rootless
container on cgroupfs has no cgroup of its own (the user's session, or `/`):
nothing here claims such a path; its monitor (conmon, the shim) finds it."""

from __future__ import annotations

import re

ID = r"(?P<id>[0-9a-f]{64})"
USER = re.compile(r"/user-(?P<uid>\d+)\.slice/user@(?P=uid)\.service(?:/|$)")
# (pattern, engine, monitor): the first match of the last path component(s) wins
PATTERNS = (
    (re.compile(r"(?:^|/)libpod-conmon-" + ID + r"\.scope$"), "podman", True),
    (re.compile(r"(?:^|/)crio-conmon-" + ID + r"(?:\.scope)?$"), "crio", True),
    (re.compile(r"(?:^|/)docker-" + ID + r"\.scope(?:/.*)?$"), "docker", False),
    (re.compile(r"(?:^|/)libpod-payload-" + ID + r"(?:/.*)?$"), "podman", False),
    (re.compile(r"(?:^|/)libpod-" + ID + r"(?:\.scope)?(?:/.*)?$"), "podman", False),
    (re.compile(r"(?:^|/)cri-containerd-" + ID + r"\.scope(?:/.*)?$"), "containerd", False),
    (re.compile(r"(?:^|/)crio-" + ID + r"(?:\.scope)?(?:/.*)?$"), "crio", False),
    (re.compile(r"^(?:/\.\.)*/docker/" + ID + r"(?:/.*)?$"), "docker", False),
    (re.compile(r"^(?:/\.\.)*/default/(?P<id>[A-Za-z0-9][A-Za-z0-9_.-]{0,75})$"), "containerd", False),
)
# The hierarchies asked, in order: v2 first, then v1 controllers every engine joins.
HIERARCHIES = ("0", "pids", "memory", "name=systemd", "cpu", "devices")


class CgroupMatch:
    """A container named by a cgroup path."""

    def __init__(self, engine, container_id, path, owner_uid, monitor):
        self.engine = engine
        self.id = container_id
        self.path = path
        self.owner_uid = owner_uid   # from user@UID.service, or None (root's slices, cgroupfs)
        self.monitor = monitor       # the path is a monitor's (conmon), not the container's

    def __repr__(self):
        return "CgroupMatch(%s, %s, %s)" % (self.engine, self.id[:12], self.path)


def match_path(path):
    """The container `path` names, or None."""
    for pattern, engine, monitor in PATTERNS:
        found = pattern.search(path)
        if found:
            user = USER.search(path)
            return CgroupMatch(engine, found.group("id"), path, int(user.group("uid")) if user else None, monitor)
    return None


# Words every PATTERNS path holds: a cgroup file without any of them names no container.
MARKERS = ("docker", "libpod", "crio", "cri-containerd", "/default/")


def may_name_container(cgroup_text):
    """False when no line of a /proc/PID/cgroup text can name a container (a cheap
    test before parsing: a host has thousands of processes and few containers)."""
    return any(marker in cgroup_text for marker in MARKERS)


def match(cgroups):
    """The container the process's cgroups ({hierarchy: path}) name, or None."""
    for hierarchy in HIERARCHIES:
        path = cgroups.get(hierarchy)
        if path and path != "/":
            found = match_path(path)
            if found:
                return found
    return None


def container_path(cgroups):
    """The path to show for a process: the v2 one unless it is the bare root, else a v1 one."""
    for hierarchy in HIERARCHIES:
        path = cgroups.get(hierarchy)
        if path and path != "/":
            return path
    return cgroups.get("0") or "/"


def user_of(path):
    """The uid of a user@UID.service path, or None."""
    found = USER.search(path or "")
    return int(found.group("uid")) if found else None


def is_namespace_path(path, namespace, container_id):
    """Whether `path` is containerd's `/<namespace>/<id>` (ctr run's default) cgroup."""
    return bool(re.match(r"^(?:/\.\.)*/" + re.escape(namespace) + "/" + re.escape(container_id) + r"$", path or ""))
