"""Apps with N routes, one builder per framework, for the routing curve.

Route ``i`` answers its own number as text, so a check proves which route
matched: static routes are ``/s{i}/leaf`` (answer ``i``), parameterised ones
``/p{i}/{item_id:int}`` (answer ``i:item_id``, the id converted to an int by
the router). Every framework gets its own idiom: decorated or added views,
one resource instance per route for Falcon, one handler per route for
Litestar. The imports are local, so a missing peer only costs its own curve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: ``(count, parameterised) -> ASGI app``.
Builder = Callable[[int, bool], Any]


def path(i: int, param: bool, style: str = "typed") -> str:
    """Route ``i``'s pattern: ``typed`` ({item_id:int}) or ``plain`` ({item_id})."""
    if not param:
        return f"/s{i}/leaf"
    return f"/p{i}/{{item_id:int}}" if style == "typed" else f"/p{i}/{{item_id}}"


def answer(i: int, item_id: int | None = None) -> str:
    """What route ``i`` answers (with the converted id for a parameterised route)."""
    return str(i) if item_id is None else f"{i}:{item_id}"


def responder_table(count: int, param: bool) -> Any:
    import responder

    def make(i: int) -> Callable[..., Any]:
        if param:

            async def with_id(req: Any, resp: Any, *, item_id: int) -> None:
                resp.text = answer(i, item_id)

            return with_id

        async def plain(req: Any, resp: Any) -> None:
            resp.text = answer(i)

        return plain

    api = responder.API()
    for i in range(count):
        api.add_route(path(i, param), make(i))
    return api


def starlette_table(count: int, param: bool) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    def make(i: int) -> Callable[[Request], Any]:
        async def view(request: Request) -> PlainTextResponse:
            return PlainTextResponse(answer(i, request.path_params.get("item_id")))

        return view

    return Starlette(routes=[Route(path(i, param), make(i)) for i in range(count)])


def falcon_table(count: int, param: bool) -> Any:
    import falcon
    import falcon.asgi

    class Numbered:
        def __init__(self, i: int) -> None:
            self.i = i

        async def on_get(self, req: Any, resp: Any, item_id: int | None = None) -> None:
            resp.content_type = falcon.MEDIA_TEXT
            resp.text = answer(self.i, item_id)

    app = falcon.asgi.App()
    for i in range(count):
        app.add_route(path(i, param), Numbered(i))
    return app


def litestar_table(count: int, param: bool) -> Any:
    from litestar import Litestar, MediaType, get

    def make(i: int) -> Any:
        if param:

            async def with_id(item_id: int) -> str:
                return answer(i, item_id)

            return get(path(i, param, "typed"), media_type=MediaType.TEXT, name=f"r{i}")(with_id)

        async def plain() -> str:
            return answer(i)

        return get(path(i, param), media_type=MediaType.TEXT, name=f"r{i}")(plain)

    return Litestar(route_handlers=[make(i) for i in range(count)], openapi_config=None)


def fastapi_table(count: int, param: bool) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    def make(i: int) -> Callable[..., Any]:
        if param:

            async def with_id(item_id: int) -> PlainTextResponse:
                return PlainTextResponse(answer(i, item_id))

            return with_id

        async def plain() -> PlainTextResponse:
            return PlainTextResponse(answer(i))

        return plain

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    for i in range(count):
        app.get(path(i, param, "plain"))(make(i))
    return app


BUILDERS: dict[str, Builder] = {
    "responder": responder_table,
    "falcon": falcon_table,
    "starlette": starlette_table,
    "fastapi": fastapi_table,
    "litestar": litestar_table,
}
