"""Falcon (ASGI) app implementing the scenarios in ``bench.scenarios``."""

from __future__ import annotations

import falcon
from falcon.asgi import App, Request, Response

# Falcon's ASGI app only accepts coroutine responders; wrapping a def in a
# thread would measure something Falcon does not offer natively.
UNSUPPORTED = {"sync": "Falcon ASGI requires coroutine responders"}


class Text:
    async def on_get(self, req: Request, resp: Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, world!"


class Json:
    async def on_get(self, req: Request, resp: Response) -> None:
        resp.media = {"message": "Hello, world!"}


class Item:
    async def on_get(self, req: Request, resp: Response, item_id: int) -> None:
        resp.media = {"id": item_id}


class Resource:
    async def on_get(self, req: Request, resp: Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "resource"


class Echo:
    async def on_post(self, req: Request, resp: Response) -> None:
        resp.media = await req.get_media()


app = App()
app.add_route("/text", Text())
app.add_route("/json", Json())
app.add_route("/items/{item_id:int}", Item())
app.add_route("/resource", Resource())
app.add_route("/echo", Echo())
