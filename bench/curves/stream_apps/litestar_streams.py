"""Litestar: WebSocket echo, and server-sent events from its ``ServerSentEvent``."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import Litestar, MediaType, Request, get, post, websocket
from litestar.connection import WebSocket
from litestar.exceptions import WebSocketDisconnect
from litestar.response import ServerSentEvent, ServerSentEventMessage

from bench.curves.stream_apps.hub import Hub

hub = Hub()


@websocket("/ws")
async def echo(socket: WebSocket) -> None:  # type: ignore[type-arg]
    await socket.accept()
    try:
        while True:
            await socket.send_text(await socket.receive_text())
    except WebSocketDisconnect:
        pass


@get("/events")
async def events() -> ServerSentEvent:
    async def stream() -> AsyncIterator[ServerSentEventMessage | str]:
        async with hub.subscribe() as queue:
            yield ServerSentEventMessage(event="ready", data="ready")
            while True:
                yield await queue.get()

    return ServerSentEvent(stream())


@post("/publish", media_type=MediaType.TEXT, status_code=200)
async def publish(request: Request) -> str:  # type: ignore[type-arg]
    hub.publish((await request.body()).decode())
    return "ok"


app = Litestar(route_handlers=[echo, events, publish], openapi_config=None)
