"""Starlette: WebSocket echo, and server-sent events from a ``StreamingResponse``."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bench.curves.stream_apps.hub import Hub

hub = Hub()


async def echo(ws: WebSocket) -> None:
    await ws.accept()
    try:
        while True:
            await ws.send_text(await ws.receive_text())
    except WebSocketDisconnect:
        pass


async def events(request: Request) -> StreamingResponse:
    async def stream() -> AsyncIterator[str]:
        async with hub.subscribe() as queue:
            yield "event: ready\ndata: ready\n\n"
            while True:
                yield f"data: {await queue.get()}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")


async def publish(request: Request) -> PlainTextResponse:
    hub.publish((await request.body()).decode())
    return PlainTextResponse("ok")


app = Starlette(
    routes=[
        WebSocketRoute("/ws", echo),
        Route("/events", events),
        Route("/publish", publish, methods=["POST"]),
    ]
)
