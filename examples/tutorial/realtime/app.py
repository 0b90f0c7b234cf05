"""The real-time tutorial's app: chat rooms over WebSockets and a live feed over SSE.

- ``ws://.../rooms/{room}?name=ann``: a chat room. Each text message the
  client sends reaches everyone in the room as JSON
  (``{"type": "message", "room", "from", "text"}``), and everyone hears who
  joins and who leaves.
- ``GET /feed``: server-sent events: who joined or left which room, and the
  announcements posted to ``POST /announcements`` (``{"text": "..."}``).
- ``GET /``: a page to try both in a browser.

Everything goes through ``api.broadcast``: in memory by default (one
process), or Redis when ``REDIS_URL`` is set, so that every worker and host
sharing that Redis is one set of rooms and one feed.

Serve it with ``responder run examples/tutorial/realtime/app.py`` and open
http://127.0.0.1:5042/ in two tabs; or, on several workers,
``REDIS_URL=redis://127.0.0.1:6379/0 responder run examples/tutorial/realtime/app.py --workers 2``.
"""

from __future__ import annotations

import asyncio
import os

from pydantic import BaseModel, Field
from starlette.websockets import WebSocketDisconnect

import responder
from responder import Path, Query

# Without REDIS_URL, Broadcast(None) keeps the rooms in this process.
api = responder.API(broadcast=responder.Broadcast(os.environ.get("REDIS_URL")))

ROOM_NAME = r"^[a-z0-9-]{1,32}$"
LONGEST_MESSAGE = 500  # characters


async def tell_everyone(room: str, event: dict[str, str]) -> None:
    """Publish ``event`` in the room, and on the feed."""
    await api.broadcast.publish(f"room:{room}", event)
    await api.broadcast.publish("feed", event)


@api.route("/rooms/{room}", websocket=True)
async def chat(
    ws,
    *,
    room: str = Path(pattern=ROOM_NAME),
    name: str = Query(min_length=1, max_length=32),
):
    await ws.accept()
    async with api.broadcast.subscribe(f"room:{room}") as events:

        async def relay():
            async for event in events:  # everyone in the room, the sender too
                await ws.send_json(event.message)

        relaying = asyncio.create_task(relay())
        await tell_everyone(room, {"type": "joined", "room": room, "name": name})
        try:
            while True:
                text = await ws.receive_text()
                if len(text) > LONGEST_MESSAGE:
                    detail = f"Messages are {LONGEST_MESSAGE} characters at most."
                    await ws.send_json({"type": "error", "detail": detail})
                    continue
                message = {"type": "message", "room": room, "from": name, "text": text}
                await api.broadcast.publish(f"room:{room}", message)
        except WebSocketDisconnect:
            pass
        finally:
            relaying.cancel()
            await tell_everyone(room, {"type": "left", "room": room, "name": name})


@api.route("/feed")
async def feed(req, resp):
    @resp.sse
    async def stream():
        async with api.broadcast.subscribe("feed") as events:
            # Listening now: say so, and ask the browser to reconnect after 3 s if cut off.
            yield {"comment": "listening", "retry": 3000}
            async for event in events:
                yield {"event": event.message["type"], "data": event.message}


class Announcement(BaseModel):
    text: str = Field(min_length=1, max_length=280)


@api.route("/announcements", methods=["POST"], status_code=202)
async def announce(req, resp, *, announcement: Announcement):
    await api.broadcast.publish("feed", {"type": "announcement", "text": announcement.text})
    resp.media = {"published": True}


PAGE = """<!DOCTYPE html>
<title>Rooms</title>
<ul id="feed"></ul>
<div id="chat"></div>
<input id="say" placeholder="Say something, then Enter">
<script>
const name = prompt("Your name?") || "guest";
const show = (where, text) => {
  const line = document.createElement("li");
  line.textContent = text;
  document.getElementById(where).append(line);
};
const ws = new WebSocket(`ws://${location.host}/rooms/general?name=${encodeURIComponent(name)}`);
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  show("chat", m.type === "message" ? `${m.from}: ${m.text}` : `(${m.name || ""} ${m.type})`);
};
document.getElementById("say").addEventListener("keydown", (e) => {
  if (e.key === "Enter") { ws.send(e.target.value); e.target.value = ""; }
});
const feed = new EventSource("/feed");
for (const kind of ["joined", "left", "announcement"]) {
  feed.addEventListener(kind, (e) => show("feed", `${kind}: ${e.data}`));
}
</script>
"""


@api.route("/", include_in_schema=False)
def page(req, resp):
    resp.html = PAGE


if __name__ == "__main__":
    api.run()
