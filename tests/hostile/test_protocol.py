"""Hostile protocol input against a live uvicorn server (issue 10, items 9 and 11).

A body that fails after its headers went out must be cut short: no second
start message, no 500 appended to (or compressed into) the 200, no final empty
chunk, the real traceback logged once, and the worker still answering. A
mount prefix is taken once.
"""

from __future__ import annotations

import os
import socket
import uuid
import zlib

import pytest

from tests.e2e.server import LiveServer, live_uvicorn, raw_request

GZIP = b"Accept-Encoding: gzip\r\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return tmp_path_factory.mktemp("protocol-files")


@pytest.fixture(scope="module")
def server(files):
    with live_uvicorn("tests.hostile.protocol_app:api", env={"PROTOCOL_FILES": str(files)}) as s:
        yield s


@pytest.fixture(scope="module")
def wrapped():
    with live_uvicorn("tests.hostile.protocol_app:wrapped") as s:
        yield s


def get(url: str, target: str, extra: bytes = b"") -> bytes:
    request = b"GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n" % (
        target.encode(),
        extra,
    )
    return raw_request(url, request, timeout=10)


def split(answer: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = dict(line.lower().split(b": ", 1) for line in lines)
    return status, headers, body


def dechunk(data: bytes) -> tuple[bytes, bool]:
    """The payload of a chunked body as far as it goes, and whether it ended properly."""
    payload = b""
    while True:
        size_line, found, rest = data.partition(b"\r\n")
        if not found:
            return payload, False
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return payload, rest.startswith(b"\r\n")
        payload += rest[:size]
        if len(rest) < size + 2:
            return payload, False
        data = rest[size + 2 :]


def payload_of(headers: dict[bytes, bytes], body: bytes) -> tuple[bytes, bool]:
    """What the client got (decompressed as far as it goes) and whether it looks complete."""
    if headers.get(b"transfer-encoding") == b"chunked":
        body, complete = dechunk(body)
    else:
        complete = len(body) == int(headers[b"content-length"])
    if headers.get(b"content-encoding") == b"gzip":
        body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body)
    return body, complete


def assert_cut_short_and_logged_once(server: LiveServer, answer: bytes, error: str, log: str):
    status, headers, body = split(answer)
    assert status.startswith(b"HTTP/1.1 200 ")
    payload, complete = payload_of(headers, body)
    assert not complete, "a failed body must not look like a whole one"
    assert b"HTTP/1.1" not in payload and b"failed to answer" not in payload
    assert log.count("Exception in ASGI application") == 1
    assert log.count(f"RuntimeError: {error}") == 1, log
    assert "ASGI message" not in log, "no second start message was sent"
    assert get(server.url, "/ok").endswith(b"\r\n\r\nok")


FAILING_BODIES = [
    pytest.param("/stream", b"", id="stream"),
    pytest.param("/stream", GZIP, id="stream-gzip"),
    pytest.param("/stream?sync=1", GZIP, id="sync-stream-gzip"),
    pytest.param("/sse", b"", id="sse"),
    pytest.param("/sse", GZIP, id="sse-gzip"),
    pytest.param("/chunked/x", b"", id="mounted-stream"),
    pytest.param("/chunked/x", GZIP, id="mounted-stream-gzip"),
    pytest.param("/sized/x", b"", id="mounted-with-length"),
    pytest.param("/sized/x", GZIP, id="mounted-with-length-gzip"),
]


@pytest.mark.parametrize(("path", "extra"), FAILING_BODIES)
def test_body_failing_after_its_headers_is_cut_short(server, path, extra):
    token = uuid.uuid4().hex
    before = len(server.log())
    target = f"{path}{'&' if '?' in path else '?'}token={token}"
    answer = get(server.url, target, extra)
    assert_cut_short_and_logged_once(server, answer, f"boom {token}", server.log()[before:])


@pytest.mark.parametrize("extra", [b"", GZIP], ids=["plain", "gzip"])
def test_under_a_compressing_middleware_no_500_joins_the_stream(wrapped, extra):
    token = uuid.uuid4().hex
    before = len(wrapped.log())
    answer = get(wrapped.url, f"/stream?token={token}", extra)
    assert_cut_short_and_logged_once(wrapped, answer, f"boom {token}", wrapped.log()[before:])


def read_headers(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "closed before the headers"
        data += chunk
    return data


def read_to_end(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(1 << 20):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


FILE_SIZE = 16 * 1024 * 1024  # far more than the socket buffers hold while the client waits


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (b"", "Response content shorter than Content-Length"),  # uvicorn's own check
        (GZIP, "The response body ended after"),  # ours: compressed, uvicorn cannot tell
    ],
    ids=["plain", "gzip"],
)
def test_file_cut_short_while_it_is_sent_is_never_complete(server, files, extra, error):
    name = f"{uuid.uuid4().hex}.txt"
    (files / name).write_bytes(os.urandom(FILE_SIZE))  # random: gzip cannot shrink it
    before = len(server.log())
    host, port = server.url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        # A small receive window, so the server stalls on a full socket long before the end.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        sock.settimeout(10)
        sock.connect((host, int(port)))
        sock.sendall(b"GET /files/%s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (name.encode(), extra))
        answer = read_headers(sock)
        (files / name).write_bytes(b"")  # the file is truncated (rotated) mid-send
        answer += read_to_end(sock)
    status, headers, body = split(answer)
    assert status.startswith(b"HTTP/1.1 200 ")
    assert (headers.get(b"content-encoding") == b"gzip") == bool(extra)
    payload, complete = payload_of(headers, body)
    assert 0 < len(payload) < FILE_SIZE
    assert not complete
    log = server.log()[before:]
    assert log.count("Exception in ASGI application") == 1
    assert log.count(f"RuntimeError: {error}") == 1, log
    assert "ASGI message" not in log
    assert get(server.url, "/ok").endswith(b"\r\n\r\nok")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/star/x", b"200"),
        ("/star/star/x", b"404"),  # the prefix is taken once, never twice
        ("/star/star/star/x", b"404"),
        ("/starx", b"404"),
        ("/star/%2e%2e/ok", b"404"),
    ],
)
def test_mount_prefix_is_taken_once(server, path, status):
    answer = get(server.url, path)
    assert answer.split(b" ", 2)[1] == status


@pytest.mark.parametrize("path", ["/stream", "/sse", "/sized/x"])
def test_http_clients_report_a_body_cut_short_as_failed(server, path):
    import httpx2 as httpx

    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{server.url}{path}?token={uuid.uuid4().hex}", timeout=10)
