# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer operations: the Linux audit system records changes to Docker's
binaries, configuration and sockets (CIS Docker Benchmark 1.6.0, 1.1.3 to
1.1.18).

Each control watches the file the host really uses (dockerd and runc live in
/usr/sbin on Debian, daemon.json may be moved by --config-file), and is
judged on the kernel's loaded rules together with what auditd will load at
its next start. A watch on a directory covers everything below it, as the
kernel applies it."""

from __future__ import annotations

from ..readers.audit_rules import AuditUnavailable
from ..readers.hostfs import ConfigError
from ..model import Remediation, judged, not_applicable
from ..registry import control
from ..readers.systemd_units import unit_file_paths

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


WATCHED = (
    # (CIS id, id suffix, what, how the host's path is found)
    ("1.1.3", "dockerd", "the dockerd binary", _binary("dockerd")),
    ("1.1.4", "run-containerd", "/run/containerd", _fixed("/run/containerd")),
    ("1.1.5", "data-root", "Docker's data root (/var/lib/docker)", _data_root),
    ("1.1.6", "etc-docker", "/etc/docker", _fixed("/etc/docker")),
    ("1.1.7", "docker-service", "the docker.service unit", _unit("docker.service")),
    ("1.1.8", "containerd-sock", "containerd's socket", _fixed(CONTAINERD_SOCKET)),
    ("1.1.9", "docker-socket-unit", "the docker.socket unit", _unit("docker.socket")),
    ("1.1.10", "etc-default-docker", "/etc/default/docker", _fixed("/etc/default/docker")),
    ("1.1.11", "daemon-json", "daemon.json", _daemon_json),
    ("1.1.12", "containerd-config", CONTAINERD_CONFIG, _fixed(CONTAINERD_CONFIG)),
    ("1.1.13", "etc-sysconfig-docker", "/etc/sysconfig/docker", _fixed("/etc/sysconfig/docker")),
    ("1.1.14", "containerd", "the containerd binary", _binary("containerd")),
    ("1.1.15", "containerd-shim", "the containerd-shim binary", _binary("containerd-shim")),
    ("1.1.16", "containerd-shim-runc-v1", "the containerd-shim-runc-v1 binary",
     _binary("containerd-shim-runc-v1")),
    ("1.1.17", "containerd-shim-runc-v2", "the containerd-shim-runc-v2 binary",
     _binary("containerd-shim-runc-v2")),
    ("1.1.18", "runc", "the runc binary", _binary("runc")),
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


def _make_check(what, find_target):
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


for _cis, _suffix, _what, _find in WATCHED:
    control(
        id="docker-audit-%s" % _suffix, layer="operations", engine="docker", cis=_cis, required=False,
        title="The audit system watches %s" % _what,
        rationale="Without an audit watch, a change to what runs or configures containers leaves no "
                  "record of who made it.",
        remediation=Remediation(None, {}, "add `-w PATH -k docker` for %s to /etc/audit/rules.d/ and "
                                          "run augenrules --load" % _what),
    )(_make_check(_what, _find))
