# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer operations, CIS Docker Benchmark 1.6.0 section 1.1: Docker's data root
is a file system of its own (1.1.1), and the Linux audit system records
changes to Docker's binaries, configuration and sockets (1.1.3 to 1.1.18).

Each audit watch is on the file the host really uses (dockerd and runc live in
/usr/sbin on Debian, daemon.json may be moved by --config-file), and is
judged on the kernel's loaded rules together with what auditd will load at
its next start. A watch on a directory covers everything below it, as the
kernel applies it."""

from __future__ import annotations

import posixpath
import re
from collections import namedtuple

from ...readers.audit_rules import AuditUnavailable
from ...readers.hostfs import ConfigError
from ...readers.systemd_units import unit_file_paths
from ...model import Remediation, judged, not_applicable
from ...registry import control
from ..docker_daemon_checks import effective_value, running_info

LAYER = "operations"
DEFAULT_DATA_ROOT = "/var/lib/docker"
USERNS_SUBDIR = re.compile(r"^\d+\.\d+$")


# 1.1.1: the data root's file system -----------------------------------------------------

def _unescape(field):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _own_file_system_live(ctx, path):
    """(whether `path` is the root of a file system other than its parent's,
    what /proc/self/mountinfo says). A bind mount of a directory onto itself
    (dockerd makes one of its data root at start) is a mount point on the
    same file system: it is not a partition of its own."""
    text = ctx.host.read_text("/proc/self/mountinfo") or ""
    mounts = {}
    at_path = None
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        mounts[fields[0]] = fields
        if _unescape(fields[4]) == path:
            at_path = fields  # a later mount on the same point hides the earlier one
    if at_path is None:
        return False, "%s is not a mount point" % path
    parent = mounts.get(at_path[1])
    if parent is not None and parent[2] == at_path[2]:
        return False, "%s is a bind mount of %s from the file system of %s (device %s), not a file " \
                      "system of its own" % (path, _unescape(at_path[3]), _unescape(parent[4]), at_path[2])
    return True, "%s is the mount point of its own file system (device %s)" % (path, at_path[2])


def _own_file_system_fstab(ctx, path):
    text = ctx.host.read_text("/etc/fstab") or ""
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4 and not fields[0].startswith("#") and \
                posixpath.normpath(_unescape(fields[1])) == path and "bind" not in fields[3].split(","):
            return True, "%s is mounted from %s" % (path, fields[0])
    return False, "no file system is mounted on %s" % path


def check_data_root_partition(ctx):
    setting, data_root = effective_value(ctx.docker, "data-root", DEFAULT_DATA_ROOT)
    evidence = [setting.describe("data-root")]
    info = running_info(ctx)
    if info and info.get("DockerRootDir"):
        running = str(info["DockerRootDir"])
        # with userns-remap dockerd keeps its data in <data root>/<uid>.<gid>
        if USERNS_SUBDIR.match(posixpath.basename(running)):
            running = posixpath.dirname(running)
        evidence.append("running dockerd: DockerRootDir %s" % info["DockerRootDir"])
        data_root = running
    data_root = posixpath.normpath(str(data_root))
    if ctx.host.is_live:
        mounted, line = _own_file_system_live(ctx, data_root)
        evidence.append("/proc/self/mountinfo: " + line)
    else:
        mounted, line = _own_file_system_fstab(ctx, data_root)
        evidence.append("/etc/fstab: " + line)
    return judged(mounted, evidence)


control(id="docker-data-root-partition", layer=LAYER, engine="docker", cis="1.1.1", required=False,
        title="Docker's data root is a file system of its own",
        rationale="Images, containers and logs under /var/lib/docker can fill the root file system "
                  "and stop the host.",
        remediation=Remediation(None, {}, "mount a separate file system (LVM volume, partition) on "
                                          "Docker's data root"),
        check=check_data_root_partition, evidence="kernel")


# 1.1.3 to 1.1.18: audit watches -------------------------------------------------------------

CONTAINERD_CONFIG = "/etc/containerd/config.toml"
CONTAINERD_SOCKET = "/run/containerd/containerd.sock"


def _binary(name):
    def target(ctx):
        return ctx.host.which(name)
    return target


def _fixed(path):
    def target(ctx):
        return path if ctx.host.exists(path) else None
    return target


def _unit(name):
    def target(ctx):
        files = unit_file_paths(ctx.host, name)
        return files[0] if files else None
    return target


def _data_root(ctx):
    value = ctx.docker.get("data-root").value or "/var/lib/docker"
    return value if ctx.host.exists(value) else None


def _daemon_json(ctx):
    path = ctx.docker.daemon_json_path
    return path if ctx.host.exists(path) else None


# One watched path: `find(ctx)` gives the host's path, or None where it does not exist.
AuditWatch = namedtuple("AuditWatch", ("cis", "suffix", "what", "find"))
WATCHED = (
    AuditWatch(cis="1.1.3", suffix="dockerd", what="the dockerd binary", find=_binary("dockerd")),
    AuditWatch(cis="1.1.4", suffix="run-containerd", what="/run/containerd", find=_fixed("/run/containerd")),
    AuditWatch(cis="1.1.5", suffix="data-root", what="Docker's data root (/var/lib/docker)", find=_data_root),
    AuditWatch(cis="1.1.6", suffix="etc-docker", what="/etc/docker", find=_fixed("/etc/docker")),
    AuditWatch(cis="1.1.7", suffix="docker-service", what="the docker.service unit", find=_unit("docker.service")),
    AuditWatch(cis="1.1.8", suffix="containerd-sock", what="containerd's socket", find=_fixed(CONTAINERD_SOCKET)),
    AuditWatch(cis="1.1.9", suffix="docker-socket-unit", what="the docker.socket unit", find=_unit("docker.socket")),
    AuditWatch(cis="1.1.10", suffix="etc-default-docker", what="/etc/default/docker",
               find=_fixed("/etc/default/docker")),
    AuditWatch(cis="1.1.11", suffix="daemon-json", what="daemon.json", find=_daemon_json),
    AuditWatch(cis="1.1.12", suffix="containerd-config", what=CONTAINERD_CONFIG, find=_fixed(CONTAINERD_CONFIG)),
    AuditWatch(cis="1.1.13", suffix="etc-sysconfig-docker", what="/etc/sysconfig/docker",
               find=_fixed("/etc/sysconfig/docker")),
    AuditWatch(cis="1.1.14", suffix="containerd", what="the containerd binary", find=_binary("containerd")),
    AuditWatch(cis="1.1.15", suffix="containerd-shim", what="the containerd-shim binary",
               find=_binary("containerd-shim")),
    AuditWatch(cis="1.1.16", suffix="containerd-shim-runc-v1", what="the containerd-shim-runc-v1 binary",
               find=_binary("containerd-shim-runc-v1")),
    AuditWatch(cis="1.1.17", suffix="containerd-shim-runc-v2", what="the containerd-shim-runc-v2 binary",
               find=_binary("containerd-shim-runc-v2")),
    AuditWatch(cis="1.1.18", suffix="runc", what="the runc binary", find=_binary("runc")),
)


def _resolved(ctx, path):
    try:
        return ctx.host.resolve(path)
    except ConfigError:
        return path


def _covering(ctx, watches, target):
    """The watch that covers `target` (the path itself, or a directory tree above it)."""
    wanted = _resolved(ctx, target)
    for path, tree in watches:
        watched = _resolved(ctx, path)
        if watched == wanted or tree and wanted.startswith(watched.rstrip("/") + "/"):
            return path
    return None


def audit_watch_check(what, find_target):
    """The check that an audit watch covers the path `find_target(ctx)` gives, now and at auditd's next start."""
    def check(ctx):
        target = find_target(ctx)
        if target is None:
            return not_applicable("%s is not on this host" % what)
        next_start, files = ctx.audit_file_watches
        later = _covering(ctx, next_start, target)
        evidence = ["%s: %s" % (" ".join(files) or "no audit rule files",
                                "watched by %s" % later if later else "%s not watched" % target)]
        ok = bool(later)
        if ctx.host.is_live:
            try:
                kernel = ctx.audit_kernel_watches
            except AuditUnavailable as exc:
                evidence.append("%s; judged on the rule files" % exc)
            else:
                now = _covering(ctx, kernel, target)
                evidence.insert(0, "kernel audit rules: %s" % (
                    "%s watched by %s" % (target, now) if now else "%s not watched" % target))
                ok = ok and bool(now)
        return judged(ok, evidence)
    return check


for _watch in WATCHED:
    control(
        id="docker-audit-%s" % _watch.suffix, layer=LAYER, engine="docker",
        title="The audit system watches %s" % _watch.what,
        rationale="Without an audit watch, a change to what runs or configures containers leaves no "
                  "record of who made it.",
        remediation=Remediation(None, {}, "add `-w PATH -k docker` for %s to /etc/audit/rules.d/ and "
                                          "run augenrules --load" % _watch.what),
        check=audit_watch_check(_watch.what, _watch.find), cis=_watch.cis, required=False, evidence="kernel",
    )
