"""The WebSocket tutorial, run as its reader would run it.

The echo socket and the chat room are ``examples/websocket_chat.py``, written
from the tutorial (its chat room catches ``starlette.websockets.
WebSocketDisconnect``, as the tutorial's does). The tutorial's other samples
(data formats, the before-request hook, the connection lifecycle and close
codes) each get a small app of their own here, as a reader trying them out
would write them. Tests talk to the apps through the in-process test client
(the tutorial's ``TestClient`` tests, verbatim in spirit) and to a live
uvicorn server through the ``websockets`` client; the tutorial's own
command-line check uses ``websocket-client``, which this project does not
install, so the ``websockets`` client stands in for it.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import websockets
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

import responder
from tests.e2e.server import serve_uvicorn
from tests.test_examples import load


@pytest.fixture
def chat_app():
    """A fresh copy of the tutorial's module: its own API and in-memory room."""
    return load("websocket_chat")


@pytest.fixture
def api(chat_app):
    return chat_app.api


# -- echo ------------------------------------------------------------------------------


def test_echo(api):
    client = TestClient(api)
    with client.websocket_connect("/ws") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "Echo: hello"


def test_echo_answers_every_message_in_order(api):
    with api.requests.websocket_connect("/ws") as ws:
        for word in ["one", "two", "three"]:
            ws.send_text(word)
        assert [ws.receive_text() for _ in range(3)] == ["Echo: one", "Echo: two", "Echo: three"]


def test_websocket_404(api):
    client = TestClient(api)
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/nonexistent"):
        pass


# -- the chat room ---------------------------------------------------------------------


def test_chat_message_reaches_every_client_including_the_sender(chat_app):
    # One client context: all connections share one event loop, like a real server.
    with (
        chat_app.api.requests as client,
        client.websocket_connect("/chat") as ann,
        client.websocket_connect("/chat") as bob,
    ):
        ann.send_text("hi all")
        assert ann.receive_text() == "hi all"
        assert bob.receive_text() == "hi all"
        bob.send_text("hello ann")
        assert bob.receive_text() == "hello ann"
        assert ann.receive_text() == "hello ann"


def test_chat_forgets_a_client_that_left(chat_app):
    with chat_app.api.requests as client, client.websocket_connect("/chat") as ann:
        with client.websocket_connect("/chat") as bob:
            ann.send_text("before")
            assert bob.receive_text() == "before"
            assert ann.receive_text() == "before"
        # Bob is gone: the room still works for Ann, and only Ann is in it.
        ann.send_text("after")
        assert ann.receive_text() == "after"
        assert chat_app.api.broadcast.subscribers("chat") == 1
    assert chat_app.api.broadcast.subscribers("chat") == 0


def test_the_chat_page_opens_a_socket_to_the_room(api):
    r = api.requests.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "new WebSocket(" in r.text
    assert "/chat" in r.text


# -- data formats ----------------------------------------------------------------------


@pytest.fixture
def formats_api():
    api = responder.API()

    @api.route("/formats", websocket=True)
    async def formats(ws):
        await ws.accept()
        message = await ws.receive_text()
        await ws.send_text(message.upper())
        message = await ws.receive_json()
        await ws.send_json({"type": "update", "data": message["data"][::-1]})
        data = await ws.receive_bytes()
        await ws.send_bytes(b"\x00\x01\x02" + data)
        await ws.close()

    return api


def test_text_json_and_bytes_round_trip(formats_api):
    with formats_api.requests.websocket_connect("/formats") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "HELLO"
        ws.send_json({"type": "update", "data": [1, 2, 3]})
        assert ws.receive_json() == {"type": "update", "data": [3, 2, 1]}
        ws.send_bytes(b"\xff")
        assert ws.receive_bytes() == b"\x00\x01\x02\xff"


# -- before-request hooks --------------------------------------------------------------


def hooked_api(require_token: bool) -> responder.API:
    """The tutorial's hook: it accepts, so the handler does not."""
    api = responder.API()

    @api.before_request(websocket=True)
    async def ws_auth(ws):
        # The tutorial's comment: check for a token in the query string.
        if require_token and ws.query_params.get("token") != "letmein":
            await ws.close(code=1008)
            return
        await ws.accept()

    @api.route("/feed", websocket=True)
    async def feed(ws):
        await ws.send_text("welcome")
        await ws.close()

    return api


def test_the_tutorials_hook_on_the_tutorials_echo_app(chat_app):
    """The hook accepts, as the tutorial says it must; the echo handler accepts too."""

    @chat_app.api.before_request(websocket=True)
    async def ws_auth(ws):
        await ws.accept()

    with chat_app.api.requests.websocket_connect("/ws") as ws:
        ws.send_text("hello")
        assert ws.receive_text() == "Echo: hello"


def test_a_before_request_hook_accepts_for_the_handler():
    with hooked_api(require_token=False).requests.websocket_connect("/feed") as ws:
        assert ws.receive_text() == "welcome"


def test_a_before_request_hook_lets_a_client_with_a_token_in():
    with hooked_api(require_token=True).requests.websocket_connect("/feed?token=letmein") as ws:
        assert ws.receive_text() == "welcome"


def test_a_before_request_hook_refuses_a_client_without_a_token():
    api = hooked_api(require_token=True)
    with pytest.raises(WebSocketDisconnect) as info, api.requests.websocket_connect("/feed"):
        pass
    assert info.value.code == 1008


# -- the connection lifecycle and close codes ------------------------------------------


@pytest.fixture
def lifecycle_api():
    api = responder.API()

    @api.route("/ws", websocket=True)
    async def handler(ws):
        await ws.accept()
        try:
            while True:
                data = await ws.receive_text()
                await ws.send_text(f"Got: {data}")
        except WebSocketDisconnect:
            print("Client disconnected")

    @api.route("/close/{code:int}", websocket=True)
    async def close_with(ws, *, code):
        await ws.accept()
        await ws.send_text("closing")
        await ws.close(code=code)

    return api


def test_a_client_that_disconnects_ends_the_handlers_loop(lifecycle_api, capsys):
    with lifecycle_api.requests.websocket_connect("/ws") as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "Got: ping"
    assert "Client disconnected" in capsys.readouterr().out


@pytest.mark.parametrize("code", [1000, 1001, 1008, 1011])
def test_the_server_closes_with_the_code_it_chose(lifecycle_api, code):
    with lifecycle_api.requests.websocket_connect(f"/close/{code}") as ws:
        assert ws.receive_text() == "closing"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert info.value.code == code


# -- a live server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def live():
    with serve_uvicorn("examples.websocket_chat:api") as base:
        yield base.replace("http://", "ws://")


def run(coro):
    """Run one client conversation, with a deadline so a hang fails instead of stalling."""
    return asyncio.run(asyncio.wait_for(coro, 10))


def test_live_echo(live):
    async def talk():
        async with websockets.connect(f"{live}/ws") as ws:
            await ws.send("hello")
            return await ws.recv()

    assert run(talk()) == "Echo: hello"


def test_live_chat_room_with_three_clients(live):
    heard = run(chat_in_room([live], ["ann", "bob", "cat"], "bob"))
    assert heard["ann"] == ["ann joined", "bob joined", "cat joined", "hello from bob"]
    assert heard["bob"] == ["bob joined", "cat joined", "hello from bob"]
    assert heard["cat"] == ["cat joined", "hello from bob"]


async def chat_in_room(urls: list[str], names: list[str], speaker: str) -> dict[str, list[str]]:
    """Clients join ``/chat`` one at a time (round the ``urls``), then ``speaker`` speaks.

    A client is in the room once its own "joined" message comes back; each
    client's list holds what it heard, up to the speaker's message.
    """
    heard: dict[str, list[str]] = {name: [] for name in names}
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for number, name in enumerate(names):
            url = urls[number % len(urls)]
            ws = await stack.enter_async_context(websockets.connect(f"{url}/chat"))
            clients[name] = ws
            await ws.send(f"{name} joined")
            await hear_until(ws, f"{name} joined", heard[name])
        await clients[speaker].send(f"hello from {speaker}")
        for name, ws in clients.items():
            await hear_until(ws, f"hello from {speaker}", heard[name])
    return heard


async def hear_until(ws, last: str, heard: list[str]) -> None:
    """Receive into ``heard`` up to and including the message ``last``."""
    while True:
        heard.append(await ws.recv())
        if heard[-1] == last:
            return


def test_live_unknown_path_is_refused(live):
    async def talk():
        async with websockets.connect(f"{live}/nonexistent"):
            pass

    with pytest.raises(websockets.InvalidStatus) as info:
        run(talk())
    assert info.value.response.status_code == 403
