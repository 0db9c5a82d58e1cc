# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where dockerd listens, as dockerd 20.10-28 sets it up (moby
`cmd/dockerd/daemon.go` loadListeners, `daemon/listeners`): every `-H` flag
of its unit, else `hosts` in daemon.json, else the default unix socket
/var/run/docker.sock. `fd://` serves the sockets systemd passes from
docker.socket (its ListenStream= lines). A unix socket dockerd creates gets
mode 0660 and the group of `--group` (default `docker`, `""` for none);
one that docker.socket creates gets the unit's SocketMode=/SocketGroup=.

The audit (engine_access controls) and the live query (which socket to ask)
read the listeners from here, on top of the daemon.json/unit reader."""

from __future__ import annotations

from ..readers.hostfs import ConfigError
from ..readers.systemd_units import unit_values

DEFAULT_SOCKET = "/var/run/docker.sock"
SOCKET_UNIT = "docker.socket"


class Listener:
    """One address dockerd serves its API on."""

    def __init__(self, value, origin, unix_path=None, tcp=None):
        self.value = value          # as written: unix:///run/docker.sock, tcp://0.0.0.0:2375, fd://
        self.origin = origin        # where it was configured
        self.unix_path = unix_path  # for unix sockets (and fd:// ones)
        self.tcp = tcp              # "host:port" for tcp listeners

    def describe(self):
        return "%s (%s)" % (self.value, self.origin)


def _configured_hosts(config):
    """[(value, origin)] of -H flags, or daemon.json hosts when no flag is given."""
    setting = config.get("hosts")
    values = setting.value
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise ConfigError(setting.source, "hosts must be a list of strings, found %r" % (values,))
    return [(str(value), setting.source) for value in values]


def socket_unit_paths(host):
    """The unix socket paths docker.socket listens on (ListenStream= lines)."""
    return [value for value in unit_values(host, SOCKET_UNIT, "Socket", "ListenStream")
            if value.startswith("/")]


def socket_unit_tcp(host):
    """ListenStream= lines of docker.socket that are TCP ports or addresses."""
    return [value for value in unit_values(host, SOCKET_UNIT, "Socket", "ListenStream")
            if not value.startswith("/") and not value.startswith("@")]


def listeners(host, config):
    """Every Listener of the daemon under `host`, with `config` the
    DockerDaemonConfig (flags and daemon.json merged)."""
    found = []
    hosts = _configured_hosts(config)
    if not hosts:
        return [Listener("unix://" + DEFAULT_SOCKET, "dockerd default", unix_path=DEFAULT_SOCKET)]
    for value, origin in hosts:
        if value.startswith("fd://"):
            for path in socket_unit_paths(host):
                found.append(Listener(value, "%s, ListenStream=%s of %s" % (origin, path, SOCKET_UNIT),
                                      unix_path=path))
            for address in socket_unit_tcp(host):
                found.append(Listener(value, "%s, ListenStream=%s of %s" % (origin, address, SOCKET_UNIT),
                                      tcp=address))
        elif value.startswith("unix://"):
            found.append(Listener(value, origin, unix_path=value[len("unix://"):] or DEFAULT_SOCKET))
        elif value.startswith("tcp://") or value.startswith("http://"):
            found.append(Listener(value, origin, tcp=value.split("://", 1)[1].split("/", 1)[0] or ":2375"))
        else:
            found.append(Listener(value, origin))
    return found


def tls_verified(config):
    """Whether dockerd verifies TCP clients' certificates (--tlsverify)."""
    value = config.get("tlsverify").value
    return value is True or (isinstance(value, str) and value.lower() == "true")


def tls_enabled(config):
    """Whether dockerd speaks TLS on TCP at all (--tls or --tlsverify)."""
    value = config.get("tls").value
    return tls_verified(config) or value is True or (isinstance(value, str) and value.lower() == "true")
