"""An app for the live mount tests: a Starlette app, a Flask app and a Responder API mounted."""

from flask import Flask, redirect, request, url_for
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

import responder


async def starlette_x(request: Request) -> PlainTextResponse:
    return PlainTextResponse("starlette x")


async def starlette_item(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "url_for": str(request.url_for("item", id=request.path_params["id"])),
            "url": str(request.url),
            "root_path": request.scope["root_path"],
        }
    )


starlette_app = Starlette(
    routes=[Route("/x", starlette_x), Route("/items/{id:int}", starlette_item, name="item")]
)

flask_app = Flask(__name__)


@flask_app.route("/x")
def flask_x():
    return "flask x"


@flask_app.route("/items/<int:id>")
def flask_item(id):
    return {
        "url_for": url_for("flask_item", id=id),
        "external": url_for("flask_item", id=id, _external=True),
        "script_root": request.script_root,
        "path": request.path,
    }


@flask_app.route("/go")
def flask_go():
    return redirect(url_for("flask_x"))


inner = responder.API(static_route=None)


@inner.route("/hello")
def inner_hello(req, resp):
    resp.media = {"url": str(req.url), "path": req.url.path}


api = responder.API(static_route=None)
api.mount("/star", starlette_app)
api.mount("/flask", flask_app)
api.mount("/inner", inner)


@api.route("/hello")
def hello(req, resp):
    resp.media = {"url": str(req.url), "path": req.url.path}


@api.route("/x")
def outer_x(req, resp):
    resp.text = "responder x"
