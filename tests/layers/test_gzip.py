"""gzip: what is compressed, what is not, Vary, and streams."""

import gzip
import zlib

import pytest

import responder
from responder.layers import GZipLayer
from responder.layers.compression import MINIMUM_SIZE, THREAD_MINIMUM_SIZE, accepts_gzip

from .asgi import body_of, call, headers_of, http_scope, start_of

BIG = "responder " * 100  # 1000 bytes, compressible


@pytest.fixture
def api():
    api = responder.API(gzip=True)

    @api.route("/text/{size:int}")
    def text(req, resp, *, size):
        resp.text = ("0123456789" * (size // 10 + 1))[:size]

    @api.route("/media")
    def media(req, resp):
        resp.media = {"items": [BIG] * 3}

    @api.route("/encoded")
    def encoded(req, resp):
        resp.headers["Content-Encoding"] = "br"
        resp.content = b"\x00" * 2000

    @api.route("/png")
    def png(req, resp):
        resp.headers["Content-Type"] = "image/png"
        resp.content = b"\x89PNG" + b"\x00" * 2000

    @api.route("/no-transform")
    def no_transform(req, resp):
        resp.headers["Cache-Control"] = "public, no-transform"
        resp.text = BIG

    @api.route("/stream")
    def stream(req, resp):
        @resp.stream
        async def chunks():
            for i in range(5):
                yield f"chunk {i} " * 50

    @api.route("/events")
    def events(req, resp):
        @resp.sse
        async def source():
            for i in range(3):
                yield {"data": f"event {i} " + "x" * 400, "id": str(i)}

    return api


GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def raw(api, path, accept_encoding=b"gzip", method="GET"):
    headers = [(b"host", b"example.com")]
    if accept_encoding is not None:
        headers.append((b"accept-encoding", accept_encoding))
    return call(api._build_stack(), http_scope(method, path, headers=headers))


def vary(headers):
    return [token.strip() for token in headers.get("vary", "").split(",") if token.strip()]


def test_large_body_is_compressed_for_gzip_clients(api):
    messages = raw(api, "/text/1000")
    headers = headers_of(messages)
    body = body_of(messages)
    assert headers[b"content-encoding"] == b"gzip"
    assert int(headers[b"content-length"]) == len(body) < 1000
    assert gzip.decompress(body) == (b"0123456789" * 100)
    assert headers[b"vary"] == b"Accept-Encoding"


def test_through_the_client(api):
    r = api.requests.get("/media", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.json() == {"items": [BIG] * 3}  # httpx decompressed it
    assert vary(r.headers) == ["Accept", "Accept-Encoding"]


def test_minimum_size_boundary(api):
    assert MINIMUM_SIZE == 500
    small = headers_of(raw(api, f"/text/{MINIMUM_SIZE - 1}"))
    assert b"content-encoding" not in small
    assert b"vary" not in small  # never compressed, whatever the client says
    assert headers_of(raw(api, f"/text/{MINIMUM_SIZE}"))[b"content-encoding"] == b"gzip"


def test_no_accept_encoding_means_no_compression_but_vary(api):
    for accept in (None, b"identity", b"deflate, br"):
        messages = raw(api, "/text/1000", accept_encoding=accept)
        headers = headers_of(messages)
        assert b"content-encoding" not in headers
        assert headers[b"vary"] == b"Accept-Encoding"
        assert body_of(messages) == b"0123456789" * 100


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip; q=1.0", True),
        ("gzip;q=0.001", True),
        ("*", True),
        ("*;q=0.1", True),
        ("br, *", True),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("gzip;q=0, *", False),  # named refusal beats the wildcard
        ("*;q=0", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzipx", False),
        ("gzip;q=2", False),  # invalid q counts as 0
        ("gzip;q=abc", False),
        ("gzip;q=nan", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding_parsing(value, accepted):
    assert accepts_gzip(value) is accepted


def test_q_zero_is_respected_end_to_end(api):
    r = api.requests.get("/text/1000", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in r.headers
    assert r.headers["vary"] == "Accept-Encoding"


def test_already_encoded_bodies_are_left_alone(api):
    headers = headers_of(raw(api, "/encoded"))
    assert headers[b"content-encoding"] == b"br"
    assert headers[b"content-length"] == b"2000"
    assert b"vary" not in headers


def test_compressed_formats_and_no_transform_are_left_alone(api):
    for path in ("/png", "/no-transform"):
        headers = headers_of(raw(api, path))
        assert b"content-encoding" not in headers, path


def test_event_streams_are_never_compressed(api):
    messages = raw(api, "/events")
    headers = headers_of(messages)
    assert headers[b"content-type"].startswith(b"text/event-stream")
    assert b"content-encoding" not in headers
    parts = [m["body"] for m in messages if m["type"] == "http.response.body" and m["body"]]
    assert len(parts) == 3  # still one message per event, as they came
    assert parts[0].startswith(b"id: 0\ndata: event 0 ")


def test_streams_are_compressed_part_by_part(api):
    messages = raw(api, "/stream")
    headers = headers_of(messages)
    assert headers[b"content-encoding"] == b"gzip"
    assert b"content-length" not in headers
    assert headers[b"vary"] == b"Accept-Encoding"
    bodies = [m for m in messages if m["type"] == "http.response.body"]
    assert len(bodies) >= 5
    assert [m.get("more_body", False) for m in bodies][-1] is False
    # Each part is flushed: it decompresses on its own, before the stream ends.
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    first = decoder.decompress(bodies[0]["body"])
    assert first == ("chunk 0 " * 50).encode()
    rest = b"".join(decoder.decompress(m["body"]) for m in bodies[1:]) + decoder.flush()
    assert first + rest == "".join(f"chunk {i} " * 50 for i in range(5)).encode()
    assert decoder.eof


def test_streams_through_the_client(api):
    r = api.requests.get("/stream", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.text == "".join(f"chunk {i} " * 50 for i in range(5))
    plain = api.requests.get("/stream", headers=IDENTITY)
    assert "content-encoding" not in plain.headers
    assert plain.text == r.text
    assert plain.headers["vary"] == "Accept-Encoding"


def test_head_is_answered_as_is(api):
    messages = raw(api, "/text/1000", method="HEAD")
    headers = headers_of(messages)
    assert b"content-encoding" not in headers
    assert headers[b"content-length"] == b"1000"
    assert body_of(messages) == b""


def test_files_keep_conditional_requests_working(api, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>hello</p>" * 200)

    @api.route("/page")
    def serve(req, resp):
        resp.file(page)

    r = api.requests.get("/page", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.text == page.read_text()
    etag = r.headers["etag"]
    assert etag.startswith('W/"')  # the bytes differ from the identity representation
    again = api.requests.get("/page", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    ranged = api.requests.get("/page", headers={**GZIP, "Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert "content-encoding" not in ranged.headers
    assert len(ranged.content) == 100


def test_large_bodies_are_compressed_off_the_event_loop(api):
    size = THREAD_MINIMUM_SIZE + 10
    messages = raw(api, f"/text/{size}")
    body = body_of(messages)
    assert int(headers_of(messages)[b"content-length"]) == len(body)
    assert len(gzip.decompress(body)) == size


def test_error_bodies_are_compressed_when_large(api):
    @api.route("/boom")
    def boom(req, resp):
        raise responder.errors.HTTPConflict(detail="x" * 1000)

    r = api.requests.get("/boom", headers=GZIP)
    assert r.status_code == 409
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["detail"] == "x" * 1000


def test_no_body_statuses_pass(api):
    @api.route("/empty")
    def empty(req, resp):
        resp.status_code = 204

    r = api.requests.get("/empty", headers=GZIP)
    assert r.status_code == 204
    assert "content-encoding" not in r.headers


def test_websockets_and_lifespan_pass_through():
    api = responder.API(gzip=True)
    events = []
    api.add_event_handler("startup", lambda: events.append("up"))

    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        await ws.send_text("x" * 1000)
        await ws.close()

    with api.session() as client:
        assert events == ["up"]
        with client.websocket_connect("/ws", headers=GZIP) as ws:
            assert ws.receive_text() == "x" * 1000


def test_mixed_case_response_headers_are_understood():
    async def app(scope, receive, send):
        headers = [(b"Content-Type", b"text/plain"), (b"Content-Length", b"1000")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"a" * 1000})

    messages = call(GZipLayer(app), http_scope(headers=[(b"accept-encoding", b"gzip")]))
    headers = headers_of(messages)
    assert headers[b"content-encoding"] == b"gzip"
    assert int(headers[b"content-length"]) == len(body_of(messages))
    assert start_of(messages)["status"] == 200
