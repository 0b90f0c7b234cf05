"""Responder app implementing every scenario in ``bench.scenarios``.

``build()`` makes a fresh API so that ``responder_stdlib_json_app`` can serve
the very same routes with a different JSON encoder.

``typed`` uses ``responder.Query``, ``responder.Depends`` and a keyword-only
body parameter annotated with the model. Where this Responder does not have
those names yet, the module still imports and lists ``typed`` as unsupported.
"""

from __future__ import annotations

from typing import Any

import responder
from bench.apps.typed import Db, Item, get_db, reply
from bench.scenarios import BIG_ITEMS

#: True when this Responder has typed parameters and dependency injection.
TYPED = hasattr(responder, "Query") and hasattr(responder, "Depends")
UNSUPPORTED = {} if TYPED else {"typed": "needs responder.Query/Depends"}


def build(**options: Any) -> responder.API:
    """A new API with one route per scenario; ``options`` go to ``responder.API``."""
    api = responder.API(**options)

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

    _add_sync(api)

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

    if TYPED:
        _add_typed(api)
    return api


def _add_sync(api: responder.API) -> None:
    """The plain ``def`` views: on the worker threads (the default), and on the loop."""

    @api.route("/sync")
    def sync_view(req: Any, resp: Any) -> None:
        resp.text = "sync"

    @api.route("/sync-inline", sync_to_thread=False)
    def sync_inline_view(req: Any, resp: Any) -> None:
        resp.text = "sync"


def _add_typed(api: responder.API) -> None:
    """The typed route: two query markers, a pydantic body and one dependency."""
    Query, Depends = responder.Query, responder.Depends

    @api.route("/typed/items", methods=["POST"])
    async def typed(
        req: Any,
        resp: Any,
        *,
        q: str = Query(...),
        limit: int = Query(10, ge=1, le=100),
        item: Item,
        db: Db = Depends(get_db),  # noqa: B008 - the marker is the declaration
    ) -> None:
        resp.media = reply(q, limit, item, db)


app = build()  # the API object is the ASGI app
