"""Responder: WebSocket echo, and server-sent events fed by ``api.broadcast``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.websockets import WebSocketDisconnect

import responder

api = responder.API()


@api.route("/ws", websocket=True)
async def echo(ws: Any) -> None:
    await ws.accept()
    try:
        while True:
            await ws.send_text(await ws.receive_text())
    except WebSocketDisconnect:
        pass


@api.route("/events")
async def events(req: Any, resp: Any) -> None:
    @resp.sse
    async def stream() -> AsyncIterator[dict[str, Any]]:
        async with api.broadcast.subscribe("events") as messages:
            yield {"event": "ready", "data": "ready"}
            async for message in messages:
                yield {"data": message.message}


@api.route("/publish", methods=["POST"])
async def publish(req: Any, resp: Any) -> None:
    await api.broadcast.publish("events", await req.text)
    resp.text = "ok"


app = api
