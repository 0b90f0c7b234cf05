"""The app the live WebSocket tests talk to."""

import responder

api = responder.API(websocket_idle_timeout=1.0)
events = []


@api.before_request(websocket=True)
async def tag(ws):
    ws.state.tagged = True


@api.route("/echo", websocket=True)
async def echo(ws):
    await ws.accept()
    while True:
        text = await ws.receive_text()
        if text == "bye":
            await ws.close(code=4000, reason="bye")
            return
        await ws.send_text(f"echo: {text}")


@api.route("/json/{room:int}", websocket=True)
async def json_room(ws, *, room):
    await ws.accept()
    message = await ws.receive_json()
    await ws.send_json({"room": room, "got": message, "tagged": ws.state.tagged})
    data = await ws.receive_bytes()
    await ws.send_bytes(data[::-1])
    await ws.close()


@api.route("/idle", websocket=True)
async def idle(ws):
    await ws.accept()
    await ws.receive_text()  # the client never sends: the idle timeout closes us


@api.route("/broken", websocket=True)
async def broken(ws):
    await ws.accept()
    raise RuntimeError("a bug in the handler")


@api.before_request(websocket=True)
async def accept_early(ws):
    # The 3.3 tutorial accepts in a hook and again in the handler.
    if ws.url.path.startswith("/rooms/"):
        await ws.accept()


@api.route("/rooms/{room}", websocket=True)
async def room(ws):
    await ws.accept()
    await ws.send_json({"room": ws.path_params["room"], "url": api.url_for(room, room="x y")})
    await ws.close()
