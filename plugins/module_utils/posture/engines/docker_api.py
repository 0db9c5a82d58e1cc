# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd's Engine API over its own socket, with the standard library only.

The live audit asks dockerd what the docker CLI would ask it (`/info`,
`/containers/json`, `/containers/{id}/json`), but without starting the CLI
once per question: one HTTP/1.1 request each, the inspects in parallel.
Which daemon is asked follows the docker CLI 20.10-28 (docker/cli
`cli/command/cli.go`, `opts/hosts.go`): DOCKER_HOST when set (with
DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS), else the daemon's own
listeners (`-H` in its unit, `hosts` in daemon.json; `fd://` means the
sockets of docker.socket), else unix:///var/run/docker.sock. Contexts
(DOCKER_CONTEXT, ~/.docker/config.json) and ssh:// are not followed: the
audit then says the daemon is not reachable, it never guesses.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl

DEFAULT_SOCKET = "/var/run/docker.sock"
DEFAULT_TCP_PORT = 2375
DEFAULT_TLS_PORT = 2376
TIMEOUT_SECONDS = 20
# An inspect document is a few kB; a daemon that sends more than this is not
# answering the question the audit asked.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class ApiError(Exception):
    """The daemon could not be asked, or answered something unusable."""


class Endpoint:
    """Where dockerd listens, and why the audit chose that address."""

    def __init__(self, scheme, address, origin, tls=None):
        self.scheme = scheme    # "unix" or "tcp"
        self.address = address  # socket path, or (host, port)
        self.origin = origin    # "DOCKER_HOST", "-H flag in ...", "default"
        self.tls = tls          # an ssl.SSLContext for tcp with TLS, else None

    def describe(self):
        if self.scheme == "unix":
            where = "unix://" + self.address
        else:
            where = "%s://%s:%d" % ("https" if self.tls else "tcp", self.address[0], self.address[1])
        return "%s (%s)" % (where, self.origin)


def _tls_context(cert_path):
    context = ssl.create_default_context(cafile=os.path.join(cert_path, "ca.pem"))
    context.load_cert_chain(os.path.join(cert_path, "cert.pem"), os.path.join(cert_path, "key.pem"))
    return context


def parse_host(value, origin, environ=None, tls=False):
    """An Endpoint for a -H / DOCKER_HOST value, or None for a form the
    audit cannot reach without the CLI (ssh://, npipe://, fd://)."""
    environ = os.environ if environ is None else environ
    value = value.strip()
    if value.startswith("unix://"):
        return Endpoint("unix", value[len("unix://"):] or DEFAULT_SOCKET, origin)
    if value.startswith("/"):
        return Endpoint("unix", value, origin)
    if value.startswith("tcp://") or value.startswith("http://") or value.startswith("https://"):
        rest = value.split("://", 1)[1].split("/", 1)[0]
        host, sep, port = rest.rpartition(":")
        if not sep:
            host, port = rest, ""
        host = host.strip("[]") or "127.0.0.1"
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        use_tls = tls or value.startswith("https://")
        try:
            port_number = int(port) if port else (DEFAULT_TLS_PORT if use_tls else DEFAULT_TCP_PORT)
        except ValueError:
            return None
        context = None
        if use_tls:
            cert_path = environ.get("DOCKER_CERT_PATH") or os.path.join(
                environ.get("HOME", "/root"), ".docker")
            try:
                context = _tls_context(cert_path)
            except (OSError, ssl.SSLError) as exc:
                raise ApiError("TLS client certificates in %s cannot be used: %s" % (cert_path, exc))
        return Endpoint("tcp", (host, port_number), origin, tls=context)
    return None


def choose_endpoint(listeners, environ=None, daemon_tls=False):
    """The Endpoint the docker CLI would use on this host, and why not when None.

    `listeners` are dockerd's own (docker_listeners.listeners); a unix socket
    is preferred, as the CLI's default is one; `daemon_tls` says whether its
    tcp listeners speak TLS (--tls/--tlsverify)."""
    environ = os.environ if environ is None else environ
    if environ.get("DOCKER_HOST"):
        value = environ["DOCKER_HOST"]
        try:
            endpoint = parse_host(value, "DOCKER_HOST", environ,
                                  tls=bool(environ.get("DOCKER_TLS_VERIFY")))
        except ApiError as exc:
            return None, str(exc)
        return endpoint, None if endpoint else "DOCKER_HOST=%s cannot be reached without the docker CLI" % value
    for listener in listeners:
        if listener.unix_path:
            return Endpoint("unix", listener.unix_path, listener.origin), None
    for listener in listeners:
        if listener.tcp:
            try:
                endpoint = parse_host("tcp://" + listener.tcp, listener.origin, environ, tls=daemon_tls)
            except ApiError as exc:
                return None, str(exc)
            if endpoint is not None:
                return endpoint, None
    return Endpoint("unix", DEFAULT_SOCKET, "docker CLI default"), None


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class DockerApi:
    """A client for one dockerd endpoint; each request uses its own
    connection, so requests may run in parallel threads."""

    def __init__(self, endpoint, timeout=TIMEOUT_SECONDS):
        self.endpoint = endpoint
        self.timeout = timeout

    def _connection(self):
        if self.endpoint.scheme == "unix":
            return _UnixConnection(self.endpoint.address, self.timeout)
        host, port = self.endpoint.address
        if self.endpoint.tls is not None:
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self.endpoint.tls)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def get(self, path):
        """The parsed JSON answer to GET `path`; ApiError otherwise."""
        connection = self._connection()
        try:
            connection.request("GET", path, headers={"Host": "docker", "Accept": "application/json"})
            response = connection.getresponse()
            body = response.read(MAX_RESPONSE_BYTES + 1)
        except socket.timeout:
            raise ApiError("dockerd at %s did not answer %s within %d s" % (
                self.endpoint.describe(), path, self.timeout))
        except (OSError, http.client.HTTPException) as exc:
            raise ApiError("dockerd at %s is not reachable: %s" % (self.endpoint.describe(), exc))
        finally:
            connection.close()
        if len(body) > MAX_RESPONSE_BYTES:
            raise ApiError("dockerd's answer to %s is larger than %d bytes" % (path, MAX_RESPONSE_BYTES))
        if response.status != 200:
            message = body.decode("utf-8", "replace").strip()[:300]
            raise ApiError("dockerd answered %s with HTTP %d: %s" % (path, response.status, message))
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError("dockerd's answer to %s is not JSON: %s" % (path, exc))
