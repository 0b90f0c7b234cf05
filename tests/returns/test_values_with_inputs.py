"""Return values reach the response when the view declares inputs, guards or router hooks.

A view with typed parameters, a body or dependencies runs through its call
plan; a guarded route or a router's hooks wrap the chain. What the view
returns must still be settled on ``resp`` (and checked by its response model).
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

import responder
from responder import Depends, Query, Router

from .models import Item


def _limit_view(kind: str):
    if kind == "async":

        async def view(req, resp, *, limit: int = Query(20, ge=1)):
            return {"limit": limit}

        return view
    if kind == "sync":

        def view(req, resp, *, limit: int = Query(20, ge=1)):
            return {"limit": limit}

        return view

    class Resource:
        async def on_get(self, req, resp, *, limit: int = Query(20, ge=1)):
            return {"limit": limit}

    return Resource if kind == "class" else Resource()


@pytest.mark.parametrize("kind", ["async", "sync", "class", "instance"])
def test_a_view_with_query_markers_answers_with_what_it_returns(kind):
    api = responder.API()
    api.add_route("/items", _limit_view(kind))
    assert api.requests.get("/items?limit=3").json() == {"limit": 3}
    assert api.requests.get("/items").json() == {"limit": 20}


class Order(BaseModel):
    item: str


def test_a_tuple_returned_with_a_typed_body_sets_status_and_headers():
    api = responder.API()

    @api.route("/orders", methods=["POST"])
    async def create(req, resp, *, order: Order):
        return order, 201, {"Location": "/orders/1"}

    r = api.requests.post("/orders", json={"item": "tea"})
    assert (r.status_code, r.json(), r.headers["location"]) == (201, {"item": "tea"}, "/orders/1")


def test_a_value_returned_with_a_dependency_is_checked_by_the_return_annotation():
    api = responder.API()

    def price():
        return "19.5"

    @api.route("/item")
    def item(req, resp, *, p=Depends(price)) -> Item:
        return {"name": "lamp", "price": p, "secret": "dropped"}

    assert api.requests.get("/item").json() == {"name": "lamp", "price": 19.5}


def test_on_request_with_a_marker_returns_a_value_the_responder_keeps():
    api = responder.API()

    @api.route("/both")
    class Both:
        def on_request(self, req, resp, *, who: str = Query("ann")):
            return {"who": who}

        def on_get(self, req, resp):
            return None

    assert api.requests.get("/both?who=bob").json() == {"who": "bob"}


def test_a_guarded_route_answers_with_what_its_view_returns():
    seen = []
    api = responder.API()

    def guard(req):
        seen.append(req.url.path)

    @api.route("/guarded", dependencies=[Depends(guard)])
    async def guarded(req, resp):
        return {"guarded": True}

    assert api.requests.get("/guarded").json() == {"guarded": True}
    assert seen == ["/guarded"]


def test_a_routers_hooked_view_answers_with_what_it_returns():
    router = Router("/r")

    @router.before_request()
    def stamp(req, resp):
        resp.headers["X-Hooked"] = "yes"

    @router.get("/x")
    async def x(req, resp):
        return {"x": 1}

    api = responder.API()
    api.include_router(router)
    r = api.requests.get("/r/x")
    assert (r.json(), r.headers["x-hooked"]) == ({"x": 1}, "yes")
