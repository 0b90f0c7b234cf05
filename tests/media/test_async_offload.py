"""A handler that overrides serialize_async / deserialize_async has them awaited:
a slow encoder or decoder runs off the event loop, and other requests are answered."""

import threading
import time

import httpx2 as httpx
import pytest

import responder
from responder.media import JSONHandler, MediaHandler
from tests.e2e.server import live_uvicorn


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.media.offload_app:api") as live:
        yield live


def wait_until_entered(client: httpx.Client) -> None:
    """Poll until the slow step has started; each poll is answered only if the loop is free."""
    deadline = time.monotonic() + 10
    while not client.get("/entered").json()["entered"]:
        assert time.monotonic() < deadline, "the slow step never started"
        time.sleep(0.01)


def in_thread(call):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("response", call()))
    thread.start()
    return thread, result


def test_slow_encoder_does_not_hold_up_other_requests(server):
    with httpx.Client(base_url=server.url, timeout=5) as client:
        thread, result = in_thread(
            lambda: httpx.get(
                f"{server.url}/numbers", headers={"Accept": "text/x-lines"}, timeout=15
            )
        )
        wait_until_entered(client)  # answered while the encoder is busy
        assert client.get("/release").json() == {"released": True}
        thread.join(15)
    response = result["response"]
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/x-lines"
    assert response.text == "1\n2\n3"


def test_slow_decoder_does_not_hold_up_other_requests(server):
    with httpx.Client(base_url=server.url, timeout=5) as client:
        thread, result = in_thread(
            lambda: httpx.post(
                f"{server.url}/numbers",
                content=b"a\nb\nc\nd",
                headers={"Content-Type": "text/x-lines"},
                timeout=15,
            )
        )
        wait_until_entered(client)
        assert client.get("/release").json() == {"released": True}
        thread.join(15)
    assert result["response"].json() == {"count": 4}


class Tagged(MediaHandler):
    """Marks what went through the async variants, so a test can see which ran."""

    media_types = ("text/x-tagged",)
    format = "tagged"

    def serialize(self, obj):
        return f"sync:{obj}".encode()

    def deserialize(self, data, *, charset=None):
        return f"sync:{data.decode()}"

    async def serialize_async(self, obj):
        return f"async:{obj}".encode()

    async def deserialize_async(self, data, *, charset=None):
        return f"async:{data.decode()}"


def echo_api(handler: MediaHandler) -> responder.API:
    api = responder.API()
    api.media.register(handler)

    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await req.media()

    return api


def test_async_variants_are_used_for_media_and_error_bodies():
    api = echo_api(Tagged())
    tagged = {"Content-Type": "text/x-tagged", "Accept": "text/x-tagged"}
    assert api.requests.post("/echo", content=b"hi", headers=tagged).text == "async:async:hi"
    missing = api.requests.get("/nope", headers={"Accept": "text/x-tagged"})
    assert missing.status_code == 404
    assert missing.text.startswith("async:{")


def test_only_handlers_that_override_the_async_variants_are_awaited():
    class SyncOnly(Tagged):
        serialize_async = MediaHandler.serialize_async
        deserialize_async = MediaHandler.deserialize_async

    api = echo_api(SyncOnly())
    tagged = {"Content-Type": "text/x-tagged", "Accept": "text/x-tagged"}
    assert api.requests.post("/echo", content=b"hi", headers=tagged).text == "sync:sync:hi"
    assert not (JSONHandler.serializes_async or JSONHandler.deserializes_async)
