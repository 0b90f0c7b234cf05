"""Dependency injection: providers of every kind, for views, resources and WebSockets."""

from __future__ import annotations

import threading
from typing import Annotated

import pytest

import responder
from responder import Depends, HTTPUnauthorized, Request

SEEN = {}


def sync_provider():
    SEEN["sync_thread"] = threading.current_thread().name
    return "sync"


async def async_provider():
    return "async"


def gen_provider():
    yield "gen"


async def agen_provider():
    yield "agen"


def test_every_kind_of_provider_is_called_and_injected(api):
    @api.route("/")
    async def view(
        req,
        resp,
        *,
        a=Depends(sync_provider),
        b=Depends(async_provider),
        c: Annotated[str, Depends(gen_provider)],
        d: Annotated[str, Depends(agen_provider)],
    ):
        resp.media = [a, b, c, d]

    assert api.requests.get("/").json() == ["sync", "async", "gen", "agen"]
    # A sync provider runs in the thread pool, never on the event loop's thread.
    assert SEEN["sync_thread"].startswith("responder")


def test_a_marker_in_an_annotation_that_cannot_be_read_is_an_error(api):
    def local_provider():
        return 1

    async def view(req, resp, *, x: Annotated[int, Depends(local_provider)]):
        pass

    with pytest.raises(TypeError, match=r"cannot read the annotation of 'x'.*local_provider"):
        api.add_route("/", view)


def test_providers_take_req_resp_by_name_or_annotation_and_nest(api):
    def token(request):
        return request.headers.get("x-token", "")

    def user(tok=Depends(token), *, r: Request):
        return {"token": tok, "path": r.url.path}

    def stamp(resp, who=Depends(user)):
        resp.headers["x-user"] = who["token"]

    @api.route("/me")
    async def me(req, resp, *, who=Depends(user), _=Depends(stamp)):
        resp.media = who

    r = api.requests.get("/me", headers={"X-Token": "t"})
    assert r.json() == {"token": "t", "path": "/me"}
    assert r.headers["x-user"] == "t"


def test_each_provider_runs_once_per_request_across_on_request_and_on_get(api):
    calls = []

    def counter(req):
        calls.append(req.url.path)
        return len(calls)

    def twice(n=Depends(counter)):
        return n * 2

    @api.route("/r")
    class R:
        def on_request(self, req, resp, *, n=Depends(counter)):
            resp.headers["x-n"] = str(n)

        async def on_get(self, req, resp, *, n=Depends(counter), m=Depends(twice)):
            resp.media = {"n": n, "m": m}

    r = api.requests.get("/r")
    assert r.json() == {"n": 1, "m": 2}
    assert r.headers["x-n"] == "1"
    assert calls == ["/r"]
    api.requests.get("/r")
    assert calls == ["/r", "/r"]  # a new request, a new value


def test_registered_dependencies_are_found_by_name(api):
    @api.dependency()
    def settings():
        return {"debug": True}

    @api.dependency("current_user")
    async def load_user(req, settings):
        return {"name": req.headers.get("x-user", "anon"), "debug": settings["debug"]}

    @api.route("/who")
    async def who(req, resp, *, current_user):
        resp.media = current_user

    api.add_dependency("greeting", lambda: "hi")

    @api.route("/hi")
    def hi(req, resp, *, greeting, current_user):
        resp.text = f"{greeting} {current_user['name']}"

    assert api.requests.get("/who", headers={"X-User": "ann"}).json() == {
        "name": "ann",
        "debug": True,
    }
    assert api.requests.get("/hi").text == "hi anon"


def test_two_providers_with_the_same_name_are_two_providers(api):
    def make(value):
        def provider():
            return value

        return provider

    first, second = make(1), make(2)
    assert first.__name__ == second.__name__

    @api.route("/")
    async def view(req, resp, *, a=Depends(first), b=Depends(second)):
        resp.media = [a, b]

    assert api.requests.get("/").json() == [1, 2]


def test_a_dependency_raising_an_http_error_answers_with_it(api):
    def require_token(req):
        if req.headers.get("authorization") != "Bearer ok":
            raise HTTPUnauthorized(detail="Who are you?", headers={"WWW-Authenticate": "Bearer"})

    @api.route("/secret")
    async def secret(req, resp, *, _=Depends(require_token), q: int = responder.Query(...)):
        resp.text = "secret"

    r = api.requests.get("/secret")  # the guard answers before validation does
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["detail"] == "Who are you?"
    assert api.requests.get("/secret?q=1", headers={"Authorization": "Bearer ok"}).text == "secret"


@pytest.mark.parametrize("where", ["route", "group", "api"])
def test_dependencies_on_a_route_a_group_and_the_api_guard_it(where):
    order = []

    def outer(req):
        order.append("api")

    def middle(req):
        order.append("group")

    def guard(req):
        order.append("route")
        if "deny" in req.params:
            raise responder.HTTPForbidden()

    api = responder.API(dependencies=[Depends(outer)] if where == "api" else None)
    target = api.group("/g", dependencies=[Depends(middle)]) if where == "group" else api
    target.add_route("/x", _plain_view, dependencies=[Depends(guard)])
    prefix = "/g" if where == "group" else ""

    assert api.requests.get(f"{prefix}/x").text == "ok"
    assert (
        order == {"api": ["api", "route"], "group": ["group", "route"], "route": ["route"]}[where]
    )
    assert api.requests.get(f"{prefix}/x?deny=1").status_code == 403


async def _plain_view(req, resp):
    resp.text = "ok"


def test_route_dependencies_are_stored_on_the_spec(api):
    def guard():
        pass

    api.add_route("/x", _plain_view, dependencies=[Depends(guard)])
    handler = api.router.match("/x")[0].handlers["GET"]
    assert [d.provider for d in handler.spec.dependencies] == [guard]
    assert handler.direct is None  # a guarded route has no fast path


def test_a_websocket_handler_gets_dependencies_and_its_guard_refuses(api):
    def room_name(ws):
        return ws.path_params["room"].upper()

    def guard(ws):
        if ws.query_params.get("token") != "ok":
            raise HTTPUnauthorized()

    @api.route("/ws/{room}", websocket=True, dependencies=[Depends(guard)])
    async def chat(ws, *, room, upper=Depends(room_name)):
        await ws.accept()
        await ws.send_json({"room": room, "upper": upper})
        await ws.close()

    with api.requests.websocket_connect("/ws/lobby?token=ok") as ws:
        assert ws.receive_json() == {"room": "lobby", "upper": "LOBBY"}
    from starlette.testclient import WebSocketDenialResponse

    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        api.requests.websocket_connect("/ws/lobby"),
    ):
        pass
    assert denied.value.status_code == 401
