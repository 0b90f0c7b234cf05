"""Starlette app implementing every scenario in ``bench.scenarios``."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


async def text(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


async def js(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, world!"})


async def item(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["item_id"]})


class Resource(HTTPEndpoint):
    async def get(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("resource")


async def echo(request: Request) -> JSONResponse:
    return JSONResponse(await request.json())


def sync_view(request: Request) -> PlainTextResponse:
    return PlainTextResponse("sync")


app = Starlette(
    routes=[
        Route("/text", text),
        Route("/json", js),
        Route("/items/{item_id:int}", item),
        Route("/resource", Resource),
        Route("/echo", echo, methods=["POST"]),
        Route("/sync", sync_view),
    ]
)
