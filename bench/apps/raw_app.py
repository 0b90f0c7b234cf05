"""Hand-written minimal ASGI app: the ceiling every framework is measured against."""

from __future__ import annotations

from typing import Any

ONLY = frozenset({"text"})

_HELLO = b"Hello, world!"
_HELLO_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(_HELLO)).encode()),
    ],
}
_NOT_FOUND_START = {
    "type": "http.response.start",
    "status": 404,
    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"9")],
}


async def _lifespan(receive: Any, send: Any) -> None:
    """Acknowledge startup/shutdown so every app is driven the same way."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Serve ``GET /text``; everything else is a 404."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["path"] == "/text":
        await send(_HELLO_START)
        await send({"type": "http.response.body", "body": _HELLO})
    else:
        await send(_NOT_FOUND_START)
        await send({"type": "http.response.body", "body": b"Not Found"})
