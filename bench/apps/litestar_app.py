"""Litestar app implementing every scenario in ``bench.scenarios``.

Handlers are written the idiomatic Litestar way: decorated functions that
return values for Litestar to serialize (msgspec for JSON), ``data: ...`` for
a parsed body, a ``Controller`` for the class-based view, and for ``typed``
query parameters declared by annotation with ``Parameter(ge=, le=)``, a
pydantic ``data: Item`` and a ``Provide``-d dependency. POST handlers say
``status_code=200``: Litestar answers 201 by default. No OpenAPI routes, so
every app has the same route table.

Negotiation is Litestar's own: ``request.accept.best_match`` picks the media
type (like Falcon's ``client_prefers``; unlike the helper the Starlette and
FastAPI apps share, it is not cached per header text). MessagePack is
Litestar's native encoder and decoder (msgspec), YAML the shared PyYAML codec
in ``bench.apps.formats``. Litestar answers a validation error with 400, not
422; nothing here depends on that.

``/big`` is compressed by Litestar's ``CompressionMiddleware`` with its gzip
defaults (500-byte minimum, level 9), on that route only, as for Starlette
and FastAPI: on the whole app it would also slow every other scenario.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Litestar, MediaType, Request, Response, get, post
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.params import Parameter

from bench.apps import formats
from bench.apps.typed import Db, Item, get_db, reply
from bench.scenarios import BIG_ITEMS

#: What a response can be sent as, JSON first (Litestar's default when none fits).
OFFERED = [media_type for _, media_type in formats.RESPONSE_TYPES]
_FORMAT_OF = {media_type: fmt for fmt, media_type in formats.RESPONSE_TYPES}
VARY = {"Vary": "Accept"}


@get("/text", media_type=MediaType.TEXT)
async def text() -> str:
    return "Hello, world!"


@get("/json")
async def js() -> dict[str, str]:
    return {"message": "Hello, world!"}


@get("/items/{item_id:int}")
async def item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


class Resource(Controller):
    """Litestar's class-based view (made once, when the app is built)."""

    path = "/resource"

    @get(media_type=MediaType.TEXT)
    async def get(self) -> str:
        return "resource"


class Shared:
    """One object whose bound method answers every request."""

    async def get(self) -> str:
        return "instance"


@post("/echo", status_code=200)
async def echo(data: dict[str, Any]) -> dict[str, Any]:
    return data


@get("/sync", media_type=MediaType.TEXT, sync_to_thread=True)
def sync_view() -> str:
    return "sync"


@get("/sync-inline", media_type=MediaType.TEXT, sync_to_thread=False)
def sync_inline_view() -> str:
    return "sync"


def _reply(request: Request[Any, Any, Any], obj: Any) -> Response[Any]:
    media_type = request.accept.best_match(OFFERED, default=formats.JSON) or formats.JSON
    fmt = _FORMAT_OF[media_type]
    if fmt == "yaml":
        return Response(formats.dump_yaml(obj), media_type=media_type, headers=VARY)
    # JSON and MessagePack: Litestar encodes the value itself for these types.
    return Response(obj, media_type=media_type, headers=VARY)


@get("/data")
async def data(request: Request[Any, Any, Any]) -> Response[Any]:
    return _reply(request, {"message": "Hello, world!", "items": [1, 2, 3]})


@post("/echo-any", status_code=200)
async def echo_any(request: Request[Any, Any, Any]) -> Response[Any]:
    fmt = formats.body_format(request.headers.get("content-type"))
    if fmt == "json":
        payload = await request.json()
    elif fmt == "msgpack":
        payload = await request.msgpack()
    elif fmt == "yaml":
        payload = formats.load_yaml(await request.body())
    else:
        raise HTTPException(status_code=415)
    return _reply(request, payload)


_GZIP = DefineMiddleware(CompressionMiddleware, config=CompressionConfig(backend="gzip"))


@get("/big", middleware=[_GZIP])
async def big() -> list[dict[str, Any]]:
    return BIG_ITEMS


@post("/typed/items", status_code=200, dependencies={"db": Provide(get_db)})
async def typed(
    q: str,
    data: Item,
    db: Db,
    limit: Annotated[int, Parameter(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    return reply(q, limit, data, db)


def build(**options: Any) -> Litestar:
    """The scenario app; ``options`` are added to ``Litestar(...)`` (plugins, middleware)."""
    handlers: list[Any] = [
        text,
        js,
        item,
        Resource,
        get("/instance", media_type=MediaType.TEXT)(Shared().get),
        echo,
        sync_view,
        sync_inline_view,
        data,
        echo_any,
        big,
        typed,
    ]
    handlers += options.pop("route_handlers", [])
    return Litestar(
        route_handlers=handlers,
        openapi_config=None,
        # The body-size curve echoes up to 10 MiB; Litestar refuses bodies over 10 MB by default.
        request_max_body_size=16 * 1024 * 1024,
        **options,
    )


app = build()
