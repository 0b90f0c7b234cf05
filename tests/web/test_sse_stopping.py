"""An event stream ends cleanly when the server begins to stop, whatever its generator does.

Driven through ASGI on one event loop, so the test can start the server's
stop (``responder._draining.begin``) while a stream waits in its generator.
"""

from __future__ import annotations

import asyncio

import pytest

import responder
from responder import _draining


def _api() -> tuple[responder.API, list[str]]:
    api = responder.API()
    seen: list[str] = []

    @api.route("/quiet")
    async def quiet(req, resp):
        @resp.sse
        async def stream():
            try:
                yield {"event": "hello"}
                await asyncio.Event().wait()  # nothing ever comes
            finally:
                seen.append("quiet closed")

    @api.route("/stubborn")
    async def stubborn(req, resp):
        @resp.sse
        async def stream():
            yield {"event": "hello"}
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                seen.append("stubborn caught it")
            yield {"data": "one more"}  # and carries on, as a careless generator might
            await asyncio.Event().wait()

    return api, seen


async def _serve(api: responder.API, path: str) -> tuple[list[bytes], bool, asyncio.Task[None]]:
    """Start a GET of ``path``; return the body chunks (filling in), and the task."""
    chunks: list[bytes] = []
    ended = asyncio.Event()
    scope = {
        "type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
        "query_string": b"", "headers": [], "http_version": "1.1", "scheme": "http",
        "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "root_path": "",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
    }  # fmt: skip

    async def receive():
        await asyncio.Event().wait()  # the client never leaves

    async def send(message):
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                ended.set()

    task = asyncio.create_task(api(scope, receive, send))
    while not chunks:
        await asyncio.sleep(0)
    return chunks, ended, task


@pytest.mark.parametrize("path", ["/quiet", "/stubborn"])
def test_a_stream_waiting_in_its_generator_ends_cleanly_when_the_server_stops(path):
    api, seen = _api()

    async def main():
        chunks, ended, task = await _serve(api, path)
        await asyncio.sleep(0.01)  # the generator now waits
        _draining.begin()
        await asyncio.wait_for(task, 5)  # no hang, and no exception out of the app
        return b"".join(chunks), ended.is_set()

    body, ended = asyncio.run(main())
    assert body.startswith(b"event: hello\n\n")
    assert ended  # the response was finished with a last body message
    if path == "/quiet":
        assert seen == ["quiet closed"]
    else:
        # The cancellation reached the generator, which caught it; the item it
        # gave instead still goes out, and then the stream ends anyway.
        assert seen == ["stubborn caught it"]
        assert body == b"event: hello\n\ndata: one more\n\n"


def test_a_client_leaving_still_cancels_a_stream_whose_server_is_not_stopping():
    api, seen = _api()

    async def main():
        _, ended, task = await _serve(api, "/quiet")
        await asyncio.sleep(0.01)
        task.cancel()  # what a server does when the client goes away
        with pytest.raises(asyncio.CancelledError):
            await task
        return ended.is_set()

    assert asyncio.run(main()) is False
    assert seen == ["quiet closed"]
