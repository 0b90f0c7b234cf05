"""The WebSocket tutorial's server: an echo socket and a chat room.

``/ws`` answers every text message with ``Echo: <message>``; ``/chat`` sends
each message to every connected client. The page at ``/`` is the tutorial's
browser client for the chat room (the tutorial saves it as
``static/index.html``; a route keeps the example to one file).

Serve it with ``python examples/websocket_chat.py`` and open
http://127.0.0.1:5042/ in two browser tabs.
"""

from starlette.websockets import WebSocketDisconnect

import responder

api = responder.API()

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


connected = set()


@api.route("/chat", websocket=True)
async def chat(ws):
    await ws.accept()
    connected.add(ws)
    try:
        while True:
            message = await ws.receive_text()
            # Everyone in the room hears every message, the sender included.
            for client in connected:
                await client.send_text(message)
    except WebSocketDisconnect:
        pass
    finally:
        connected.discard(ws)


if __name__ == "__main__":
    api.run()
