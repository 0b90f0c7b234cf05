"""The attacks that already held, kept as a table so they keep holding.

Path traversal, foreign hosts, CORS from a foreign origin, SSE frame
injection, body and multipart limits and YAML bombs, each sent to a live
uvicorn server as raw bytes (no client library normalising the path or the
headers). Every row: no 5xx, the expected 4xx (or a safe 2xx), an answer
within the socket timeout.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.server import live_uvicorn, parse_response, raw_request

HOST = b"Host: 127.0.0.1\r\nConnection: close\r\n"


def get(path: str, extra: bytes = b"") -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\n" + HOST + extra + b"\r\n"


def post(path: str, content_type: str, body: bytes, extra: bytes = b"") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nContent-Type: {content_type}\r\n".encode()
    length = f"Content-Length: {len(body)}\r\n".encode()
    return head + HOST + length + extra + b"\r\n" + body


def chunked_post(path: str, content_type: str, chunks: list[bytes]) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nContent-Type: {content_type}\r\n".encode()
    framed = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks) + b"0\r\n\r\n"
    return head + HOST + b"Transfer-Encoding: chunked\r\n\r\n" + framed


def multipart(parts: int, field: bytes = b"x") -> tuple[str, bytes]:
    body = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n%s\r\n' % (i, field)
        for i in range(parts)
    )
    return "multipart/form-data; boundary=b", body + b"--b--\r\n"


BILLION_LAUGHS = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    b"%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n"
    % ((chr(98 + i).encode(),) * 2 + (chr(97 + i).encode(),) * 9)
    for i in range(9)
)

CASES = [
    # (name, raw request, expected statuses)
    ("traversal dot-dot", get("/static/../../../../etc/passwd"), {404}),
    ("traversal encoded", get("/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd"), {404}),
    ("traversal encoded slash", get("/static/..%2f..%2f..%2fetc%2fpasswd"), {404}),
    ("traversal backslash", get("/static/..\\..\\..\\etc\\passwd"), {404}),
    ("traversal absolute", get("/static//etc/passwd"), {404}),
    ("traversal nul byte", get("/static/public.txt%00.png"), {404}),
    ("foreign host", b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", {400}),
    (
        "host with a port trick",
        b"GET / HTTP/1.1\r\nHost: evil.example:80@127.0.0.1\r\nConnection: close\r\n\r\n",
        {400},
    ),
    ("body over the limit", post("/echo", "application/json", b"[" + b"1," * 3000 + b"1]"), {413}),
    (
        "chunked body over the limit",
        chunked_post("/echo", "application/json", [b"1" * 1000] * 6),
        {413},
    ),
    ("lying content-length", post("/echo", "application/json", b"[1]" * 2000)[:200], {400, 413}),
    ("yaml billion laughs", post("/echo", "application/x-yaml", BILLION_LAUGHS), {400}),
    ("yaml deep nesting", post("/echo", "application/x-yaml", b"[" * 2000), {400}),
    ("multipart too many parts", post("/echo", *multipart(6)), {400}),
    ("multipart field too large", post("/echo", *multipart(1, b"x" * 600)), {413}),
    ("json deep nesting", post("/echo", "application/json", b"[" * 2000 + b"]" * 2000), {400}),
]


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.hostile.held_app:api") as live:
        yield live


@pytest.mark.parametrize(("name", "request_bytes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_request_is_refused_cleanly(server, name, request_bytes, expected):
    status, headers, body = parse_response(raw_request(server.url, request_bytes))
    assert status in expected, (name, status, body[:200])
    assert b"root:" not in body
    if status >= 400 and body:
        assert headers["content-type"].startswith("application/problem+json")
        assert json.loads(body)["status"] == status


def test_the_public_file_is_served(server):
    status, _, body = parse_response(raw_request(server.url, get("/static/public.txt")))
    assert (status, body) == (200, b"public file\n")


def test_a_foreign_origin_gets_no_cors_grant(server):
    preflight = (
        b"OPTIONS /echo HTTP/1.1\r\n" + HOST + b"Origin: https://evil.example\r\n"
        b"Access-Control-Request-Method: POST\r\n\r\n"
    )
    status, headers, _ = parse_response(raw_request(server.url, preflight))
    assert status < 500
    assert "access-control-allow-origin" not in headers
    simple = get("/events", b"Origin: https://evil.example\r\n")
    assert "access-control-allow-origin" not in parse_response(raw_request(server.url, simple))[1]


@pytest.mark.parametrize(
    "message",
    ["hi\r\ndata: injected", "a\n\nevent: evil\ndata: x", "a\rid: 666", "\u2028x\x85y"],
)
def test_sse_data_cannot_inject_frames(server, message):
    from urllib.parse import quote

    status, headers, body = parse_response(
        raw_request(server.url, get("/events?msg=" + quote(message)))
    )
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    # Parse as a browser does: events end at a blank line; a field per line (CR, LF, CRLF).
    events = [
        e for e in body.decode().replace("\r\n", "\n").replace("\r", "\n").split("\n\n") if e
    ]
    assert len(events) == 1, events
    fields = [line.split(":", 1)[0] for line in events[0].split("\n")]
    assert set(fields) <= {"event", "data", "id"}
    assert fields.count("event") == 1 and fields.count("id") <= 1
