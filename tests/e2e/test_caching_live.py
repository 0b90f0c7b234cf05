"""Caching validators, @conditional and the response helpers over a real uvicorn server."""

import time
from urllib.parse import quote

import httpx2 as httpx
import pytest

from .server import live_uvicorn, parse_response, raw_request


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.e2e.caching_app:api") as live:
        yield live


def get(server, path, **options):
    return httpx.get(server.url + path, timeout=10, **options)


def test_a_current_copy_is_a_304_over_http(server):
    first = get(server, "/doc")
    assert first.headers["etag"] == '"v1"'
    assert first.headers["last-modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    again = get(server, "/doc", headers={"If-None-Match": 'W/"v1"'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == "public, max-age=60"
    assert again.headers["vary"] == "Accept, Accept-Language, Accept-Encoding"  # httpx: gzip
    assert "date" in again.headers and "content-type" not in again.headers
    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert get(server, "/doc", headers=since).status_code == 304


@pytest.mark.parametrize(
    "value",
    [b'"v1', b"garbage, ,,", b'"a", ' * 1500 + b"junk", b"W/" * 3000, b'"\xff\xfe"'],
    ids=["unterminated", "junk", "long-list", "long-prefix", "obs-text"],
)
def test_hostile_if_none_match_gets_the_full_answer(server, value):
    request = (
        b"GET /doc HTTP/1.1\r\nHost: x\r\nIf-None-Match: "
        + value
        + b"\r\nConnection: close\r\n\r\n"
    )
    status, _, body = parse_response(raw_request(server.url, request))
    assert status == 200 and b"hello" in body


def test_auto_etag_and_gzip_over_http(server):
    gz = {"Accept-Encoding": "gzip"}
    first = get(server, "/auto", headers=gz)
    assert first.headers["content-encoding"] == "gzip"
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = get(server, "/auto", headers={**gz, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["etag"] == tag


def test_conditional_over_http(server):
    current = get(server, "/items/1").headers["etag"]
    assert get(server, "/items/1", headers={"If-None-Match": current}).status_code == 304
    put = httpx.put(server.url + "/items/1", timeout=10)
    assert put.status_code == 428 and put.headers["content-type"] == "application/problem+json"
    stale = httpx.put(server.url + "/items/1", headers={"If-Match": '"v0"'}, timeout=10)
    assert stale.status_code == 412 and stale.json()["status"] == 412
    ok = httpx.put(server.url + "/items/1", headers={"If-Match": current}, timeout=10)
    assert ok.status_code == 200
    assert (
        httpx.put(server.url + "/items/1", headers={"If-Match": current}, timeout=10).status_code
        == 412
    )


def test_download_over_http(server):
    full = get(server, "/download/report.txt", params={"as": "rapport été\r\n.txt"})
    assert full.content == b"0123456789" * 100
    assert full.headers["content-disposition"] == (
        "attachment; filename=\"rapport ete.txt\"; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.txt"
    )
    part = get(server, "/download/report.txt", headers={"Range": "bytes=995-"})
    assert (part.status_code, part.content) == (206, b"56789")


@pytest.mark.parametrize(
    "path",
    [
        "/download/../secret.txt",
        "/download/%2e%2e/secret.txt",
        "/download/..%2fsecret.txt",
        "/download/%2e%2e%2fsecret.txt",
        "/download/link-out.txt",
        "/download/%2Fetc%2Fpasswd",
        "/download/..%5csecret.txt",
    ],
)
def test_download_root_holds_over_http(server, path):
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    status, _, body = parse_response(raw_request(server.url, request))
    assert status == 404 and b"secret" not in body


def test_helpers_over_http(server):
    made = httpx.post(server.url + "/made", timeout=10)
    assert (made.status_code, made.headers["location"], made.json()) == (
        201,
        "/items/7",
        {"id": 7},
    )
    oops = get(server, "/oops", headers={"Accept": "application/json"})
    assert oops.status_code == 402
    assert oops.headers["content-type"] == "application/problem+json"
    assert oops.json() == {
        "type": "https://example.com/pay",
        "title": "Pay up",
        "status": 402,
        "balance": 0,
    }
    out = get(server, "/logout")
    assert out.status_code == 204
    assert "Max-Age=0" in out.headers["set-cookie"]
    assert quote("session-id") in out.headers["set-cookie"]


def test_conditional_with_a_dependency_over_http(server):
    tag = get(server, "/guarded").headers["etag"]
    assert get(server, "/guarded", headers={"If-None-Match": tag}).status_code == 304
    # The teardown runs after the response is sent: wait for it, with a deadline.
    expected = ["open", "view", "close", "open", "close"]  # the 304 ran no view
    deadline = time.monotonic() + 10
    while (seen := get(server, "/events").json()) != expected:
        assert time.monotonic() < deadline, seen
        time.sleep(0.05)
