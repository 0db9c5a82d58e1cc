# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer engine_access: who can drive or reconfigure the container engine.

Whoever can write to an engine's API socket, or change the unit, daemon.json
or environment file that configure it, can undo every other layer: that is
root on the host. CIS Docker Benchmark 1.6.0 section 3 (ownership and modes),
1.1.2 (docker group), 2.7 (TLS on TCP), 2.12 (authorization plugins), and
the same for Podman's socket and configuration files. Each file set is the
one the engine really reads (unit drop-ins too, daemon.json where
--config-file puts it, the sockets dockerd listens on)."""

from __future__ import annotations

import posixpath

from ..readers.accounts import group_members
from ..engines.docker_listeners import listeners, tls_enabled, tls_verified
from ..engines.layered_config import read_toml
from ..model import Remediation, judged, not_applicable
from ..registry import control
from ..readers.subids import read_ids
from ..readers.systemd_units import unit_file_paths, unit_values
from .file_permissions import fixed_mask, mode_check, ownership_check

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


def file_controls(engine, name, what, paths_of, mask_of, owner_cis=None, mode_cis=None, required=True,
                  live=False, groups_of=None, owner_text="root:root", mask_text=None):
    """Declare `<engine>-<name>-owner` and `<engine>-<name>-mode` for a file set."""
    def live_only(check):
        if not live:
            return check

        def checked_live(ctx):
            if not ctx.live_enabled:
                return not_applicable(ctx.live(engine).reason)
            return check(ctx)
        checked_live.__name__ = check.__name__
        return checked_live

    mask_text = mask_text or "%04o" % mask_of("")
    control(id="%s-%s-owner" % (engine, name), layer=LAYER, engine=engine, cis=owner_cis,
            required=required, live=live,
            title="Owner of %s is %s" % (what, owner_text), rationale=OWNER_RATIONALE,
            remediation=Remediation(None, {}, "chown %s %s" % (owner_text, what)),
            )(live_only(ownership_check(what, paths_of, groups_of)))
    control(id="%s-%s-mode" % (engine, name), layer=LAYER, engine=engine, cis=mode_cis,
            required=required, live=live,
            title="Mode of %s is %s or stricter" % (what, mask_text), rationale=MODE_RATIONALE,
            remediation=Remediation(None, {}, "chmod go-w (at most %s) %s" % (mask_text, what)),
            )(live_only(mode_check(what, paths_of, mask_of)))


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


file_controls("docker", "service-file", "docker.service and its drop-ins", _units("docker.service"),
              fixed_mask(0o644), owner_cis="3.1", mode_cis="3.2")
file_controls("docker", "socket-unit", "docker.socket and its drop-ins", _units("docker.socket"),
              fixed_mask(0o644), owner_cis="3.3", mode_cis="3.4")
file_controls("docker", "config-dir", "/etc/docker", _fixed("/etc/docker"), fixed_mask(0o755),
              owner_cis="3.5", mode_cis="3.6")
file_controls("docker", "registry-certs", "registry certificates in /etc/docker/certs.d", _registry_certs,
              _key_or_cert_mask, owner_cis="3.7", mode_cis="3.8", required=False,
              mask_text="0444 (keys 0600)")
file_controls("docker", "tls-ca", "dockerd's TLS CA certificate", _tls_file("tlscacert", "ca.pem"),
              fixed_mask(0o444), owner_cis="3.9", mode_cis="3.10", required=False)
file_controls("docker", "tls-cert", "dockerd's TLS server certificate", _tls_file("tlscert", "cert.pem"),
              fixed_mask(0o444), owner_cis="3.11", mode_cis="3.12", required=False)
file_controls("docker", "tls-key", "dockerd's TLS server key", _tls_file("tlskey", "key.pem"),
              fixed_mask(0o600), owner_cis="3.13", mode_cis="3.14")
file_controls("docker", "socket", "the Docker API socket", _docker_sockets, fixed_mask(0o660),
              owner_cis="3.15", mode_cis="3.16", live=True, groups_of=_docker_socket_groups,
              owner_text="root:docker (or root:root)")
file_controls("docker", "daemon-json", "daemon.json", _daemon_json, fixed_mask(0o644),
              owner_cis="3.17", mode_cis="3.18")
file_controls("docker", "default-file", "/etc/default/docker", _fixed("/etc/default/docker"),
              fixed_mask(0o644), owner_cis="3.19", mode_cis="3.20")
file_controls("docker", "sysconfig-file", "/etc/sysconfig/docker", _fixed("/etc/sysconfig/docker"),
              fixed_mask(0o644), owner_cis="3.22", mode_cis="3.21")
file_controls("docker", "containerd-socket", "containerd's socket", _containerd_socket, fixed_mask(0o660),
              owner_cis="3.23", mode_cis="3.24", live=True)
file_controls("podman", "socket", "the Podman API socket", _podman_sockets, fixed_mask(0o660), live=True)
file_controls("podman", "config-files", "Podman's configuration files", _podman_config_files,
              fixed_mask(0o644))


@control(id="docker-tcp-tls", layer=LAYER, engine="docker", cis="2.7",
         title="dockerd listens on TCP only with TLS client verification (tlsverify)",
         rationale="The Docker API on TCP without client certificates lets anyone who reaches the port "
                   "start a privileged container: root on the host, even from loopback.",
         remediation=Remediation(None, {}, "remove tcp:// hosts, or set tlsverify with tlscacert, tlscert "
                                           "and tlskey"))
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


@control(id="docker-authorization-plugin", layer=LAYER, engine="docker", cis="2.12", required=False,
         title="An authorization plugin decides which Docker API requests are allowed",
         rationale="Without one, every client of the socket may do everything, including start "
                   "privileged containers.",
         remediation=Remediation(None, {}, 'install an authorization plugin and set "authorization-plugins" '
                                           'in daemon.json'))
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


@control(id="docker-group-members", layer=LAYER, engine="docker", cis="1.1.2", required=False,
         title="No user is in the group that may use the Docker socket",
         rationale="Membership of the docker group is root on the host without a password or a log line.",
         remediation=Remediation(None, {}, "gpasswd -d USER docker for every user who must not be root "
                                           "(or waive this control with the list of trusted users)"))
def check_docker_group(ctx):
    name = str(ctx.docker.get("group").value or "docker")
    gid, members = group_members(ctx.host, name)
    if gid is None:
        return judged(True, ["group %s does not exist in /etc/group" % name])
    return judged(not members, ["group %s (gid %d) members: %s" % (name, gid, ", ".join(members) or "none")])
