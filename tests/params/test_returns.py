"""Views with typed parameters or dependencies may return their answer, like any view."""

import pytest
from pydantic import BaseModel

import responder
from responder import Depends, Query


class Item(BaseModel):
    name: str
    price: float


def db():
    yield {"rows": 3}


@pytest.fixture(params=["async function", "sync function", "resource class"])
def api(request):
    api = responder.API()
    if request.param == "resource class":

        @api.route("/items")
        class Items:
            def on_post(self, req, resp, *, item: Item, limit: int = Query(10), store=Depends(db)):
                return {"item": item, "limit": limit, "rows": store["rows"]}, 201

    elif request.param == "sync function":

        @api.post("/items")
        def create(req, resp, *, item: Item, limit: int = Query(10), store=Depends(db)):
            return {"item": item, "limit": limit, "rows": store["rows"]}, 201

    else:

        @api.post("/items")
        async def create(req, resp, *, item: Item, limit: int = Query(10), store=Depends(db)):
            return {"item": item, "limit": limit, "rows": store["rows"]}, 201

    return api


def test_a_planned_view_returns_its_answer(api):
    r = api.requests.post("/items?limit=5", json={"name": "pen", "price": 1.5})
    assert (r.status_code, r.json()) == (
        201,
        {"item": {"name": "pen", "price": 1.5}, "limit": 5, "rows": 3},
    )


def test_a_planned_view_answers_in_yaml_when_asked(api):
    r = api.requests.post(
        "/items", json={"name": "pen", "price": 1.5}, headers={"Accept": "application/x-yaml"}
    )
    assert r.status_code == 201
    assert "name: pen" in r.text
