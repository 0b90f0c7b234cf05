"""Responder app implementing every scenario in ``bench.scenarios``."""

from __future__ import annotations

from typing import Any

import responder

api = responder.API()


@api.route("/text")
async def text(req: Any, resp: Any) -> None:
    resp.text = "Hello, world!"


@api.route("/json")
async def js(req: Any, resp: Any) -> None:
    resp.media = {"message": "Hello, world!"}


@api.route("/items/{item_id:int}")
async def item(req: Any, resp: Any, *, item_id: int) -> None:
    resp.media = {"id": item_id}


@api.route("/resource")
class Resource:
    # async so the scenario measures class dispatch, not the thread-pool hop.
    async def on_get(self, req: Any, resp: Any) -> None:
        resp.text = "resource"


@api.route("/echo")
async def echo(req: Any, resp: Any) -> None:
    resp.media = await req.media()


@api.route("/sync")
def sync_view(req: Any, resp: Any) -> None:
    resp.text = "sync"


app = api  # the API object is the ASGI app
