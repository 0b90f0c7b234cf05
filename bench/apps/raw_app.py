"""Hand-written minimal ASGI app: the ceiling every framework is measured against.

``text`` and ``json`` send prebuilt bytes; ``echo`` reads the body and sends it
back unparsed. It is what the server alone can do, not a peer: no routing, no
parsing, no serializing.
"""

from __future__ import annotations

from typing import Any

ONLY = frozenset({"text", "json", "echo"})


def _start(content_type: bytes, body: bytes) -> dict[str, Any]:
    """A prebuilt ``http.response.start`` for a 200 with this body."""
    headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body))]
    return {"type": "http.response.start", "status": 200, "headers": headers}


_HELLO = b"Hello, world!"
_HELLO_START = _start(b"text/plain; charset=utf-8", _HELLO)
_JSON = b'{"message":"Hello, world!"}'
_JSON_START = _start(b"application/json", _JSON)
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


async def _echo(receive: Any, send: Any) -> None:
    """Send the request body back as it came, as JSON."""
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    await send(_start(b"application/json", body))
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Serve ``GET /text``, ``GET /json`` and ``POST /echo``; everything else is a 404."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    path = scope["path"]
    if path == "/text":
        await send(_HELLO_START)
        await send({"type": "http.response.body", "body": _HELLO})
    elif path == "/json":
        await send(_JSON_START)
        await send({"type": "http.response.body", "body": _JSON})
    elif path == "/echo" and scope["method"] == "POST":
        await _echo(receive, send)
    else:
        await send(_NOT_FOUND_START)
        await send({"type": "http.response.body", "body": b"Not Found"})
