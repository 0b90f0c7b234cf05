"""An app for the end-to-end tests: a small body limit and an echo."""

import responder

api = responder.API(max_request_size=1024)


@api.route("/echo", methods=["POST"])
async def echo(req, resp):
    resp.media = {"size": len(await req.content)}


@api.route("/items/{id:int}")
class Item:
    def on_get(self, req, resp, *, id):
        resp.media = {"id": id, "thread": "sync"}
