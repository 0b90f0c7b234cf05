"""The WebSocket tutorial's server: an echo socket and a chat room.

``/ws`` answers every text message with ``Echo: <message>``; ``/chat`` sends
each message to every connected client, through ``api.broadcast``: with
``REDIS_URL`` set, every worker and host sharing that Redis is one room.
The page at ``/`` is the tutorial's browser client for the chat room (the
tutorial saves it as ``static/index.html``; a route keeps the example to one
file).

Serve it with ``python examples/websocket_chat.py`` and open
http://127.0.0.1:5042/ in two browser tabs; or, across processes, with
``REDIS_URL=redis://127.0.0.1:6379/0 responder run examples/websocket_chat.py:api --workers 2``.
"""

import asyncio
import os

from starlette.websockets import WebSocketDisconnect

import responder

# One room for every process that shares the Redis in REDIS_URL (``responder run
# --workers 2``, several hosts); without it, the room lives in this process.
api = responder.API(broadcast=responder.Broadcast(os.environ.get("REDIS_URL")))

PAGE = """<!DOCTYPE html>
<html>
<body>
<div id="messages"></div>
<input id="input" placeholder="Type a message..." />
<script>
const ws = new WebSocket(`ws://${location.host}/chat`);
const messages = document.getElementById("messages");
const input = document.getElementById("input");
ws.onmessage = (event) => {
    const p = document.createElement("p");
    p.textContent = event.data;
    messages.appendChild(p);
};
input.addEventListener("keypress", (e) => {
    if (e.key === "Enter") {
        ws.send(input.value);
        input.value = "";
    }
});
</script>
</body>
</html>
"""


@api.route("/")
def index(req, resp):
    resp.html = PAGE


@api.route("/ws", websocket=True)
async def echo(ws):
    await ws.accept()
    while True:
        data = await ws.receive_text()
        await ws.send_text(f"Echo: {data}")


@api.route("/chat", websocket=True)
async def chat(ws):
    await ws.accept()
    async with api.broadcast.subscribe("chat") as events:

        async def hear():
            # Everyone in the room hears every message, the sender included.
            async for event in events:
                await ws.send_text(event.message)

        hearing = asyncio.create_task(hear())
        try:
            while True:
                await api.broadcast.publish("chat", await ws.receive_text())
        except WebSocketDisconnect:
            pass
        finally:
            hearing.cancel()


if __name__ == "__main__":
    api.run()
