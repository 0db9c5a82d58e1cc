# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd's Engine API over its own socket, with the standard library only.

The live audit asks dockerd what the docker CLI would ask it (`/info`,
`/containers/json`, `/containers/{id}/json`), but without starting the CLI
once per question: one HTTP/1.1 request each, the inspects in parallel.
The request is a plain GET with `Connection: close`, and the answer is read
as Go's net/http server (dockerd's) writes it: a status line, headers, and a
body framed by `Transfer-Encoding: chunked`, by `Content-Length`, or by the
end of the connection (RFC 9112 section 6.3). http.client is not used: it and
the email package it imports cost the live audit more than dockerd's answers
do; anything that is not such an answer is an ApiError, never a guess (held
to http.client by tests/unit/.../test_docker_api_http.py).
Which daemon is asked follows the docker CLI 20.10-28 (docker/cli
`cli/command/cli.go`, `opts/hosts.go`): DOCKER_HOST when set (with
DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS), else the daemon's own
listeners (`-H` in its unit, `hosts` in daemon.json; `fd://` means the
sockets of docker.socket), else unix:///var/run/docker.sock. Contexts
(DOCKER_CONTEXT, ~/.docker/config.json) and ssh:// are not followed: the
audit then says the daemon is not reachable, it never guesses.
"""

from __future__ import annotations

import json
import os
import re
import socket

from ..readers.numbers import go_parse_int, go_parse_uint

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
    import ssl  # only for a tcp endpoint with TLS
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
        # moby opts.ParseTCPAddr: strconv.Atoi(port); net.Dial refuses a port past 65535
        port_number = DEFAULT_TLS_PORT if use_tls else DEFAULT_TCP_PORT
        if port:
            parsed = go_parse_int(port, 10, 64)
            if parsed.error or not 0 <= parsed.value <= 65535:
                return None
            port_number = parsed.value
        context = None
        if use_tls:
            cert_path = environ.get("DOCKER_CERT_PATH") or os.path.join(
                environ.get("HOME", "/root"), ".docker")
            try:
                context = _tls_context(cert_path)
            except OSError as exc:  # ssl.SSLError is an OSError
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


_STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([0-9]{3})(?: [^\r\n]*)?")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class _BadAnswer(Exception):
    """Not an HTTP/1.x answer the audit can read."""


def _headers(block):
    """{lower-case name: [values]} of the header lines of an answer."""
    found = {}
    for line in block.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or b" " in name:
            raise _BadAnswer("malformed header line %r" % line[:80])
        found.setdefault(name.decode("latin-1").lower(), []).append(value.strip())
    return found


def _chunk_size(line):
    """A chunk-size line as Go's net/http/internal/chunked.go (1.19-1.23) reads
    it: trailing blanks trimmed, the extension from `;` cut, then 1-16 hex
    digits (parseHexUint), nothing else."""
    digits = line.rstrip(b" \t").partition(b";")[0]
    if not _HEX.fullmatch(digits):
        raise _BadAnswer("malformed chunk size %r" % line[:40])
    return go_parse_uint(digits.decode("ascii"), 16, 64).value


def _dechunk(data):
    """The body of a chunked message; trailers after the last chunk are ignored."""
    body, at = [], 0
    while True:
        end = data.find(b"\r\n", at)
        if end < 0:
            raise _BadAnswer("missing chunk size (connection closed early?)")
        size = _chunk_size(data[at:end])
        if size == 0:
            return b"".join(body)
        start = end + 2
        if data[start + size:start + size + 2] != b"\r\n":
            raise _BadAnswer("chunk shorter than its size (connection closed early?)")
        body.append(data[start:start + size])
        at = start + size + 2


def parse_answer(raw):
    """(status, body) of the whole bytes an HTTP/1.x server sent before it
    closed the connection; _BadAnswer when they are not one answer."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        raise _BadAnswer("no end of headers" if raw else "empty answer")
    status_line, dummy, header_block = head.partition(b"\r\n")
    match = _STATUS_LINE.fullmatch(status_line)
    if match is None:
        raise _BadAnswer("not an HTTP/1.x status line: %r" % status_line[:80])
    status = int(match.group(1))  # three ASCII digits
    headers = _headers(header_block) if header_block else {}
    encodings = b",".join(headers.get("transfer-encoding", [])).lower()
    if encodings:
        if [e.strip() for e in encodings.split(b",")][-1] != b"chunked":
            raise _BadAnswer("transfer coding %r is not chunked" % encodings)
        return status, _dechunk(rest)
    lengths = set(headers.get("content-length", []))
    if lengths:
        # Go's net/http: one value (repeats must agree), strconv.ParseUint(value, 10, 63)
        parsed = go_parse_uint(next(iter(lengths)).decode("latin-1"), 10, 63)
        if len(lengths) != 1 or parsed.error:
            raise _BadAnswer("bad Content-Length %r" % sorted(lengths))
        length = parsed.value
        if len(rest) < length:
            raise _BadAnswer("body shorter than its Content-Length (connection closed early?)")
        return status, rest[:length]
    return status, rest


class DockerApi:
    """A client for one dockerd endpoint; each request uses its own
    connection, so requests may run in parallel threads."""

    def __init__(self, endpoint, timeout=TIMEOUT_SECONDS):
        self.endpoint = endpoint
        self.timeout = timeout

    def _connect(self):
        if self.endpoint.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.endpoint.address)
            except OSError:
                sock.close()
                raise
            return sock
        host, port = self.endpoint.address
        sock = socket.create_connection((host, port), timeout=self.timeout)
        if self.endpoint.tls is not None:
            try:
                return self.endpoint.tls.wrap_socket(sock, server_hostname=host)
            except OSError:
                sock.close()
                raise
        return sock

    def _exchange(self, path):
        """All the bytes dockerd sent for GET `path` until it closed the
        connection, or None when they pass the limit (with room for headers
        and chunk sizes)."""
        sock = self._connect()
        try:
            sock.sendall(("GET %s HTTP/1.1\r\nHost: docker\r\nAccept: application/json\r\n"
                          "Connection: close\r\n\r\n" % path).encode("ascii"))
            parts, size = [], 0
            while True:
                part = sock.recv(262144)
                if not part:
                    return b"".join(parts)
                parts.append(part)
                size += len(part)
                if size > 2 * MAX_RESPONSE_BYTES:
                    return None
        finally:
            sock.close()

    def get(self, path):
        """The parsed JSON answer to GET `path`; ApiError otherwise."""
        try:
            raw = self._exchange(path)
            status, body = parse_answer(raw) if raw is not None else (None, None)
        except socket.timeout:
            raise ApiError("dockerd at %s did not answer %s within %d s" % (
                self.endpoint.describe(), path, self.timeout))
        except (OSError, _BadAnswer) as exc:
            raise ApiError("dockerd at %s is not reachable: %s" % (self.endpoint.describe(), exc))
        if raw is None or len(body) > MAX_RESPONSE_BYTES:
            raise ApiError("dockerd's answer to %s is larger than %d bytes" % (path, MAX_RESPONSE_BYTES))
        if status != 200:
            message = body.decode("utf-8", "replace").strip()[:300]
            raise ApiError("dockerd answered %s with HTTP %d: %s" % (path, status, message))
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError("dockerd's answer to %s is not JSON: %s" % (path, exc))
