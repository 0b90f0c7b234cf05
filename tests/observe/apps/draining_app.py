"""An app with a slow view, an endless event stream and a WebSocket, for SIGTERM tests."""

from __future__ import annotations

import asyncio

import responder

api = responder.API(ready_route="/ready")


@api.route("/slow")
async def slow(req, resp):
    await asyncio.sleep(float(req.params.get("seconds", "1")))
    resp.text = "finished"


@api.route("/events")
async def events(req, resp):
    @resp.sse
    async def stream():
        n = 0
        while True:
            yield {"data": str(n)}
            n += 1
            await asyncio.sleep(0.05)


@api.route("/quiet-events")
async def quiet_events(req, resp):
    @resp.sse
    async def stream():
        yield {"data": "hello"}
        await asyncio.Event().wait()  # nothing more to say: only the stop can end it


@api.route("/ws", websocket=True)
async def ws(ws):
    await ws.accept()
    await ws.send_text("hello")
    while True:
        await ws.receive_text()
