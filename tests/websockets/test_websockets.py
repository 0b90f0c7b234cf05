import asyncio

import pytest
import websockets
from starlette.websockets import WebSocketDisconnect

import responder
from tests.e2e.server import free_port, serve


@pytest.fixture
def api():
    return responder.API()


def test_echo_in_process(api):
    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        name = await ws.receive_text()
        await ws.send_text(f"hello, {name}!")
        await ws.close()

    with api.requests.websocket_connect("/ws") as ws:
        ws.send_text("world")
        assert ws.receive_text() == "hello, world!"


def test_json_bytes_and_typed_params_in_process(api):
    @api.route("/rooms/{room:int}", websocket=True)
    async def room(ws, *, room):
        await ws.accept()
        await ws.send_json(
            {"room": room, "params": ws.path_params, "got": await ws.receive_json()}
        )
        await ws.send_bytes((await ws.receive_bytes()).upper())
        await ws.close()

    with api.requests.websocket_connect("/rooms/7") as ws:
        ws.send_json({"a": 1})
        assert ws.receive_json() == {"room": 7, "params": {"room": 7}, "got": {"a": 1}}
        ws.send_bytes(b"abc")
        assert ws.receive_bytes() == b"ABC"


def test_typed_param_that_does_not_convert_is_refused(api):
    @api.route("/rooms/{room:int}", websocket=True)
    async def room(ws, *, room):
        await ws.accept()

    with pytest.raises(WebSocketDisconnect), api.requests.websocket_connect("/rooms/lobby"):
        pass


def test_unknown_path_closes_the_handshake(api):
    with pytest.raises(WebSocketDisconnect) as info, api.requests.websocket_connect("/nope"):
        pass
    assert info.value.code == 1008


@pytest.mark.parametrize("asynchronous", [True, False])
def test_websocket_before_hooks_run_first(api, asynchronous):
    order = []

    async def async_hook(ws):
        order.append("hook")
        await ws.accept()

    def sync_hook(ws):
        order.append("hook")

    api.before_request(websocket=True)(async_hook if asynchronous else sync_hook)

    @api.route("/ws", websocket=True)
    async def view(ws):
        order.append("view")
        if not asynchronous:
            await ws.accept()
        await ws.send_text("ok")
        await ws.close()

    with api.requests.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "ok"
    assert order == ["hook", "view"]


def test_close_code_reaches_the_client(api):
    @api.route("/ws", websocket=True)
    async def view(ws):
        await ws.accept()
        await ws.close(code=4001, reason="not today")

    with api.requests.websocket_connect("/ws") as ws, pytest.raises(WebSocketDisconnect) as info:
        ws.receive_text()
    assert info.value.code == 4001


def test_client_disconnect_ends_the_handler_cleanly(api):
    finished = []

    @api.route("/ws", websocket=True)
    async def view(ws):
        await ws.accept()
        try:
            while True:
                await ws.receive_text()
        finally:
            finished.append(True)

    with api.requests.websocket_connect("/ws") as ws:
        ws.send_text("one")
    assert finished == [True]


def test_handler_error_reaches_the_test_client(api):
    @api.route("/ws", websocket=True)
    async def view(ws):
        await ws.accept()
        raise RuntimeError("handler bug")

    with pytest.raises(RuntimeError, match="bug"), api.requests.websocket_connect("/ws") as ws:
        ws.receive_text()


@pytest.fixture(scope="module")
def live():
    port = free_port()
    args = ["-m", "uvicorn", "tests.websockets.ws_app:api", "--host", "127.0.0.1"]
    with serve([*args, "--port", str(port), "--log-level", "warning"], port):
        yield f"ws://127.0.0.1:{port}"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 10))


def test_live_echo_and_close_code(live):
    async def talk():
        async with websockets.connect(f"{live}/echo") as ws:
            await ws.send("hi")
            first = await ws.recv()
            await ws.send("bye")
            with pytest.raises(websockets.ConnectionClosed) as info:
                await ws.recv()
            return first, info.value.rcvd.code

    assert run(talk()) == ("echo: hi", 4000)


def test_live_json_bytes_params_and_hooks(live):
    async def talk():
        async with websockets.connect(f"{live}/json/12") as ws:
            await ws.send('{"x": [1, 2]}')
            reply = await ws.recv()
            await ws.send(b"\x01\x02\x03")
            return reply, await ws.recv()

    reply, data = run(talk())
    import json

    assert json.loads(reply) == {"room": 12, "got": {"x": [1, 2]}, "tagged": True}
    assert data == b"\x03\x02\x01"


def test_live_unknown_path_is_refused(live):
    async def talk():
        async with websockets.connect(f"{live}/nope"):
            pass

    with pytest.raises(websockets.InvalidStatus) as info:
        run(talk())
    assert info.value.response.status_code == 403


def test_live_idle_connection_is_closed(live):
    async def talk():
        async with websockets.connect(f"{live}/idle") as ws:
            with pytest.raises(websockets.ConnectionClosed) as info:
                await ws.recv()
            return info.value.rcvd.code

    assert run(talk()) == 1001


def test_live_client_disconnect_leaves_the_server_healthy(live):
    async def talk():
        ws = await websockets.connect(f"{live}/echo")
        await ws.send("x")
        await ws.recv()
        await ws.close()
        async with websockets.connect(f"{live}/echo") as again:
            await again.send("still here")
            return await again.recv()

    assert run(talk()) == "echo: still here"


def test_live_handler_error_closes_with_1011(live):
    async def talk():
        async with websockets.connect(f"{live}/broken") as ws:
            with pytest.raises(websockets.ConnectionClosed) as info:
                await ws.recv()
            return info.value.rcvd.code

    assert run(talk()) == 1011
