"""The app the hostile body tests serve with uvicorn: echoes, text, and a validated model."""

from pydantic import BaseModel

import responder

api = responder.API()


class Person(BaseModel):
    age: int
    score: float | None = None
    avatar: bytes | None = None


@api.route("/echo")
async def echo(req, resp):
    resp.media = await req.media()


@api.route("/text")
async def text(req, resp):
    resp.media = {"text": await req.text}


@api.route("/people", methods=["POST"], request_model=Person)
async def people(req, resp):
    resp.media = await req.media()


@api.route("/ping")
def ping(req, resp):
    resp.media = {"pong": True}
