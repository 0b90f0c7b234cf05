"""Starlette app implementing every scenario in ``bench.scenarios``.

Starlette has no content negotiation: ``/data`` and ``/echo-any`` use the
shared helper in ``bench.apps.formats`` and answer JSON with ``JSONResponse``
(Starlette's own JSON path), YAML and MessagePack with a plain ``Response``.

``/big`` is compressed by Starlette's ``GZipMiddleware`` with its defaults
(500-byte minimum, level 9), put on that route alone: on the whole app, as an
app that compresses would have it, it would also slow every other scenario.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bench.apps import formats
from bench.scenarios import BIG_ITEMS

# Starlette has no typed parameters or dependency injection (FastAPI adds them).
UNSUPPORTED = {
    "typed": "Starlette has no typed parameters or dependency injection",
    "sync-inline": "Starlette runs every def endpoint in its thread pool",
}
VARY = {"Vary": "Accept"}


async def text(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


async def js(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, world!"})


async def item(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["item_id"]})


class Resource(HTTPEndpoint):
    async def get(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("resource")


class Shared:
    """One object whose bound method answers every request (Starlette's nearest idiom)."""

    async def get(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("instance")


async def echo(request: Request) -> JSONResponse:
    return JSONResponse(await request.json())


def sync_view(request: Request) -> PlainTextResponse:
    return PlainTextResponse("sync")


def _reply(request: Request, obj: Any) -> Response:
    fmt, media_type = formats.negotiate(request.headers.get("accept"))
    if fmt == "json":
        return JSONResponse(obj, headers=VARY)
    return Response(formats.ENCODERS[fmt](obj), media_type=media_type, headers=VARY)


async def data(request: Request) -> Response:
    return _reply(request, {"message": "Hello, world!", "items": [1, 2, 3]})


async def echo_any(request: Request) -> Response:
    fmt = formats.body_format(request.headers.get("content-type"))
    if fmt is None:
        raise HTTPException(415)
    if fmt == "json":
        payload = await request.json()
    else:
        payload = formats.DECODERS[fmt](await request.body())
    return _reply(request, payload)


async def big(request: Request) -> JSONResponse:
    return JSONResponse(BIG_ITEMS)


app = Starlette(
    routes=[
        Route("/text", text),
        Route("/json", js),
        Route("/items/{item_id:int}", item),
        Route("/resource", Resource),
        Route("/instance", Shared().get),
        Route("/echo", echo, methods=["POST"]),
        Route("/sync", sync_view),
        Route("/data", data),
        Route("/echo-any", echo_any, methods=["POST"]),
        # GZipMiddleware with its defaults, on this route only, so that the
        # other scenarios are measured without it (see the module docstring).
        Route("/big", big, middleware=[Middleware(GZipMiddleware)]),
    ]
)
