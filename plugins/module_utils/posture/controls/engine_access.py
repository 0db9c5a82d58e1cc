# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer engine_access: who can drive or reconfigure the container engine.

Whoever can write to an engine's API socket, or change the unit, daemon.json
or environment file that configure it, can undo every other layer: that is
root on the host. CIS Docker Benchmark 1.6.0 section 3 (ownership and modes),
1.1.2 (docker group), 2.7 (TLS on TCP), 2.12 (authorization plugins), 5.32
(no running container mounts an engine's socket), and the same for Podman's
socket and configuration files. Each file set is the one the engine really
reads (unit drop-ins too, daemon.json where --config-file puts it, the
sockets dockerd listens on)."""

from __future__ import annotations

import posixpath
from collections import namedtuple

from ..readers.accounts import group_members
from ..readers.hostfs import ConfigError
from ..engines.docker_listeners import listeners, tls_enabled, tls_verified
from ..engines.layered_config import read_toml
from ..model import Remediation, judged, not_applicable
from ..registry import control
from ..readers.subids import read_ids
from ..readers.systemd_units import unit_file_paths, unit_values
from .file_permissions import fixed_mask, mode_check, ownership_check
from .per_container import ContainerControl, declare_container_controls, path_under

LAYER = "engine_access"
CERTS_DIR = "/etc/docker/certs.d"
CONTAINERD_CONFIG = "/etc/containerd/config.toml"
CONTAINERD_SOCKET = "/run/containerd/containerd.sock"
PODMAN_SOCKET = "/run/podman/podman.sock"
PODMAN_FILES = ("/etc/containers/storage.conf", "/etc/containers/registries.conf", "/etc/containers/policy.json")
PODMAN_DIRS = ("/etc/containers/registries.conf.d",)
OWNER_RATIONALE = ("A file that configures the engine and is owned by someone other than root lets "
                   "that someone change how every container runs.")
MODE_RATIONALE = ("A file that configures the engine and is writable by group or others lets them "
                  "change how every container runs.")
# Engine API sockets: whoever reaches one of these drives the engine as root.
KNOWN_ENGINE_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock",
                        "/run/containerd/containerd.sock")


def _fixed(*paths):
    return lambda ctx: list(paths)


def _units(name):
    return lambda ctx: unit_file_paths(ctx.host, name)


def _registry_certs(ctx):
    found = []
    for registry in ctx.host.list_subdirs(CERTS_DIR):
        directory = posixpath.join(CERTS_DIR, registry)
        found.extend(posixpath.join(directory, name) for name in ctx.host.list_dir(directory)
                     if name.endswith((".crt", ".cert", ".key")))
    return found


def _key_or_cert_mask(path):
    # docker reads *.crt (CA), *.cert and *.key (client pair) here; a key must stay private
    return 0o600 if path.endswith(".key") else 0o444


def _tls_file(key, default_name):
    def paths(ctx):
        value = ctx.docker.get(key).value
        if value:
            return [str(value)]
        # dockerd's defaults when TLS is on and no path is given
        return ["/root/.docker/" + default_name] if tls_enabled(ctx.docker) else []
    return paths


def _docker_sockets(ctx):
    return [item.unix_path for item in listeners(ctx.host, ctx.docker) if item.unix_path]


def _docker_socket_groups(ctx):
    """gids the Docker socket may belong to: root's, and the group dockerd
    (--group, default docker) or docker.socket (SocketGroup=) gives it."""
    names = {str(ctx.docker.get("group").value or "docker")}
    names.update(unit_values(ctx.host, "docker.socket", "Socket", "SocketGroup"))
    gids = read_ids(ctx.host, "/etc/group")
    return {0} | {gids[name] for name in names if name in gids}


def _containerd_socket(ctx):
    if ctx.host.exists(CONTAINERD_CONFIG):
        grpc = read_toml(ctx.host, CONTAINERD_CONFIG).get("grpc") or {}
        address = grpc.get("address") if isinstance(grpc, dict) else None
        if isinstance(address, str) and address:
            return [address]
    return [CONTAINERD_SOCKET]


def _daemon_json(ctx):
    return [ctx.docker.daemon_json_path]


def _podman_sockets(ctx):
    return [path.replace("%t", "/run") for path in unit_values(ctx.host, "podman.socket", "Socket", "ListenStream")
            if path.startswith(("/", "%t"))] or [PODMAN_SOCKET]


def _podman_config_files(ctx):
    files = list(ctx.podman.files) + list(PODMAN_FILES)
    for directory in PODMAN_DIRS:
        files.extend(posixpath.join(directory, name) for name in ctx.host.list_dir(directory, ".conf"))
    return files


# One set of files whose owner and mode are judged: `<engine>-<name>-owner` and
# `<engine>-<name>-mode`. `paths_of(ctx)` lists the files, `mask_of(path)` the
# permission bits each may have, `groups_of(ctx)` the gids it may belong to (root's
# only unless given); `evidence="live"` judges files that exist only while the
# engine runs (sockets), not applicable offline.
FileSet = namedtuple("FileSet", (
    "engine", "name", "what", "paths_of", "mask_of", "owner_cis", "mode_cis", "required", "evidence",
    "groups_of", "owner_text", "mask_text"), defaults=(None, None, True, "config", None, "root:root", None))
FILE_SETS = (
    FileSet(engine="docker", name="service-file", what="docker.service and its drop-ins",
            paths_of=_units("docker.service"), mask_of=fixed_mask(0o644), owner_cis="3.1", mode_cis="3.2"),
    FileSet(engine="docker", name="socket-unit", what="docker.socket and its drop-ins",
            paths_of=_units("docker.socket"), mask_of=fixed_mask(0o644), owner_cis="3.3", mode_cis="3.4"),
    FileSet(engine="docker", name="config-dir", what="/etc/docker", paths_of=_fixed("/etc/docker"),
            mask_of=fixed_mask(0o755), owner_cis="3.5", mode_cis="3.6"),
    FileSet(engine="docker", name="registry-certs", what="registry certificates in /etc/docker/certs.d",
            paths_of=_registry_certs, mask_of=_key_or_cert_mask, owner_cis="3.7", mode_cis="3.8", required=False,
            mask_text="0444 (keys 0600)"),
    FileSet(engine="docker", name="tls-ca", what="dockerd's TLS CA certificate",
            paths_of=_tls_file("tlscacert", "ca.pem"), mask_of=fixed_mask(0o444), owner_cis="3.9", mode_cis="3.10",
            required=False),
    FileSet(engine="docker", name="tls-cert", what="dockerd's TLS server certificate",
            paths_of=_tls_file("tlscert", "cert.pem"), mask_of=fixed_mask(0o444), owner_cis="3.11", mode_cis="3.12",
            required=False),
    FileSet(engine="docker", name="tls-key", what="dockerd's TLS server key", paths_of=_tls_file("tlskey", "key.pem"),
            mask_of=fixed_mask(0o600), owner_cis="3.13", mode_cis="3.14"),
    FileSet(engine="docker", name="socket", what="the Docker API socket", paths_of=_docker_sockets,
            mask_of=fixed_mask(0o660), owner_cis="3.15", mode_cis="3.16", evidence="live",
            groups_of=_docker_socket_groups, owner_text="root:docker (or root:root)"),
    FileSet(engine="docker", name="daemon-json", what="daemon.json", paths_of=_daemon_json, mask_of=fixed_mask(0o644),
            owner_cis="3.17", mode_cis="3.18"),
    FileSet(engine="docker", name="default-file", what="/etc/default/docker", paths_of=_fixed("/etc/default/docker"),
            mask_of=fixed_mask(0o644), owner_cis="3.19", mode_cis="3.20"),
    FileSet(engine="docker", name="sysconfig-file", what="/etc/sysconfig/docker",
            paths_of=_fixed("/etc/sysconfig/docker"), mask_of=fixed_mask(0o644), owner_cis="3.22", mode_cis="3.21"),
    FileSet(engine="docker", name="containerd-socket", what="containerd's socket", paths_of=_containerd_socket,
            mask_of=fixed_mask(0o660), owner_cis="3.23", mode_cis="3.24", evidence="live"),
    FileSet(engine="podman", name="socket", what="the Podman API socket", paths_of=_podman_sockets,
            mask_of=fixed_mask(0o660), evidence="live"),
    FileSet(engine="podman", name="config-files", what="Podman's configuration files", paths_of=_podman_config_files,
            mask_of=fixed_mask(0o644)),
)


def when_live(engine, check):
    """`check` where live checks run; not applicable (the engine's reason) elsewhere."""
    def checked_live(ctx):
        if not ctx.live_enabled:
            return not_applicable(ctx.live(engine).reason)
        return check(ctx)
    return checked_live


for _files in FILE_SETS:
    _mask_text = _files.mask_text or "%04o" % _files.mask_of("")
    _owner = ownership_check(_files.what, _files.paths_of, _files.groups_of)
    _mode = mode_check(_files.what, _files.paths_of, _files.mask_of)
    if _files.evidence == "live":
        _owner, _mode = when_live(_files.engine, _owner), when_live(_files.engine, _mode)
    control(id="%s-%s-owner" % (_files.engine, _files.name), layer=LAYER, engine=_files.engine,
            title="Owner of %s is %s" % (_files.what, _files.owner_text), rationale=OWNER_RATIONALE,
            remediation=Remediation(None, {}, "chown %s %s" % (_files.owner_text, _files.what)),
            check=_owner, cis=_files.owner_cis, required=_files.required, evidence=_files.evidence)
    control(id="%s-%s-mode" % (_files.engine, _files.name), layer=LAYER, engine=_files.engine,
            title="Mode of %s is %s or stricter" % (_files.what, _mask_text), rationale=MODE_RATIONALE,
            remediation=Remediation(None, {}, "chmod go-w (at most %s) %s" % (_mask_text, _files.what)),
            check=_mode, cis=_files.mode_cis, required=_files.required, evidence=_files.evidence)


def check_docker_tcp_tls(ctx):
    found = listeners(ctx.host, ctx.docker)
    tcp = [item for item in found if item.tcp]
    if not tcp:
        return judged(not ctx.docker.conflicts, ["dockerd listens on no TCP address: %s" % ", ".join(
            item.describe() for item in found)] + ctx.docker.conflict_evidence())
    verified = tls_verified(ctx.docker)
    evidence = ["TCP listener %s" % item.describe() for item in tcp]
    evidence.append(ctx.docker.get("tlsverify").describe("tlsverify"))
    if not verified and tls_enabled(ctx.docker):
        evidence.append("TLS without client verification: any client may connect")
    return judged(verified, evidence)


control(id="docker-tcp-tls", layer=LAYER, engine="docker", cis="2.7",
        title="dockerd listens on TCP only with TLS client verification (tlsverify)",
        rationale="The Docker API on TCP without client certificates lets anyone who reaches the port "
                  "start a privileged container: root on the host, even from loopback.",
        remediation=Remediation(None, {}, "remove tcp:// hosts, or set tlsverify with tlscacert, tlscert "
                                          "and tlskey"),
        check=check_docker_tcp_tls)


def check_docker_authorization(ctx):
    setting = ctx.docker.get("authorization-plugins")
    plugins = setting.value if isinstance(setting.value, list) else ([setting.value] if setting.value else [])
    evidence = [setting.describe("authorization-plugins")]
    view = ctx.live("docker")
    if view.available:
        running = ((view.info.get("Plugins") or {}).get("Authorization")) or []
        evidence.append("running dockerd: authorization plugins %s" % (", ".join(running) or "none"))
        return judged(bool(running) and bool(plugins), evidence)
    return judged(bool(plugins), evidence)


control(id="docker-authorization-plugin", layer=LAYER, engine="docker", cis="2.12", required=False,
        title="An authorization plugin decides which Docker API requests are allowed",
        rationale="Without one, every client of the socket may do everything, including start "
                  "privileged containers.",
        remediation=Remediation(None, {}, 'install an authorization plugin and set "authorization-plugins" '
                                          'in daemon.json'),
        check=check_docker_authorization)


def check_docker_group(ctx):
    name = str(ctx.docker.get("group").value or "docker")
    gid, members = group_members(ctx.host, name)
    if gid is None:
        return judged(True, ["group %s does not exist in /etc/group" % name])
    return judged(not members, ["group %s (gid %d) members: %s" % (name, gid, ", ".join(members) or "none")])


control(id="docker-group-members", layer=LAYER, engine="docker", cis="1.1.2", required=False,
        title="No user is in the group that may use the Docker socket",
        rationale="Membership of the docker group is root on the host without a password or a log line.",
        remediation=Remediation(None, {}, "gpasswd -d USER docker for every user who must not be root "
                                          "(or waive this control with the list of trusted users)"),
        check=check_docker_group)


# Running containers --------------------------------------------------------------------

def engine_sockets(ctx):
    """Host paths of every engine API socket the audit knows of, resolved."""
    paths = set(KNOWN_ENGINE_SOCKETS)
    try:
        paths.update(item.unix_path for item in listeners(ctx.host, ctx.docker) if item.unix_path)
    except ConfigError:
        pass  # the known default sockets are still judged; docker-* config controls report the error
    endpoint, dummy = ctx.docker_endpoint()
    if endpoint is not None and endpoint.scheme == "unix":
        paths.add(endpoint.address)
    return sorted({_resolved(ctx, path) for path in paths})


def _resolved(ctx, path):
    try:
        local = ctx.host.resolve(posixpath.normpath(path))
    except ConfigError:
        return posixpath.normpath(path)
    root = ctx.host.root.rstrip("/")
    return "/" + local[len(root):].lstrip("/") if root else local


def _socket_mounted(container, ctx, engine):
    sockets = engine_sockets(ctx)
    found = []
    for mount in container.engine_mounts:
        if mount.type != "bind":
            continue
        source = _resolved(ctx, mount.source)
        reached = [path for path in sockets if path_under(path, source)]
        if reached:
            found.append("%s (reaches %s)" % (mount.describe(), ", ".join(reached)))
    return "mounts %s" % "; ".join(found) if found else None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-socket-mount", cis="5.32", predicate=_socket_mounted,
                     title="No running container mounts an engine's API socket",
                     rationale="A container that reaches the Docker, Podman or containerd socket can start a "
                               "privileged container and is root on the host.",
                     fix="recreate the container without the engine socket (or a directory holding it) "
                         "mounted"),
))
