"""FastAPI app implementing every scenario in ``bench.scenarios``.

Handlers are written the idiomatic FastAPI way (return values serialized by
FastAPI, body parsed by ``Body``), since that cost is part of using FastAPI.
``response_model=None`` keeps the return annotations from adding response
validation that no other framework here performs.

FastAPI has no content negotiation: ``/data`` and ``/echo-any`` use the shared
helper in ``bench.apps.formats``. JSON is still returned as a value for FastAPI
to serialize (its normal path), with ``Vary`` set on the injected response;
YAML and MessagePack are returned as a ``Response``. The body of ``/echo-any``
can be any of three formats, so it is read from the ``Request``.

``typed`` uses FastAPI's own markers: ``Query`` (with ``ge``/``le``), the
pydantic model as the body parameter, and ``Depends`` for the dependency.

``/big`` is compressed by Starlette's ``GZipMiddleware`` (what FastAPI
documents for gzip) with its defaults (500-byte minimum, level 9). FastAPI
has no per-route middleware, so it wraps that route's ASGI app alone, as
Starlette's ``Route(middleware=...)`` does: on the whole app it would also
slow every other scenario.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from starlette.middleware.gzip import GZipMiddleware

from bench.apps import formats
from bench.apps.typed import Db, Item, get_db, reply
from bench.scenarios import BIG_ITEMS

UNSUPPORTED = {"sync-inline": "FastAPI runs every def endpoint in its thread pool"}

# No docs/OpenAPI routes: every app should have the same route table.
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/text", response_class=PlainTextResponse, response_model=None)
async def text() -> str:
    return "Hello, world!"


@app.get("/json", response_model=None)
async def js() -> dict[str, str]:
    return {"message": "Hello, world!"}


@app.get("/items/{item_id}", response_model=None)
async def item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


# FastAPI has no class-based views; the closest idiom is a function on an
# APIRouter included into the app, which is what "resource" measures here.
router = APIRouter()


@router.get("/resource", response_class=PlainTextResponse, response_model=None)
async def resource() -> str:
    return "resource"


class Shared:
    async def get(self) -> str:
        return "instance"


router.add_api_route(
    "/instance", Shared().get, response_class=PlainTextResponse, response_model=None
)
app.include_router(router)


@app.post("/echo", response_model=None)
async def echo(payload: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    return payload


@app.get("/sync", response_class=PlainTextResponse, response_model=None)
def sync_view() -> str:
    return "sync"


def _reply(request: Request, response: Response, obj: Any) -> Any:
    fmt, media_type = formats.negotiate(request.headers.get("accept"))
    if fmt == "json":
        response.headers["Vary"] = "Accept"
        return obj
    content = formats.ENCODERS[fmt](obj)
    return Response(content, media_type=media_type, headers={"Vary": "Accept"})


@app.get("/data", response_model=None)
async def data(request: Request, response: Response) -> Any:
    return _reply(request, response, {"message": "Hello, world!", "items": [1, 2, 3]})


@app.post("/echo-any", response_model=None)
async def echo_any(request: Request, response: Response) -> Any:
    fmt = formats.body_format(request.headers.get("content-type"))
    if fmt is None:
        raise HTTPException(415)
    if fmt == "json":
        payload = await request.json()
    else:
        payload = formats.DECODERS[fmt](await request.body())
    return _reply(request, response, payload)


@app.get("/big", response_model=None)
async def big() -> list[dict[str, Any]]:
    return BIG_ITEMS


@app.post("/typed/items", response_model=None)
async def typed(
    item: Item,
    db: Annotated[Db, Depends(get_db)],
    q: Annotated[str, Query()],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    return reply(q, limit, item, db)


for _route in app.router.routes:
    if isinstance(_route, APIRoute) and _route.path == "/big":
        _route.app = GZipMiddleware(_route.app)
