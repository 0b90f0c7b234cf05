"""Responder app implementing every scenario in ``bench.scenarios``.

``build()`` makes a fresh API so that ``responder_stdlib_json_app`` can serve
the very same routes with a different JSON encoder.
"""

from __future__ import annotations

from typing import Any

import responder
from bench.scenarios import BIG_ITEMS


def build() -> responder.API:
    """A new API with one route per scenario."""
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

    class Shared:
        async def on_get(self, req: Any, resp: Any) -> None:
            resp.text = "instance"

    api.add_route("/instance", Shared())

    @api.route("/echo")
    async def echo(req: Any, resp: Any) -> None:
        resp.media = await req.media()

    @api.route("/sync")
    def sync_view(req: Any, resp: Any) -> None:
        resp.text = "sync"

    # resp.media is encoded in whatever the Accept header asks for (JSON,
    # YAML or MessagePack), and req.media() reads whatever Content-Type says.
    @api.route("/data")
    async def data(req: Any, resp: Any) -> None:
        resp.media = {"message": "Hello, world!", "items": [1, 2, 3]}

    @api.route("/echo-any")
    async def echo_any(req: Any, resp: Any) -> None:
        resp.media = await req.media()

    # gzip is on by default: nothing to configure for the big scenario.
    @api.route("/big")
    async def big(req: Any, resp: Any) -> None:
        resp.media = BIG_ITEMS

    return api


app = build()  # the API object is the ASGI app
