"""gzip, on by default: what is compressed, what is not, Vary, HEAD, files and mounts."""

import asyncio
import gzip
import http.client

import pytest
from flask import Flask, Response
from starlette.responses import PlainTextResponse, StreamingResponse

import responder
from responder.layers import GZipLayer
from responder.layers.compression import MINIMUM_SIZE, THREAD_MINIMUM_SIZE, accepts_gzip
from tests.e2e.server import free_port, serve

from .asgi import body_of, call, headers_of, http_scope, start_of

BIG = "responder " * 100  # 1000 bytes, compressible
PAGE = "<p>hello</p>" * 200  # 2400 bytes


def add_routes(api):
    add_body_routes(api)
    add_stream_routes(api)


def add_body_routes(api):
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

    @api.route("/tagged")
    def tagged(req, resp):
        resp.headers["ETag"] = '"v1"'
        resp.headers["Vary"] = "Cookie"
        resp.text = BIG

    @api.route("/partial")
    def partial(req, resp):
        resp.status_code = 206
        resp.headers["Content-Range"] = "bytes 0-999/5000"
        resp.text = BIG


def add_stream_routes(api):
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


@pytest.fixture
def api():
    api = responder.API()  # gzip is on by default
    add_routes(api)
    return api


GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def raw(api, path, accept_encoding=b"gzip", method="GET", extra=()):
    headers = [(b"host", b"example.com"), *extra]
    if accept_encoding is not None:
        headers.append((b"accept-encoding", accept_encoding))
    return call(api.middleware_stack, http_scope(method, path, headers=headers))


def vary(headers):
    return [token.strip() for token in headers.get("vary", "").split(",") if token.strip()]


def body_parts(messages):
    return [m["body"] for m in messages if m["type"] == "http.response.body" and m["body"]]


# -- views: on by default, off with gzip=False -----------------------------------------


def test_large_body_is_compressed_by_default(api):
    messages = raw(api, "/text/1000")
    headers = headers_of(messages)
    body = body_of(messages)
    assert headers[b"content-encoding"] == b"gzip"
    assert int(headers[b"content-length"]) == len(body) < 1000
    assert gzip.decompress(body) == (b"0123456789" * 100)
    assert headers[b"vary"] == b"Accept-Encoding"


def test_gzip_false_turns_it_off():
    api = responder.API(gzip=False)
    add_routes(api)
    messages = raw(api, "/text/1000")
    headers = headers_of(messages)
    assert b"content-encoding" not in headers
    assert b"vary" not in headers
    assert body_of(messages) == b"0123456789" * 100


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


@pytest.mark.parametrize(
    ("accept_encoding", "compressed"),
    [("gzip;q=0, identity", False), ("*", True), ("identity, *;q=0.5", True), ("br", False)],
)
def test_accept_encoding_end_to_end(api, accept_encoding, compressed):
    r = api.requests.get("/text/1000", headers={"Accept-Encoding": accept_encoding})
    assert (r.headers.get("content-encoding") == "gzip") is compressed
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.text == "0123456789" * 100


def test_already_encoded_bodies_are_left_alone(api):
    headers = headers_of(raw(api, "/encoded"))
    assert headers[b"content-encoding"] == b"br"
    assert headers[b"content-length"] == b"2000"
    assert b"vary" not in headers


def test_compressed_formats_and_no_transform_are_left_alone(api):
    for path in ("/png", "/no-transform"):
        headers = headers_of(raw(api, path))
        assert b"content-encoding" not in headers, path


def test_partial_content_from_a_view_is_left_alone(api):
    messages = raw(api, "/partial")
    assert start_of(messages)["status"] == 206
    assert b"content-encoding" not in headers_of(messages)
    assert body_of(messages) == BIG.encode()


def test_a_views_strong_etag_becomes_weak_and_its_vary_is_kept(api):
    r = api.requests.get("/tagged", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["etag"] == 'W/"v1"'
    assert set(vary(r.headers)) == {"Cookie", "Accept-Encoding"}
    plain = api.requests.get("/tagged", headers=IDENTITY)
    assert plain.headers["etag"] == '"v1"'


def test_a_views_own_304_confirms_the_compressed_copy(api):
    @api.route("/versioned")
    def versioned(req, resp):
        resp.headers["ETag"] = '"v1"'
        held = req.headers.get("if-none-match", "").split(",")
        if '"v1"' in [tag.strip().removeprefix("W/") for tag in held]:  # weak comparison
            resp.status_code = 304
            return
        resp.text = BIG

    etag = api.requests.get("/versioned", headers=GZIP).headers["etag"]
    assert etag == 'W/"v1"'
    again = api.requests.get("/versioned", headers={**GZIP, "If-None-Match": etag})
    assert (again.status_code, again.headers["etag"]) == (304, 'W/"v1"')
    assert again.headers["vary"] == "Accept-Encoding"
    plain = api.requests.get("/versioned", headers={**IDENTITY, "If-None-Match": '"v1"'})
    assert (plain.status_code, plain.headers["etag"]) == (304, '"v1"')


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


def test_large_bodies_are_compressed_off_the_event_loop(api):
    size = THREAD_MINIMUM_SIZE + 10
    messages = raw(api, f"/text/{size}")
    body = body_of(messages)
    assert int(headers_of(messages)[b"content-length"]) == len(body)
    assert len(gzip.decompress(body)) == size


# -- HEAD -------------------------------------------------------------------------------


@pytest.mark.parametrize("accept_encoding", [b"gzip", b"identity"])
def test_head_gets_the_same_headers_as_get(api, accept_encoding):
    get = raw(api, "/media", accept_encoding=accept_encoding)
    head = raw(api, "/media", accept_encoding=accept_encoding, method="HEAD")
    assert headers_of(head) == headers_of(get)
    assert body_of(head) == b""
    if accept_encoding == b"gzip":
        assert headers_of(head)[b"content-encoding"] == b"gzip"
        assert int(headers_of(head)[b"content-length"]) == len(body_of(get))


# -- streams and events: never ----------------------------------------------------------


def test_event_streams_are_never_compressed(api):
    messages = raw(api, "/events")
    headers = headers_of(messages)
    assert headers[b"content-type"].startswith(b"text/event-stream")
    assert b"content-encoding" not in headers
    parts = body_parts(messages)
    assert len(parts) == 3  # still one message per event, as they came
    assert parts[0].startswith(b"id: 0\ndata: event 0 ")


def test_streams_are_never_compressed(api):
    messages = raw(api, "/stream")
    headers = headers_of(messages)
    assert b"content-encoding" not in headers
    assert b"vary" not in headers  # no client gets it compressed
    assert body_parts(messages) == [f"chunk {i} ".encode() * 50 for i in range(5)]


# -- files, static files and mounted apps ------------------------------------------------


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE)
    return path


def test_files_are_compressed_and_keep_conditional_requests_working(api, page):
    @api.route("/page")
    def serve(req, resp):
        resp.file(page)

    r = api.requests.get("/page", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.text == PAGE
    etag = r.headers["etag"]
    assert etag.startswith('W/"')  # the bytes differ from the identity representation
    again = api.requests.get("/page", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    assert "content-encoding" not in again.headers
    assert again.headers["etag"] == etag  # the 304 confirms the compressed copy
    assert again.headers["vary"] == "Accept-Encoding"
    plain_etag = etag.removeprefix("W/")
    plain = api.requests.get("/page", headers={**IDENTITY, "If-None-Match": plain_etag})
    assert (plain.status_code, plain.headers["etag"]) == (304, plain_etag)
    ranged = api.requests.get("/page", headers={**GZIP, "Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert "content-encoding" not in ranged.headers
    assert ranged.content == PAGE[:100].encode()


def test_a_file_sent_in_chunks_is_compressed_whole(api, tmp_path):
    big = tmp_path / "big.txt"
    text = "".join(f"line {n}\n" for n in range(30_000))  # ~260 KB: several 64 KB chunks
    big.write_text(text)

    @api.route("/big")
    def serve(req, resp):
        resp.file(big)

    messages = raw(api, "/big")
    headers = headers_of(messages)
    assert headers[b"content-encoding"] == b"gzip"
    assert b"content-length" not in headers  # not known before the last chunk
    assert gzip.decompress(body_of(messages)).decode() == text


def test_head_of_a_file_announces_the_encoding_without_a_length(api, page):
    @api.route("/page")
    def serve(req, resp):
        resp.file(page)

    get = headers_of(raw(api, "/page"))
    head = raw(api, "/page", method="HEAD")
    headers = headers_of(head)
    assert headers[b"content-encoding"] == get[b"content-encoding"] == b"gzip"
    assert headers[b"etag"] == get[b"etag"]
    assert headers[b"vary"] == b"Accept-Encoding"
    assert b"content-length" not in headers  # RFC 9110 allows leaving it out
    assert body_of(head) == b""


def test_static_files_are_compressed_like_views(tmp_path):
    (tmp_path / "app.js").write_text("console.log('hello');\n" * 100)
    (tmp_path / "tiny.css").write_text("p{}")
    api = responder.API(static_dir=str(tmp_path))
    r = api.requests.get("/static/app.js", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.text == "console.log('hello');\n" * 100
    tiny = api.requests.get("/static/tiny.css", headers=GZIP)
    assert "content-encoding" not in tiny.headers
    off = responder.API(static_dir=str(tmp_path), gzip=False)
    assert "content-encoding" not in off.requests.get("/static/app.js", headers=GZIP).headers


def test_mounted_asgi_apps_are_compressed_but_their_streams_are_not(api):
    async def asgi(scope, receive, send):
        if scope["path"].removeprefix(scope["root_path"]) == "/stream":

            async def parts():
                for i in range(3):
                    yield f"part {i} " * 100

            response = StreamingResponse(parts())
        else:
            response = PlainTextResponse(BIG)
        await response(scope, receive, send)

    api.mount("/sub", asgi)
    r = api.requests.get("/sub/", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.text == BIG
    streamed = raw(api, "/sub/stream")
    assert b"content-encoding" not in headers_of(streamed)
    assert body_parts(streamed) == [f"part {i} ".encode() * 100 for i in range(3)]
    head = headers_of(raw(api, "/sub/", method="HEAD"))
    assert head[b"content-encoding"] == b"gzip"
    assert b"content-length" not in head


def test_mounted_wsgi_apps_are_compressed():
    flask = Flask(__name__)

    @flask.route("/report")
    def report():
        return Response(BIG, mimetype="text/plain")

    api = responder.API()
    api.mount("/flask", flask)
    r = api.requests.get("/flask/report", headers=GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert r.text == BIG
    off = responder.API(gzip=False)
    off.mount("/flask", flask)
    assert "content-encoding" not in off.requests.get("/flask/report", headers=GZIP).headers


# -- the layer on its own -----------------------------------------------------------------


def test_websockets_and_lifespan_pass_through():
    api = responder.API()
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


def sized_app(announced, *parts):
    """An ASGI app announcing ``Content-Length: announced``, then sending ``parts``."""

    async def app(scope, receive, send):
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(announced).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for i, part in enumerate(parts):
            more = i < len(parts) - 1
            await send({"type": "http.response.body", "body": part, "more_body": more})

    return app


def run_collecting(app, messages):
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = http_scope(headers=[(b"accept-encoding", b"gzip")])
    asyncio.run(GZipLayer(app)(scope, receive, send))


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        ((b"a" * 1000, b"a" * 1000), "ended after 2000 of the 5000 bytes"),
        ((b"a" * 3000, b"a" * 3000), "longer than the 5000 bytes"),
    ],
    ids=["short", "long"],
)
def test_body_in_parts_not_the_announced_length_is_never_finished(parts, error):
    # Compressed, the response has no length the server could check: a file cut short
    # while it was sent would otherwise end as a valid gzip stream, a complete response.
    messages = []
    with pytest.raises(RuntimeError, match=error):
        run_collecting(sized_app(5000, *parts), messages)
    assert messages[-1]["more_body"] is True  # the end of the body was never sent


def test_whole_body_not_the_announced_length_is_left_for_the_server_to_refuse():
    messages = []
    run_collecting(sized_app(5000, b"a" * 1000), messages)
    headers = headers_of(messages)
    assert b"content-encoding" not in headers
    assert headers[b"content-length"] == b"5000"  # as announced: the server sees the lie


# -- over a real uvicorn server -------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    static = tmp_path_factory.mktemp("static")
    (static / "app.js").write_text("console.log('hello');\n" * 100)
    port = free_port()
    args = ["-m", "uvicorn", "tests.layers.gzip_app:api", "--host", "127.0.0.1"]
    env = {"GZIP_STATIC_DIR": str(static)}
    with serve([*args, "--port", str(port), "--log-level", "warning"], port, env=env):
        yield port


def fetch(port, method, path, accept_encoding="gzip"):
    """One request over a plain socket; the body exactly as it came (never decompressed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Accept-Encoding": accept_encoding})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/report", "/flask/report", "/static/app.js"])
def test_live_responses_are_gzip_on_the_wire(live, path):
    status, headers, body = fetch(live, "GET", path)
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    text = gzip.decompress(body).decode()
    assert text.startswith(("all systems nominal\n", "console.log('hello');\n"))
    if "content-length" in headers:
        assert int(headers["content-length"]) == len(body)
    _, plain_headers, plain = fetch(live, "GET", path, accept_encoding="identity")
    assert "content-encoding" not in plain_headers
    assert plain.decode() == text


@pytest.mark.parametrize("path", ["/report", "/flask/report", "/static/app.js"])
def test_live_head_gets_the_headers_of_get(live, path):
    _, get, body = fetch(live, "GET", path)
    status, head, nothing = fetch(live, "HEAD", path)
    assert (status, nothing) == (200, b"")
    for name in ("content-encoding", "vary", "content-type", "etag"):
        assert head.get(name) == get.get(name), name
    if path == "/report":  # a view's body is known: HEAD gets its exact compressed length
        assert int(head["content-length"]) == int(get["content-length"]) == len(body)


def test_live_streams_are_not_compressed(live):
    status, headers, body = fetch(live, "GET", "/feed")
    assert status == 200
    assert "content-encoding" not in headers
    assert body.decode() == "".join(f"line {n}\n" * 100 for n in range(3))
