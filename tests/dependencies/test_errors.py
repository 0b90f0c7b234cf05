"""Every dependency declaration error is raised at registration, with a message that says why."""

from __future__ import annotations

import pytest

import responder
from responder import (
    DependencyCycleError,
    DependencyError,
    DependencyResolutionError,
    DependencyScopeError,
    Depends,
)


def test_error_classes_are_one_family():
    for cls in (DependencyCycleError, DependencyScopeError, DependencyResolutionError):
        assert issubclass(cls, DependencyError)
    assert issubclass(DependencyError, TypeError)


def test_a_cycle_is_refused_with_its_path(api):
    def ping(p=None):
        return p

    def pong(p=Depends(ping)):
        return p

    # Close the circle: ping now depends on pong.
    ping.__defaults__ = (Depends(pong),)

    async def view(req, resp, *, v=Depends(ping)):
        pass

    with pytest.raises(DependencyCycleError, match=r"ping -> .*pong -> .*ping"):
        api.add_route("/", view)


def test_a_cycle_through_registered_names(api):
    def alpha(beta):
        return beta

    def beta(alpha):
        return alpha

    api.injector.graph.register("alpha", alpha)
    with pytest.raises(DependencyCycleError):
        api.add_dependency("beta", beta)


def test_app_scope_may_not_depend_on_request_scope(api):
    @api.dependency()
    def session(req):
        return req

    with pytest.raises(DependencyScopeError, match=r"App-scoped provider .*pool cannot depend on"):

        @api.dependency(scope="app")
        def pool(session):
            return session

    with pytest.raises(DependencyScopeError, match="cannot depend on req"):
        api.add_dependency("engine", lambda req: req, scope="app")


def test_an_unresolvable_name_names_provider_and_parameter(api):
    def needs_thing(thing):
        return thing

    async def view(req, resp, *, v=Depends(needs_thing)):
        pass

    with pytest.raises(DependencyResolutionError, match=r"needs_thing needs 'thing'"):
        api.add_route("/", view)


def test_a_view_naming_an_unregistered_dependency_keeps_the_plain_message(api):
    async def view(req, resp, *, db):
        pass

    with pytest.raises(
        TypeError, match=r"view requires db, but the route '/' gives no parameters"
    ):
        api.add_route("/", view)


def test_an_http_provider_on_a_websocket_route_and_back(api):
    def needs_req(req):
        return req

    async def handler(ws, *, v=Depends(needs_req)):
        pass

    with pytest.raises(DependencyResolutionError, match=r"needs req, .*WebSocket route"):
        api.add_route("/ws", handler, websocket=True)

    def needs_ws(ws):
        return ws

    with pytest.raises(DependencyResolutionError, match="needs ws, which a HTTP route"):
        api.add_route("/x", _ok, dependencies=[Depends(needs_ws)])


async def _ok(req, resp):
    resp.text = "ok"


def test_a_taken_name_and_a_bad_scope(api):
    api.add_dependency("db", lambda: 1)
    with pytest.raises(ValueError, match="'db' is already registered"):
        api.add_dependency("db", lambda: 2)
    with pytest.raises(ValueError, match="scope is 'request' or 'app'"):
        api.add_dependency("x", lambda: 1, scope="session")
    with pytest.raises(TypeError, match=r"Depends\(\) takes a provider function"):
        Depends(3)


def test_a_failed_route_registers_nothing(api):
    def needs_thing(thing):
        return thing

    with pytest.raises(DependencyError):
        api.add_route("/", _ok, dependencies=[needs_thing])
    assert api.requests.get("/").status_code == 404


def test_dependency_names_are_exported():
    for name in (
        "Depends",
        "DependencyError",
        "DependencyCycleError",
        "DependencyScopeError",
        "DependencyResolutionError",
    ):
        assert name in responder.__all__
