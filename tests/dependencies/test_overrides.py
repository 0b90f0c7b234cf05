"""Overrides scoped to one test client or one ``with`` block, checked when given."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import responder
from responder import DependencyResolutionError, DependencyScopeError, Depends


def get_db():
    yield "real db"


def _api() -> responder.API:
    api = responder.API()

    @api.dependency(scope="app")
    def settings():
        return "real settings"

    @api.route("/db")
    async def db_view(req, resp, *, db=Depends(get_db), settings):
        resp.media = {"db": db, "settings": settings}

    @api.route("/r")
    class R:
        def on_get(self, req, resp, *, db=Depends(get_db)):
            resp.media = {"db": db}

    return api


def test_two_clients_with_two_overrides_never_bleed():
    api = _api()
    one = api.session(overrides={get_db: lambda: "db one"})
    two = api.session(overrides={get_db: lambda: "db two", "settings": lambda: "fake"})
    assert one.get("/db").json() == {"db": "db one", "settings": "real settings"}
    assert two.get("/db").json() == {"db": "db two", "settings": "fake"}
    assert one.get("/r").json() == {"db": "db one"}
    assert api.requests.get("/db").json() == {"db": "real db", "settings": "real settings"}


def test_two_clients_used_concurrently_never_bleed():
    api = _api()
    clients = {name: api.session(overrides={get_db: _constant(name)}) for name in ("a", "b")}
    clients["plain"] = api.session()
    expected = {"a": "a", "b": "b", "plain": "real db"}

    def hammer(name):
        return {clients[name].get("/db").json()["db"] for _ in range(30)}

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(hammer, ["a", "b", "plain"] * 2))
    assert results == [{expected[n]} for n in ["a", "b", "plain"] * 2]


def _constant(value):
    def provider():
        return value

    return provider


def test_with_block_overrides_only_inside_and_only_this_thread():
    api = _api()
    inside = threading.Event()
    done = threading.Event()
    seen_elsewhere = []

    def other_thread():
        inside.wait(10)
        seen_elsewhere.append(api.requests.get("/db").json()["db"])
        done.set()

    worker = threading.Thread(target=other_thread)
    worker.start()
    with api.dependency_overrides({get_db: lambda: "fake"}):
        assert api.requests.get("/db").json()["db"] == "fake"
        with api.dependency_overrides({get_db: lambda: "inner"}):
            assert api.requests.get("/db").json()["db"] == "inner"
        inside.set()
        assert done.wait(10)
        assert api.requests.get("/db").json()["db"] == "fake"
    worker.join(10)
    assert seen_elsewhere == ["real db"]
    assert api.requests.get("/db").json()["db"] == "real db"


def test_with_block_works_inside_a_running_client():
    api = _api()
    with api.requests as client:
        with api.dependency_overrides({get_db: lambda: "fake"}):
            assert client.get("/db").json()["db"] == "fake"
        assert client.get("/db").json()["db"] == "real db"


def test_an_override_of_another_api_does_not_apply():
    api, other = _api(), _api()
    with other.dependency_overrides({get_db: lambda: "other"}):
        assert api.requests.get("/db").json()["db"] == "real db"


def test_overrides_are_checked_when_given():
    api = _api()
    with pytest.raises(DependencyResolutionError, match="needs 'nothing_by_this_name'"):
        api.session(overrides={get_db: lambda nothing_by_this_name: 1})
    with pytest.raises(DependencyResolutionError, match=r"needs req, which .*get_db never takes"):
        api.session(overrides={get_db: lambda req: 1})
    with pytest.raises(DependencyScopeError):  # settings is app-scoped: no request to give
        api.session(overrides={"settings": lambda resp: 1})
    with pytest.raises(TypeError, match="must be a provider"):
        api.session(overrides={get_db: "fake db"})
    overrides = api.dependency_overrides({"dbb": lambda: 1})
    with pytest.raises(DependencyResolutionError, match="No dependency is registered as 'dbb'"):
        overrides.__enter__()


def test_an_override_may_take_what_the_original_takes():
    api = responder.API()

    def user(req):
        return req.headers.get("x-user")

    @api.route("/u")
    async def view(req, resp, *, who=Depends(user)):
        resp.text = who

    client = api.session(overrides={user: lambda request: "fake-" + request.url.path})
    assert client.get("/u").text == "fake-/u"
