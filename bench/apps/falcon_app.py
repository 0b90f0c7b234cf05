"""Falcon (ASGI) app implementing the scenarios in ``bench.scenarios``.

Formats the Falcon way: YAML and MessagePack handlers are registered in
``req_options``/``resp_options.media_handlers`` (MessagePack is Falcon's own
``MessagePackHandler``), ``req.get_media()`` picks the reader by Content-Type,
and ``resp.content_type`` comes from ``req.client_prefers`` (Falcon's q-value
aware Accept matching), which then picks the writer for ``resp.media``.
"""

from __future__ import annotations

from typing import Any

import falcon
from falcon.asgi import App, Request, Response
from falcon.media import BaseHandler, MessagePackHandler

from bench.apps import formats

# Falcon's ASGI app only accepts coroutine responders; wrapping a def in a
# thread would measure something Falcon does not offer natively.
UNSUPPORTED = {
    "sync": "Falcon ASGI requires coroutine responders",
    "sync-inline": "Falcon ASGI requires coroutine responders",
    "big": "Falcon has no built-in response compression",
    "typed": "Falcon has no typed parameters, body models or dependency injection",
}


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


class Shared:
    async def on_get(self, req: Request, resp: Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "instance"


class Echo:
    async def on_post(self, req: Request, resp: Response) -> None:
        resp.media = await req.get_media()


class YAMLHandler(BaseHandler):
    """YAML with the same C safe dumper/loader and options as Responder."""

    def serialize(self, media: object, content_type: str) -> bytes:
        return formats.dump_yaml(media)

    async def serialize_async(self, media: object, content_type: str) -> bytes:
        return formats.dump_yaml(media)

    def deserialize(self, stream: Any, content_type: str | None, content_length: Any) -> Any:
        return formats.load_yaml(stream.read())

    async def deserialize_async(
        self, stream: Any, content_type: str | None, content_length: Any
    ) -> Any:
        return formats.load_yaml(await stream.read())


_yaml, _msgpack = YAMLHandler(), MessagePackHandler()
EXTRA_HANDLERS = {
    media_type: _yaml if fmt == "yaml" else _msgpack
    for fmt, media_type in formats.RESPONSE_TYPES
    if fmt != "json"
}
#: What a response can be sent as, JSON first (ties go to the earlier type).
OFFERED = [media_type for _, media_type in formats.RESPONSE_TYPES]


def _negotiate(req: Request, resp: Response) -> None:
    resp.content_type = req.client_prefers(OFFERED) or falcon.MEDIA_JSON
    resp.vary = ("Accept",)


class Data:
    async def on_get(self, req: Request, resp: Response) -> None:
        _negotiate(req, resp)
        resp.media = {"message": "Hello, world!", "items": [1, 2, 3]}


class EchoAny:
    async def on_post(self, req: Request, resp: Response) -> None:
        _negotiate(req, resp)
        resp.media = await req.get_media()


app = App()
app.req_options.media_handlers.update(EXTRA_HANDLERS)
app.resp_options.media_handlers.update(EXTRA_HANDLERS)
app.add_route("/text", Text())
app.add_route("/json", Json())
app.add_route("/items/{item_id:int}", Item())
app.add_route("/resource", Resource())
app.add_route("/instance", Shared())
app.add_route("/echo", Echo())
app.add_route("/data", Data())
app.add_route("/echo-any", EchoAny())
