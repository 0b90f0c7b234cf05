"""Redirect locations from client text: always a 30x with an ASCII, percent-encoded Location."""

from urllib.parse import quote

import pytest

from tests.e2e.server import live_uvicorn, parse_response, raw_request

CASES = [
    ("/☃", "/%E2%98%83"),
    ("café", "caf%C3%A9"),
    ("/a b/ü?x=ä", "/a%20b/%C3%BC?x=%C3%A4"),
    ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
    ("/a\r\nSet-Cookie: stolen=1", "/aSet-Cookie:%20stolen=1"),
    ("/100%", "/100%25"),
    # Bytes that are not UTF-8 in the query string arrive as U+FFFD, one per byte.
    ("/\udcff", "/%EF%BF%BD%EF%BF%BD%EF%BF%BD"),
]


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.hostile.redirect_app:api") as live:
        yield live


@pytest.mark.parametrize("route", ["/go", "/go-api"])
@pytest.mark.parametrize(("target", "location"), CASES, ids=[repr(c[0]) for c in CASES])
def test_a_redirect_to_any_text_is_sent_encoded(server, route, target, location):
    query = quote(target, safe="", errors="surrogatepass")
    request = f"GET {route}?to={query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    raw = raw_request(server.url, request.encode())
    status, headers, _ = parse_response(raw)
    assert status in (301, 302)
    assert headers["location"] == location
    assert "set-cookie" not in headers
    head = raw.partition(b"\r\n\r\n")[0]
    assert head.isascii()
