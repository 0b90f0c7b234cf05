"""An app for the live-server tests: a teardown held until released, and typed inputs."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

import responder
from responder import Depends, Header, Query

api = responder.API()
events: list[str] = []
_released: list[asyncio.Event] = []


def _release() -> asyncio.Event:
    if not _released:
        _released.append(asyncio.Event())
    return _released[0]


async def held():
    events.append("open")
    yield "held"
    await asyncio.wait_for(_release().wait(), 10)  # a deadline, never a hang
    events.append("closed")


@api.route("/held")
async def held_view(req, resp, *, value=Depends(held)):
    events.append("view")
    resp.media = {"value": value}


@api.route("/release")
async def release_view(req, resp):
    _release().set()
    resp.text = "released"


@api.route("/events")
async def events_view(req, resp):
    resp.media = events


class Order(BaseModel):
    item: str
    quantity: int


@api.route("/orders/{shop:int}", methods=["POST"])
class Orders:
    async def on_post(
        self,
        req,
        resp,
        *,
        shop: int,
        order: Order,
        rush: bool = Query(False),
        x_client: str = Header(),
    ):
        resp.media = {"shop": shop, "order": order.model_dump(), "rush": rush, "client": x_client}
        resp.status_code = 201
