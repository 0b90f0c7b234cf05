"""How WebSocket handlers are registered: parameters, url_for, accept twice, sync refused."""

import asyncio
import json

import pytest
import websockets
from starlette.websockets import WebSocketDisconnect

import responder
from tests.e2e.server import serve_uvicorn


@pytest.fixture
def api():
    return responder.API()


def test_a_handler_without_keywords_reads_params_from_path_params(api):
    @api.route("/rooms/{room}", websocket=True)
    async def room(ws):
        await ws.accept()
        await ws.send_json(dict(ws.path_params))
        await ws.close()

    with api.requests.websocket_connect("/rooms/lobby") as ws:
        assert ws.receive_json() == {"room": "lobby"}


def test_a_handler_that_declares_the_params_gets_them_as_keywords(api):
    @api.route("/rooms/{room}/{seat:int}", websocket=True)
    async def room(ws, *, room, seat):
        await ws.accept()
        await ws.send_json({"room": room, "seat": seat})
        await ws.close()

    with api.requests.websocket_connect("/rooms/lobby/3") as ws:
        assert ws.receive_json() == {"room": "lobby", "seat": 3}


def test_url_for_builds_a_websocket_route(api):
    @api.route("/rooms/{room}", websocket=True)
    async def room(ws):
        pass

    assert api.url_for(room, room="lobby") == "/rooms/lobby"
    assert api.url_for("room", room="a b") == "/rooms/a%20b"


def test_accepting_twice_is_harmless(api):
    @api.before_request(websocket=True)
    async def accept_first(ws):
        await ws.accept()

    @api.route("/ws", websocket=True)
    async def handler(ws):
        await ws.accept()
        await ws.send_text("accepted once")
        await ws.close()

    with api.requests.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "accepted once"


def test_a_hook_that_closes_the_connection_answers_it(api):
    ran = []

    @api.before_request(websocket=True)
    async def refuse(ws):
        await ws.close(code=1008)

    @api.route("/ws", websocket=True)
    async def handler(ws):
        ran.append(True)

    with pytest.raises(WebSocketDisconnect) as closed, api.requests.websocket_connect("/ws") as ws:
        ws.receive_text()
    assert closed.value.code == 1008
    assert ran == []


def test_a_sync_handler_is_refused_at_registration(api):
    def handler(ws):
        pass

    with pytest.raises(TypeError, match=r"handler for '/ws' must be a coroutine function"):
        api.add_route("/ws", handler, websocket=True)
    assert api.websocket_router.match("/ws") is None


def test_a_handler_whose_keywords_do_not_match_is_refused(api):
    async def room(ws, *, name):
        pass

    with pytest.raises(TypeError, match=r"room requires name.*'/rooms/\{room\}' gives room"):
        api.add_route("/rooms/{room}", room, websocket=True)


@pytest.fixture(scope="module")
def live():
    with serve_uvicorn("tests.websockets.ws_app:api") as url:
        yield url.replace("http://", "ws://")


def test_live_params_url_for_and_a_second_accept(live):
    async def talk():
        async with websockets.connect(f"{live}/rooms/lobby") as ws:
            return json.loads(await ws.recv())

    got = asyncio.run(asyncio.wait_for(talk(), 10))
    assert got == {"room": "lobby", "url": "/rooms/x%20y"}
