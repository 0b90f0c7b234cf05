"""The apps of the upload benchmark (bench/upload.py): the same bytes to a file, three ways.

``raw`` is a hand-written ASGI callable writing each body chunk to a file as
it arrives: the ceiling. ``api`` is Responder, with ``/stream`` doing the
same through ``req.stream()`` and ``/multipart`` taking the bytes as one file
of a multipart body (spooled by the parser, then ``UploadFile.save``). Files
go to ``$UPLOAD_DIR``; every answer is the byte count the server wrote.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import responder

OUT = Path(os.environ.get("UPLOAD_DIR", "."))


async def raw(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Write the body to a file chunk by chunk; answer its size."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    size = 0
    with (OUT / "raw.bin").open("wb") as target:
        more = True
        while more:
            message = await receive()
            chunk = message.get("body", b"")
            target.write(chunk)
            size += len(chunk)
            more = message.get("more_body", False)
    body = str(size).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


api = responder.API(max_request_size=4 * 1024**3)


@api.route("/stream", methods=["POST"])
async def stream(req: Any, resp: Any) -> None:
    """The body through ``req.stream()``, each chunk written as it arrives."""
    size = 0
    with (OUT / "stream.bin").open("wb") as target:
        async for chunk in req.stream():
            target.write(chunk)
            size += len(chunk)
    resp.text = str(size)


@api.route("/multipart", methods=["POST"])
async def multipart(req: Any, resp: Any) -> None:
    """The body's file part, spooled by the streaming parser, then saved."""
    doc = (await req.media("files"))["doc"]
    await doc.save(OUT / "multipart.bin")
    resp.text = str(doc.size)
