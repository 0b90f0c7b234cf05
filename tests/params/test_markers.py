"""Typed parameters from markers: Query, Header, Cookie, Path, for views, resources and sockets."""

from __future__ import annotations

from typing import Annotated

import pytest
import yaml

import responder
from responder import Cookie, Header, Path, Query


def _search_api(kind: str) -> responder.API:
    """One endpoint reading every marker, as a function view, a resource class or an instance."""
    api = responder.API()

    def answer(resp, **values):
        resp.media = values

    if kind == "function":

        @api.route("/search/{page}")
        async def search(
            req,
            resp,
            *,
            page: int,
            q: str = Query(...),
            limit: Annotated[int, Query(ge=1, le=100)] = 10,
            tag: list[str] = Query([]),
            user_agent: str = Header("none"),
            session: str | None = Cookie(None),
        ):
            answer(resp, page=page, q=q, limit=limit, tag=tag, ua=user_agent, session=session)

        return api

    class Search:
        def on_get(
            self,
            req,
            resp,
            *,
            page: int,
            q: str = Query(...),
            limit: Annotated[int, Query(ge=1, le=100)] = 10,
            tag: list[str] = Query([]),
            user_agent: str = Header("none"),
            session: str | None = Cookie(None),
        ):
            answer(resp, page=page, q=q, limit=limit, tag=tag, ua=user_agent, session=session)

    api.add_route("/search/{page}", Search if kind == "class" else Search())
    return api


KINDS = ["function", "class", "instance"]


@pytest.mark.parametrize("kind", KINDS)
def test_markers_coerce_collect_and_default(kind):
    api = _search_api(kind)
    r = api.requests.get(
        "/search/3?q=shoes&limit=5&tag=a&tag=b",
        headers={"User-Agent": "tester", "Cookie": "session=abc"},
    )
    assert r.status_code == 200
    assert r.json() == {
        "page": 3,
        "q": "shoes",
        "limit": 5,
        "tag": ["a", "b"],
        "ua": "tester",
        "session": "abc",
    }
    r = api.requests.get("/search/1?q=x", headers={"User-Agent": "t"})
    assert r.json()["limit"] == 10
    assert r.json()["tag"] == []
    assert r.json()["session"] is None


@pytest.mark.parametrize("kind", KINDS)
def test_every_error_is_listed_with_location_name_and_message(kind):
    api = _search_api(kind)
    r = api.requests.get("/search/two?limit=500")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    errors = {(e["location"], e["name"]): e for e in r.json()["errors"]}
    assert set(errors) == {("path", "page"), ("query", "q"), ("query", "limit")}
    assert errors[("query", "q")]["message"] == "Field required"
    assert "less than or equal to 100" in errors[("query", "limit")]["message"]
    assert "integer" in errors[("path", "page")]["message"]


def test_the_422_comes_in_yaml_when_yaml_is_asked_for():
    api = _search_api("function")
    r = api.requests.get("/search/1?limit=0", headers={"Accept": "application/x-yaml"})
    assert r.status_code == 422
    assert "yaml" in r.headers["content-type"]
    body = yaml.safe_load(r.text)
    assert [(e["location"], e["name"]) for e in body["errors"]] == [
        ("query", "q"),
        ("query", "limit"),
    ]


def test_header_alias_and_underscore_conversion():
    api = responder.API()

    @api.route("/h")
    async def h(req, resp, *, x_token: str = Header(...), trace: str = Header("", alias="X-B3")):
        resp.media = {"token": x_token, "trace": trace}

    r = api.requests.get("/h", headers={"X-Token": "t1", "x-b3": "abc"})
    assert r.json() == {"token": "t1", "trace": "abc"}
    r = api.requests.get("/h")
    assert r.status_code == 422
    assert r.json()["errors"][0]["name"] == "x-token"
    assert r.json()["errors"][0]["location"] == "header"


def test_query_alias_reads_another_key():
    api = responder.API()

    @api.route("/q")
    async def q(req, resp, *, item_id: int = Query(alias="item-id")):
        resp.media = {"item_id": item_id}

    assert api.requests.get("/q?item-id=7").json() == {"item_id": 7}
    assert api.requests.get("/q?item_id=7").json()["errors"][0]["name"] == "item-id"


def test_path_marker_constrains_a_route_value():
    api = responder.API()

    @api.route("/items/{id:int}")
    async def item(req, resp, *, id: int = Path(ge=1)):
        resp.media = {"id": id}

    assert api.requests.get("/items/4").json() == {"id": 4}
    r = api.requests.get("/items/0")
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "path"


def test_a_plain_view_still_gets_route_values_as_converted():
    api = responder.API()

    @api.route("/p/{name}")
    async def plain(req, resp, *, name):
        resp.media = {"name": name}

    assert api.requests.get("/p/7").json() == {"name": "7"}
    handler = api.router.match("/p/7")[0].handlers["GET"]
    assert handler.direct is plain  # the fast path is untouched
    assert handler.plans == ()


def test_a_bool_query_reads_true_and_false_words():
    api = responder.API()

    @api.route("/b")
    async def b(req, resp, *, flag: bool = Query(False)):
        resp.media = {"flag": flag}

    assert api.requests.get("/b?flag=true").json() == {"flag": True}
    assert api.requests.get("/b?flag=0").json() == {"flag": False}
    assert api.requests.get("/b?flag=maybe").status_code == 422


def test_on_request_and_on_get_both_read_markers():
    api = responder.API()

    @api.route("/r")
    class R:
        def on_request(self, req, resp, *, lang: str = Header("en", alias="accept-language")):
            resp.headers["x-lang"] = lang

        async def on_get(self, req, resp, *, n: int = Query(1)):
            resp.media = {"n": n}

    r = api.requests.get("/r?n=3", headers={"Accept-Language": "fr"})
    assert r.json() == {"n": 3}
    assert r.headers["x-lang"] == "fr"


def test_websocket_handler_reads_query_and_refuses_bad_values():
    api = responder.API()

    @api.route("/ws/{room}", websocket=True)
    async def chat(ws, *, room: str, token: str = Query(...), n: int = Query(1)):
        await ws.accept()
        await ws.send_json({"room": room, "token": token, "n": n})
        await ws.close()

    with api.requests.websocket_connect("/ws/lobby?token=t&n=2") as ws:
        assert ws.receive_json() == {"room": "lobby", "token": "t", "n": 2}
    from starlette.testclient import WebSocketDenialResponse

    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        api.requests.websocket_connect("/ws/lobby?n=x"),
    ):
        pass
    assert denied.value.status_code == 422
    names = [e["name"] for e in denied.value.json()["errors"]]
    assert names == ["token", "n"]


def test_the_plan_is_readable_from_the_handler():
    api = responder.API()

    @api.route("/items/{id:int}")
    async def item(
        req,
        resp,
        *,
        id: int,
        q: str = Query("x", description="search"),
        limit: int = Query(10, le=50),
    ):
        resp.media = {}

    handler = api.router.match("/items/1")[0].handlers["GET"]
    (plan,) = handler.plans
    assert [(p.location, p.name, p.required, p.default) for p in plan.parameters] == [
        ("query", "q", False, "x"),
        ("query", "limit", False, 10),
    ]
    assert plan.plain == ("id",)
    assert plan.parameters[0].field.description == "search"
    assert plan.parameters[1].field.metadata[0].le == 50
