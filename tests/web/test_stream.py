"""``req.stream()`` and streamed multipart, in-process: the rules a view can count on.

The same behaviour over a real socket, with large bodies and the server's
memory, is in ``tests/web/test_stream_live.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest

import responder
from responder.media import MultipartHandler
from responder.request import BodyConsumedError, Request
from responder.uploads import UploadFile


def _call(api, messages, headers=(), path="/s"):
    """Run one POST through the ASGI app with ``messages`` as the body; status and JSON."""
    inbox = list(messages)
    sent = []

    async def receive():
        return inbox.pop(0) if inbox else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in headers],
        "scheme": "http",
        "server": ("x", 80),
        "http_version": "1.1",
    }
    asyncio.run(api(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)


def _body(*chunks):
    return [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]


@pytest.fixture
def streaming_api():
    api = responder.API(max_request_size=10)

    @api.route("/s", methods=["POST"])
    async def view(req, resp):
        chunks = [chunk async for chunk in req.stream()]
        resp.media = {"chunks": [c.decode() for c in chunks]}

    return api


def test_the_view_gets_each_chunk_as_it_arrived(streaming_api):
    assert _call(streaming_api, _body(b"abc", b"", b"defg")) == (200, {"chunks": ["abc", "defg"]})


def test_the_limit_holds_at_the_chunk_that_passes_it(streaming_api):
    assert _call(streaming_api, _body(b"12345", b"67890"))[0] == 200
    status, problem = _call(streaming_api, _body(b"12345", b"67890", b"!"))
    assert status == 413
    assert problem["detail"] == "The request body is larger than 10 bytes."


@pytest.mark.parametrize(
    ("declared", "chunks", "status"),
    [
        ("5", (b"12", b"345"), 200),
        ("5", (b"12", b"34"), 400),  # shorter than it said
        ("3", (b"12", b"34"), 400),  # longer than it said
        ("11", (b"12",), 413),  # refused before reading
    ],
    ids=["exact", "short", "long", "declared-over-limit"],
)
def test_content_length_is_held_to_what_arrives(streaming_api, declared, chunks, status):
    got, body = _call(streaming_api, _body(*chunks), headers=[("content-length", declared)])
    assert got == status
    if status == 400:
        assert body["detail"] == f"The body is not the {declared} bytes its Content-Length says."


def test_a_client_gone_mid_body_is_a_400(streaming_api):
    messages = [{"type": "http.request", "body": b"12", "more_body": True}]
    assert _call(streaming_api, messages)[0] == 400  # then only http.disconnect


def _request(*chunks):
    messages = _body(*chunks)

    async def receive():
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "headers": []}
    return Request(scope, receive, responder.API().media)


def test_a_body_already_read_streams_from_memory():
    async def run():
        req = _request(b"ab", b"cd")
        assert await req.content == b"abcd"
        return [c async for c in req.stream()], [c async for c in req.stream()]

    assert asyncio.run(run()) == ([b"abcd"], [b"abcd"])


def test_reading_a_body_after_streaming_it_is_a_clear_error():
    async def run():
        req = _request(b"ab", b"cd")
        assert [c async for c in req.stream()] == [b"ab", b"cd"]
        with pytest.raises(BodyConsumedError, match=r"already read with req\.stream"):
            await req.content
        with pytest.raises(BodyConsumedError):
            req.stream()

    asyncio.run(run())


# -- multipart ------------------------------------------------------------------------

BOUNDARY = "b0undary"


def _multipart(*parts):
    body = b"".join(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; {disposition}\r\n\r\n".encode()
        + value
        + b"\r\n"
        for disposition, value in parts
    )
    return body + f"--{BOUNDARY}--\r\n".encode()


def _upload_api(**handler):
    api = responder.API()
    api.media.register(MultipartHandler(**handler))
    seen = {}

    @api.route("/s", methods=["POST"])
    async def view(req, resp):
        form = await req.media("files")
        doc = form["doc"]
        seen["doc"] = doc
        first = await doc.read(3)
        rest = await doc.read()
        resp.media = {
            "name": doc.filename,
            "size": doc.size,
            "on_disk": doc.on_disk,
            "read": [len(first), len(rest)],
            "sha256": hashlib.sha256(first + rest).hexdigest(),
            "mapping": len(doc["content"]),
            "title": form["title"],
        }

    return api, seen


def test_a_file_part_past_the_spool_size_goes_to_disk_and_is_closed_after():
    api, seen = _upload_api(spool_size=1000)
    data = bytes(range(256)) * 10
    body = _multipart(('name="title"', b"t"), ('name="doc"; filename="d.bin"', data))
    headers = [("content-type", f"multipart/form-data; boundary={BOUNDARY}")]
    # The body arrives in small chunks: parts and boundaries cut anywhere.
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    status, got = _call(api, _body(*chunks), headers=headers)
    assert status == 200
    assert got == {
        "name": "d.bin",
        "size": 2560,
        "on_disk": True,
        "read": [3, 2557],
        "sha256": hashlib.sha256(data).hexdigest(),
        "mapping": 2560,
        "title": "t",
    }
    assert seen["doc"].file.closed  # closed (and so deleted) once the answer went out


def test_a_file_part_within_the_spool_size_stays_in_memory():
    api, _ = _upload_api(spool_size=1000)
    body = _multipart(('name="title"', b"t"), ('name="doc"; filename="d.bin"', b"x" * 1000))
    headers = [("content-type", f"multipart/form-data; boundary={BOUNDARY}")]
    status, got = _call(api, _body(body), headers=headers)
    assert (status, got["on_disk"], got["size"]) == (200, False, 1000)


def test_a_multipart_body_read_before_still_decodes_into_files():
    api = responder.API()

    @api.route("/both", methods=["POST"])
    async def both(req, resp):
        raw = await req.content
        form = await req.media("files")
        resp.media = {"raw": len(raw), "doc": form["doc"]["content"].decode()}

    files = {"doc": ("a.txt", b"hello", "text/plain")}
    r = api.requests.post("/both", files=files)
    assert r.json()["doc"] == "hello"
    assert r.json()["raw"] > 5


def test_upload_file_saves_whole_whatever_was_read(tmp_path):
    async def run():
        doc = UploadFile("a.bin", b"0123456789" * 5, spool_size=16)
        assert doc.on_disk
        assert await doc.read(4) == b"0123"
        await doc.save(tmp_path / "out.bin")
        assert await doc.read(2) == b"01"  # back at the start after saving
        await doc.close()
        return (tmp_path / "out.bin").read_bytes()

    assert asyncio.run(run()) == b"0123456789" * 5


def test_upload_file_is_the_3_3_mapping():
    doc = UploadFile("a.txt", b"hi", "text/plain")
    assert doc == {"filename": "a.txt", "content_type": "text/plain", "content": b"hi"}
    assert dict(doc)["content"] == b"hi"
    assert doc.get("missing") is None
    assert repr(doc) == "UploadFile('a.txt', 2 bytes, 'text/plain')"
