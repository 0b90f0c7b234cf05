"""``params_model=``: the whole query string validated by one model."""

from __future__ import annotations

from typing import Annotated

import pytest
import yaml
from pydantic import BaseModel, Field

import responder
from responder import Query


class Paging(BaseModel):
    page: int = 1
    size: Annotated[int, Field(le=50)] = 10
    sort: list[str] = []


@pytest.mark.parametrize("kind", ["function", "class"])
def test_params_model_refuses_a_bad_query_with_every_error(kind):
    api = responder.API()
    if kind == "function":

        async def view(req, resp):
            resp.media = {"ok": True}

    else:

        class view:
            def on_get(self, req, resp):
                resp.media = {"ok": True}

    api.add_route("/list", view, params_model=Paging)
    assert api.requests.get("/list?page=2&size=5&sort=a&sort=b").json() == {"ok": True}
    r = api.requests.get("/list?page=x&size=99")
    assert r.status_code == 422
    assert [(e["location"], e["name"]) for e in r.json()["errors"]] == [
        ("query", "page"),
        ("query", "size"),
    ]
    r = api.requests.get("/list?page=x", headers={"Accept": "application/x-yaml"})
    assert yaml.safe_load(r.text)["errors"][0]["name"] == "page"


def test_params_model_is_on_the_spec():
    api = responder.API()

    @api.route("/list", params_model=Paging)
    async def view(req, resp):
        pass

    assert api.router.match("/list")[0].handlers["GET"].spec.params_model is Paging


def test_a_query_marker_on_a_model_receives_the_whole_query():
    api = responder.API()

    @api.route("/list")
    async def view(req, resp, *, paging: Paging = Query()):
        resp.media = paging.model_dump()

    r = api.requests.get("/list?page=3&sort=x")
    assert r.json() == {"page": 3, "size": 10, "sort": ["x"]}
    r = api.requests.get("/list?size=100")
    assert r.json()["errors"][0] == {
        "location": "query",
        "name": "size",
        "message": "Input should be less than or equal to 50",
        "type": "less_than_equal",
    }
