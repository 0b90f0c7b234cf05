import asyncio
import os

import pytest

import responder


@pytest.fixture
def files(tmp_path):
    (tmp_path / "report.txt").write_bytes(b"0123456789" * 100)
    (tmp_path / "page.html").write_text("<h1>hi</h1>")
    return tmp_path


@pytest.fixture
def api(files):
    api = responder.API()

    @api.route("/report")
    def report(req, resp):
        resp.headers["X-Kind"] = "report"
        resp.set_cookie("seen", "1")
        resp.file(files / "report.txt")

    @api.route("/page")
    def page(req, resp):
        resp.stream_file(str(files / "page.html"))

    @api.route("/typed")
    def typed(req, resp):
        resp.file(files / "report.txt", content_type="application/x-report")

    @api.route("/missing")
    def missing(req, resp):
        resp.file(files / "nope.txt")

    return api


def test_file_with_type_detection_etag_and_last_modified(api):
    r = api.requests.get("/report")
    assert r.status_code == 200
    assert r.content == b"0123456789" * 100
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["etag"] and r.headers["last-modified"]
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["x-kind"] == "report"
    assert r.headers["set-cookie"].startswith("seen=1")
    assert api.requests.get("/page").headers["content-type"] == "text/html; charset=utf-8"
    assert api.requests.get("/typed").headers["content-type"] == "application/x-report"


def test_missing_file_is_404(api):
    assert api.requests.get("/missing").status_code == 404


def test_conditional_get_gives_304(api):
    first = api.requests.get("/report")
    r = api.requests.get("/report", headers={"If-None-Match": first.headers["etag"]})
    assert (r.status_code, r.content) == (304, b"")
    assert r.headers["etag"] == first.headers["etag"]
    r = api.requests.get("/report", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert r.status_code == 304
    r = api.requests.get("/report", headers={"If-None-Match": '"other"'})
    assert r.status_code == 200


def test_range_gives_206(api):
    r = api.requests.get("/report", headers={"Range": "bytes=10-19"})
    assert r.status_code == 206
    assert r.content == b"0123456789"
    assert r.headers["content-range"] == "bytes 10-19/1000"
    r = api.requests.get("/report", headers={"Range": "bytes=-5"})
    assert (r.status_code, r.content) == (206, b"56789")


def test_multiple_ranges_give_multipart(api):
    r = api.requests.get("/report", headers={"Range": "bytes=0-1, 10-11"})
    assert r.status_code == 206
    assert r.headers["content-type"].startswith("multipart/byteranges")


def test_unsatisfiable_range_gives_416(api):
    r = api.requests.get("/report", headers={"Range": "bytes=5000-6000"})
    assert r.status_code == 416
    assert r.headers["content-range"] == "bytes */1000"


def test_number_of_ranges_is_bounded(api):
    # Past the bound the Range header is ignored (RFC 9110 allows it): the whole file.
    many = "bytes=" + ", ".join(f"{i * 20}-{i * 20 + 1}" for i in range(40))
    r = api.requests.get("/report", headers={"Range": many})
    assert (r.status_code, len(r.content)) == (200, 1000)
    few = "bytes=" + ", ".join(f"{i * 20}-{i * 20 + 1}" for i in range(16))
    assert api.requests.get("/report", headers={"Range": few}).status_code == 206


def test_stale_if_range_sends_the_whole_file(api):
    r = api.requests.get("/report", headers={"Range": "bytes=0-1", "If-Range": '"stale"'})
    assert r.status_code == 200
    assert len(r.content) == 1000


def test_head_of_a_file_has_no_body(api):
    # Uncompressed, so that the length is the file's (see tests/layers/test_gzip.py).
    r = api.requests.head("/report", headers={"Accept-Encoding": "identity"})
    assert (r.status_code, r.content, r.headers["content-length"]) == (200, b"", "1000")


@pytest.mark.parametrize("asynchronous", [True, False])
def test_stream_sends_what_the_generator_yields(asynchronous):
    api = responder.API()

    @api.route("/s")
    async def view(req, resp):
        if asynchronous:

            @resp.stream
            async def body():
                for i in range(3):
                    yield f"chunk {i}\n"

        else:

            @resp.stream
            def body():
                yield b"bytes "
                yield "and text"

    r = api.requests.get("/s")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text == ("chunk 0\nchunk 1\nchunk 2\n" if asynchronous else "bytes and text")


def test_stream_respects_content_type_and_status():
    api = responder.API()

    @api.route("/csv")
    def view(req, resp):
        resp.status_code = 201
        resp.headers["Content-Type"] = "text/csv"

        @resp.stream
        async def body():
            yield "a,b\n"

    r = api.requests.get("/csv")
    assert (r.status_code, r.headers["content-type"], r.text) == (201, "text/csv", "a,b\n")


def sse_api(*events):
    api = responder.API()

    @api.route("/events")
    async def view(req, resp):
        @resp.sse
        async def stream():
            for event in events:
                yield event

    return api


def test_sse_frames_strings_and_dicts():
    api = sse_api(
        "hello", {"event": "update", "data": "payload", "id": "7", "retry": 5000}, {"comment": "x"}
    )
    r = api.requests.get("/events")
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["cache-control"] == "no-cache"
    assert r.text == ("data: hello\n\nevent: update\nid: 7\nretry: 5000\ndata: payload\n\n: x\n\n")


def parse_sse(text):
    """A client's view: events split on blank lines, fields per RFC (WHATWG) rules."""
    events = []
    for block in text.split("\n\n"):
        if not block:
            continue
        event = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            event[name] = event[name] + "\n" + value if name in event else value
        events.append(event)
    return events


@pytest.mark.parametrize(
    "hostile",
    [
        "a\n\nevent: injected\ndata: evil",
        "a\r\rdata: evil",
        "a\r\n\r\nid: 666",
        "\n\n\n",
    ],
)
def test_sse_line_breaks_never_inject_frames(hostile):
    api = sse_api(
        hostile,
        {"data": hostile, "event": hostile, "id": hostile + "\x00"},
        {"comment": hostile, "data": "after"},
    )
    events = parse_sse(api.requests.get("/events").text)
    assert len(events) == 3
    assert events[0] == {"data": hostile.replace("\r\n", "\n").replace("\r", "\n")}
    assert set(events[1]) == {"data", "event", "id"}
    assert "\n" not in events[1]["event"] and "\n" not in events[1]["id"]
    assert "\x00" not in events[1]["id"]
    assert events[2] == {"data": "after"}


def test_sse_refuses_bad_fields():
    from responder.streaming import encode_event

    with pytest.raises(ValueError):
        encode_event({"retry": "soon"})
    with pytest.raises(ValueError):
        encode_event({"evil": "x"})


def test_file_path_can_be_a_string(files):
    api = responder.API()
    api.add_route("/f", lambda req, resp: resp.file(os.fspath(files / "page.html")))
    assert api.requests.get("/f").text == "<h1>hi</h1>"


def test_sse_dict_and_list_data_is_sent_as_json():
    import json

    payload = {"user": "ann", "tags": ["a", "b"], "note": "two\nlines"}
    api = sse_api({"event": "update", "data": payload}, {"data": [1, "two", None]}, {"data": 3})
    events = parse_sse(api.requests.get("/events").text)
    assert [json.loads(event["data"]) for event in events] == [payload, [1, "two", None], 3]
    assert events[0]["event"] == "update"


# -- a body that fails after its headers went out ------------------------------------------


def run(api, on_message, headers=()):
    """One GET / through ``api``, every message handed to ``on_message``."""
    from tests.layers.asgi import http_scope

    scope = http_scope(headers=[(b"host", b"example.com"), *headers])
    inbox = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if inbox:
            return inbox.pop()
        await asyncio.Event().wait()  # the client stays: only the app ends the request

    async def send(message):
        on_message(message)

    asyncio.run(api(scope, receive, send))


def failing_stream_api(kind: str) -> responder.API:
    api = responder.API()

    @api.route("/")
    def view(req, resp):
        def parts():
            yield "first part"
            raise RuntimeError("the real failure")

        async def async_parts():
            for part in parts():
                yield part

        if kind == "sse":
            resp.sse(async_parts)
        else:
            resp.stream(parts if kind == "sync" else async_parts)

    return api


@pytest.mark.parametrize("kind", ["async", "sync", "sse"])
def test_stream_failing_midway_sends_one_start_and_raises_the_real_error(kind):
    messages = []
    with pytest.raises(RuntimeError, match="the real failure"):
        run(failing_stream_api(kind), messages.append)
    starts = [m for m in messages if m["type"] == "http.response.start"]
    assert [m["status"] for m in starts] == [200]
    assert b"first part" in b"".join(m.get("body", b"") for m in messages)
    assert messages[-1].get("more_body") is True  # the stream never claims to be complete


def test_send_failing_after_the_start_is_not_followed_by_a_500():
    api = responder.API()
    api.add_route("/", lambda req, resp: setattr(resp, "text", "hello"))
    messages = []

    def refuse_body(message):
        messages.append(message)
        if message["type"] == "http.response.body":
            raise OSError("connection lost")

    with pytest.raises(OSError, match="connection lost"):
        run(api, refuse_body)
    assert [m["type"] for m in messages] == ["http.response.start", "http.response.body"]


UNREADABLE = "/proc/sys/vm/drop_caches"  # a regular file that not even root may read


def _readable(path):
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False


@pytest.mark.skipif(
    not os.path.isfile(UNREADABLE) or _readable(UNREADABLE),
    reason="needs a file that stats as a file but cannot be opened",
)
@pytest.mark.parametrize("gzip", [True, False])
@pytest.mark.parametrize("accept_encoding", ["gzip", "identity"])
def test_file_that_cannot_be_opened_is_a_500_before_any_header(gzip, accept_encoding):
    api = responder.API(gzip=gzip)
    api.add_route("/", lambda req, resp: resp.file(UNREADABLE))
    messages = []
    with pytest.raises(PermissionError):
        run(api, messages.append, [(b"accept-encoding", accept_encoding.encode())])
    assert [m["status"] for m in messages if m["type"] == "http.response.start"] == [500]
    assert b'"status":500' in b"".join(m.get("body", b"") for m in messages)
