"""An app for every server: JSON, a WebSocket echo, and a lifespan whose effects show.

Startup puts a value in ``state`` that ``/state`` answers; shutdown writes the
file named by ``RESPONDER_TEST_SHUTDOWN_FILE`` (with this process's id), which
the test reads after the server stopped.
"""

import os
from pathlib import Path

import responder

api = responder.API()
state: dict[str, object] = {}


@api.on_event("startup")
async def started():
    state["started_in"] = os.getpid()


@api.on_event("shutdown")
async def stopped():
    marker = os.environ.get("RESPONDER_TEST_SHUTDOWN_FILE")
    if marker:
        with Path(marker).open("a") as out:
            out.write(f"stopped {os.getpid()}\n")


@api.route("/json")
async def as_json(req, resp):
    resp.media = {"hello": "world", "pid": os.getpid()}


@api.route("/state")
async def show_state(req, resp):
    resp.media = {"started_in": state.get("started_in"), "pid": os.getpid()}


@api.route("/client")
async def client(req, resp):
    resp.media = {"client": req.client.host if req.client else None, "scheme": req.url.scheme}


@api.websocket_route("/ws")
async def echo(ws):
    await ws.accept()
    while True:
        text = await ws.receive_text()
        if text == "bye":
            break
        await ws.send_text(f"echo: {text}")
    await ws.close()


@api.route("/slow")
async def slow(req, resp):
    import asyncio

    marker = os.environ.get("RESPONDER_TEST_SLOW_FILE")
    if marker:
        Path(marker).write_text("in flight")
    await asyncio.sleep(120)
    resp.text = "finished"
