"""An app for the trailing-slash redirects over a real server (``tests/returns``)."""

from __future__ import annotations

import responder

api = responder.API(static_dir=None)


@api.route("/users")
def users(req, resp):
    resp.media = {"path": req.url.path, "page": req.params.get("page")}


@api.route("/{rest:path}/tail/")
def tail(req, resp, *, rest):
    resp.media = {"rest": rest}


@api.route("/echo")
async def echo(req, resp):
    resp.media = {"method": req.method, "body": await req.media()}
