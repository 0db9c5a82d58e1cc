# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_api reads dockerd's answers without http.client: over a real unix
socket, every answer framed as Go's net/http frames them (Content-Length,
chunked with extensions and trailers, the end of the connection) gives the
body http.client gives; anything else is an ApiError, never a body."""

import http.client
import io
import json
import os
import socket
import threading

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import docker_api

DOCUMENT = json.dumps({"ID": "x", "SecurityOptions": ["name=seccomp,profile=builtin"], "Text": "é" * 3000}).encode()


def chunked(body, sizes, extension=b"", trailer=b""):
    out, at = [], 0
    for size in sizes:
        out.append(b"%x%s\r\n%s\r\n" % (size, extension, body[at:at + size]))
        at += size
    out.append(b"%x%s\r\n%s\r\n" % (len(body) - at, extension, body[at:]) if at < len(body) else b"")
    return b"".join(out) + b"0\r\n" + trailer + b"\r\n"


GOOD = {
    "content-length": b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(DOCUMENT), DOCUMENT),
    "chunked": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               + chunked(DOCUMENT, (1, 4000, 17)),
    "chunked-extension-trailer": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 + chunked(DOCUMENT, (100,), extension=b";name=value", trailer=b"X-T: 1\r\n"),
    "until-close": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + DOCUMENT,
    "http-1.0": b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(DOCUMENT), DOCUMENT),
    "repeated-equal-length": b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n%s" % (
        len(DOCUMENT), len(DOCUMENT), DOCUMENT),
}
BAD = {
    "empty": b"",
    "no-end-of-headers": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
    "not-http": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "short-content-length": b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}",
    "signed-content-length": b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}",
    "conflicting-content-length": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{} ",
    "chunk-cut-short": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{}",
    "chunk-size-not-hex": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n",
    "chunk-size-blank-before-extension": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;x\r\n{}\r\n0\r\n\r\n",
    "no-last-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n",
    "gzip-coding": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}",
    "header-without-colon": b"HTTP/1.1 200 OK\r\nContent-Length 2\r\n\r\n{}",
}


class Server:
    """A unix socket that answers each connection with `answer` after reading the request."""

    def __init__(self, path, answer):
        self.requests = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.answer = answer
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conn, dummy = self.sock.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                part = conn.recv(4096)
                if not part:
                    break
                request += part
            self.requests.append(request)
            conn.sendall(self.answer)

    def close(self):
        self.thread.join(5)
        self.sock.close()


def ask(tmp_path, answer):
    path = str(tmp_path / "docker.sock")
    if os.path.exists(path):
        os.unlink(path)
    server = Server(path, answer)
    try:
        api = docker_api.DockerApi(docker_api.Endpoint("unix", path, "test"), timeout=5)
        try:
            return api.get("/info"), server.requests
        except docker_api.ApiError as exc:
            return exc, server.requests
    finally:
        server.close()


def http_client_body(raw):
    """What http.client (the client this module used before) reads from the same bytes."""
    class Canned:
        def makefile(self, mode):
            return io.BytesIO(raw)
    response = http.client.HTTPResponse(Canned())
    response.begin()
    return response.status, response.read()


@pytest.mark.parametrize("name", sorted(GOOD))
def test_answers_framed_as_go_frames_them_give_http_clients_body(tmp_path, name):
    found, requests = ask(tmp_path, GOOD[name])
    assert found == json.loads(DOCUMENT.decode()), found
    assert docker_api.parse_answer(GOOD[name]) == http_client_body(GOOD[name]) == (200, DOCUMENT)
    assert requests[0].startswith(b"GET /info HTTP/1.1\r\n")
    assert b"\r\nHost: docker\r\n" in requests[0] and b"\r\nConnection: close\r\n" in requests[0]


@pytest.mark.parametrize("name", sorted(BAD))
def test_anything_else_is_an_error_not_a_body(tmp_path, name):
    found, dummy = ask(tmp_path, BAD[name])
    assert isinstance(found, docker_api.ApiError), found
    assert "unix://%s" % (tmp_path / "docker.sock") in str(found)


def test_an_http_error_keeps_dockerds_message(tmp_path):
    message = b'{"message":"client version 1.99 is too new"}'
    found, dummy = ask(tmp_path, b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (len(message), message))
    assert isinstance(found, docker_api.ApiError)
    assert "HTTP 400" in str(found) and "too new" in str(found)


def test_no_daemon_is_not_reachable(tmp_path):
    api = docker_api.DockerApi(docker_api.Endpoint("unix", str(tmp_path / "absent.sock"), "test"), timeout=5)
    with pytest.raises(docker_api.ApiError, match="not reachable"):
        api.get("/info")
