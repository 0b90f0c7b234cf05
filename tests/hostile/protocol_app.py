"""Apps for the hostile protocol suite: bodies that fail after their headers went out.

Each failure raises ``RuntimeError("boom <token>")`` with the request's ``token``
query parameter, so a test can find the one traceback its request logged.
Files are served from ``$PROTOCOL_FILES``.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import responder

PART = "x" * 1000


def boom(token: str) -> RuntimeError:
    return RuntimeError(f"boom {token}")


def add_failing_views(api: responder.API) -> None:
    """Views whose body fails after its first part, and one that answers."""

    @api.route("/stream")
    def stream(req, resp):
        token = req.params["token"]

        def parts():  # a sync generator (``?sync=1``) is pulled from a worker thread
            yield PART
            raise boom(token)

        async def async_parts():
            for part in parts():
                yield part

        resp.stream(parts if "sync" in req.params else async_parts)

    @api.route("/sse")
    def sse(req, resp):
        token = req.params["token"]

        @resp.sse
        async def events():
            yield {"event": "first", "data": PART}
            raise boom(token)

    @api.route("/ok")
    def ok(req, resp):
        resp.text = "ok"


def failing_asgi(length: bool):
    """A mounted ASGI app that fails after its first part (announcing a length or not)."""

    async def app(scope, receive, send):
        token = parse_qs(scope["query_string"].decode())["token"][0]
        headers = [(b"content-type", b"text/plain")]
        if length:
            headers.append((b"content-length", b"5000"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": PART.encode(), "more_body": True})
        raise boom(token)

    return app


async def starlette_x(request):
    return PlainTextResponse("starlette x")


api = responder.API(static_route=None)  # gzip on, its default
add_failing_views(api)
api.mount("/chunked", failing_asgi(length=False))
api.mount("/sized", failing_asgi(length=True))
api.mount("/star", Starlette(routes=[Route("/x", starlette_x)]))


@api.route("/files/{name}")
def files(req, resp, *, name):
    resp.file(Path(os.environ["PROTOCOL_FILES"]) / name)


# The case: a compressing middleware put around the whole API by the user.
wrapped = responder.API(static_route=None, gzip=False)
wrapped.add_middleware(GZipMiddleware, minimum_size=10)
add_failing_views(wrapped)
