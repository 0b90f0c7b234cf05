"""Large bodies are decoded with the garbage collector paused, and it comes back as it was."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import msgpack
import pytest

import responder
from responder.errors import MediaMalformedError
from responder.media import MessagePackHandler
from responder.media.gc_pause import LARGE_BODY
from responder.media.handlers import JSONHandler

RECORDS = [{"id": i, "tags": ["a", "b"]} for i in range(3000)]  # 6,000 containers


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that starts while the test runs."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(count)
    try:
        yield seen
    finally:
        gc.callbacks.remove(count)


# At most the one young collection put off by the pause, when the collector is back.
AT_MOST_ONE_YOUNG = ([], [0])


@pytest.mark.parametrize(
    ("handler", "encode"),
    [
        (JSONHandler(), lambda value: json.dumps(value).encode()),
        (MessagePackHandler(), msgpack.packb),
    ],
    ids=["json", "msgpack"],
)
def test_a_large_body_is_decoded_without_a_collection(collections, handler, encode):
    body = encode(RECORDS)
    gc.collect()
    collections.clear()
    decoded = handler.deserialize(body)
    assert collections in AT_MOST_ONE_YOUNG
    assert decoded == RECORDS
    assert gc.isenabled()


def test_the_same_decode_with_the_collector_on_would_have_collected(collections):
    # What the pause saves: the C decoder alone starts young collections.
    import orjson

    body = json.dumps(RECORDS).encode()
    gc.collect()
    collections.clear()
    orjson.loads(body)
    assert len(collections) >= 5  # 6,000 containers: one young collection per 700


def test_a_malformed_large_body_is_a_400_and_the_collector_is_back_on():
    body = json.dumps(RECORDS).encode()[:-1]  # cut short
    assert len(body) >= LARGE_BODY
    with pytest.raises(MediaMalformedError):
        JSONHandler().deserialize(body)
    assert gc.isenabled()
    with pytest.raises(MediaMalformedError):
        MessagePackHandler().deserialize(msgpack.packb(RECORDS)[:-3])
    assert gc.isenabled()


def test_a_collector_the_app_turned_off_stays_off():
    gc.disable()
    try:
        assert JSONHandler().deserialize(json.dumps(RECORDS).encode()) == RECORDS
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_large_echo_over_the_test_client_comes_back_whole():
    api = responder.API()

    @api.route("/echo", methods=["POST"])
    async def echo(req, resp):
        resp.media = await req.media()

    answer = api.requests.post("/echo", json={"items": RECORDS})
    assert answer.status_code == 200
    assert answer.json() == {"items": RECORDS}
    assert gc.isenabled()
