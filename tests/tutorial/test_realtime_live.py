"""The real-time tutorial's app on real servers: one process, then two hosts sharing one Redis.

Clients are the ``websockets`` library (chat) and httpx (the event stream,
read as it arrives). With Redis, the app runs as the tutorial says, with
``REDIS_URL=... responder run examples/tutorial/realtime/app.py --workers 2``,
twice, on two ports: two "hosts" behind a load balancer. A client on one host
and a client on the other are certainly in different processes, so a message
that crosses between them went through Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator

import httpx2 as httpx
import pytest
import websockets

from tests.cli.harness import PYTHON_M, Server, free_port, serving
from tests.e2e.server import LiveServer, live_uvicorn
from tests.ext.redis_server import redis_server

APP = "examples/tutorial/realtime/app.py"


def run(coro):
    """Run one conversation, with a deadline so that a hang fails instead of stalling."""
    return asyncio.run(asyncio.wait_for(coro, 30))


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def join(stack: contextlib.AsyncExitStack, base: str, room: str, name: str):
    """A chat client in ``room``, once its own "joined" has come back (it is in the room)."""
    ws = await stack.enter_async_context(
        websockets.connect(ws_url(base, f"/rooms/{room}?name={name}"))
    )
    await hear(ws, {"type": "joined", "room": room, "name": name})
    return ws


async def hear(ws, expected: dict[str, str]) -> None:
    """Receive until ``expected`` arrives; joins and leaves of others may come first."""
    while True:
        message = json.loads(await ws.recv())
        if message == expected:
            return
        assert message["type"] in {"joined", "left"}, message


async def events(response: httpx.Response) -> AsyncIterator[dict[str, str]]:
    """The server-sent events of a streamed response, one dict of fields each."""
    event: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line:
            field, _, value = line.partition(":")
            event[field] = value.removeprefix(" ")
        elif event:
            yield event
            event = {}


async def chat_across(ann_host: str, bob_host: str) -> None:
    """Bob listens on one host; Ann joins, speaks and leaves on the other; Bob hears it all."""
    async with contextlib.AsyncExitStack() as stack:
        bob = await join(stack, bob_host, "general", "bob")
        async with websockets.connect(ws_url(ann_host, "/rooms/general?name=ann")) as ann:
            await hear(bob, {"type": "joined", "room": "general", "name": "ann"})
            await hear(ann, {"type": "joined", "room": "general", "name": "ann"})
            await ann.send("hello from the other host")
            said = {
                "type": "message",
                "room": "general",
                "from": "ann",
                "text": "hello from the other host",
            }
            await hear(bob, said)
            await hear(ann, said)
        await hear(bob, {"type": "left", "room": "general", "name": "ann"})


async def feed_across(reader_host: str, writer_host: str) -> list[tuple[str, dict]]:
    """Read the feed on one host; on the other, a client joins and leaves, and one announces."""
    async with (
        httpx.AsyncClient(timeout=10) as http,
        http.stream("GET", reader_host + "/feed") as feed,
    ):
        assert feed.headers["content-type"] == "text/event-stream"
        stream = events(feed)
        assert await anext(stream) == {"": "listening", "retry": "3000"}  # subscribed
        async with websockets.connect(ws_url(writer_host, "/rooms/lobby?name=dan")) as dan:
            await hear(dan, {"type": "joined", "room": "lobby", "name": "dan"})
        r = await http.post(writer_host + "/announcements", json={"text": "Lunch is served"})
        assert r.status_code == 202
        return [
            (e["event"], json.loads(e["data"])) for e in [await anext(stream) for _ in range(3)]
        ]


FEED = [
    ("joined", {"type": "joined", "room": "lobby", "name": "dan"}),
    ("left", {"type": "left", "room": "lobby", "name": "dan"}),
    ("announcement", {"type": "announcement", "text": "Lunch is served"}),
]


# -- one process, the in-memory broadcast -------------------------------------------------


@pytest.fixture(scope="module")
def one_process() -> Iterator[LiveServer]:
    with live_uvicorn("examples.tutorial.realtime.app:api") as server:
        yield server


def test_one_process_chat_and_feed(one_process):
    run(chat_across(one_process.url, one_process.url))
    assert run(feed_across(one_process.url, one_process.url)) == FEED
    assert "Traceback" not in one_process.log()


def test_bad_handshakes_and_announcements_are_422(one_process):
    async def refused(path: str) -> int:
        with pytest.raises(websockets.InvalidStatus) as info:
            async with websockets.connect(ws_url(one_process.url, path)):
                pass
        return info.value.response.status_code

    assert run(refused("/rooms/Not%20A%20Room?name=ann")) == 422
    assert run(refused("/rooms/general")) == 422
    r = httpx.post(one_process.url + "/announcements", json={"text": "x" * 281}, timeout=10)
    assert r.status_code == 422 and r.json()["errors"][0]["name"] == "text"


def test_the_page_opens_a_socket_and_an_event_source(one_process):
    page = httpx.get(one_process.url + "/", timeout=10).text
    assert "new WebSocket(" in page and 'new EventSource("/feed")' in page


# -- two hosts, each `responder run --workers 2`, one Redis ---------------------------------


@pytest.fixture(scope="module")
def redis_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    with redis_server(tmp_path_factory.mktemp("redis")) as redis, contextlib.ExitStack() as stack:
        hosts = []
        for _ in range(2):
            port = free_port()
            argv = [*PYTHON_M, "run", APP, "--port", str(port), "--workers", "2"]
            hosts.append(stack.enter_context(serving(argv, port, env={"REDIS_URL": redis.url})))
        yield hosts


@pytest.mark.redis
def test_a_message_on_one_host_reaches_a_client_on_the_other(redis_hosts):
    one, two = redis_hosts
    run(chat_across(one.url, two.url))
    run(chat_across(two.url, one.url))


@pytest.mark.redis
def test_the_feed_on_one_host_hears_what_happens_on_the_other(redis_hosts):
    one, two = redis_hosts
    assert run(feed_across(one.url, two.url)) == FEED
    for host in redis_hosts:
        assert "Traceback" not in host.output(), host.output()
