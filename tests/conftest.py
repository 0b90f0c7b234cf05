"""Shared fixtures: a fresh API per test, and view factories for every kind of view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import responder

# No timing assertions: hypothesis's per-example deadline and its "too slow" health
# check fail a correct test on a busy machine, so both are off for every test.
settings.register_profile("responder", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("responder")


@pytest.fixture
def api() -> responder.API:
    return responder.API()


ViewFactory = Callable[[Callable[..., Any]], Any]


def _function_sync(body: Callable[..., Any]) -> Any:
    def view(req, resp, **params):
        body(req, resp, **params)

    return view


def _function_async(body: Callable[..., Any]) -> Any:
    async def view(req, resp, **params):
        body(req, resp, **params)

    return view


def _class_sync(body: Callable[..., Any]) -> Any:
    class Resource:
        def on_get(self, req, resp, **params):
            body(req, resp, **params)

    return Resource


def _class_async(body: Callable[..., Any]) -> Any:
    class Resource:
        async def on_get(self, req, resp, **params):
            body(req, resp, **params)

    return Resource


def _instance_sync(body: Callable[..., Any]) -> Any:
    return _class_sync(body)()


def _instance_async(body: Callable[..., Any]) -> Any:
    return _class_async(body)()


VIEW_KINDS: dict[str, ViewFactory] = {
    "function-sync": _function_sync,
    "function-async": _function_async,
    "class-sync": _class_sync,
    "class-async": _class_async,
    "instance-sync": _instance_sync,
    "instance-async": _instance_async,
}


@pytest.fixture(params=sorted(VIEW_KINDS))
def make_view(request: pytest.FixtureRequest) -> ViewFactory:
    """Wraps ``body(req, resp, **params)`` as each kind of GET view in turn."""
    return VIEW_KINDS[request.param]


#: Fixtures that start a real redis-server (tests/ext/redis_server.py).
_REDIS_FIXTURES = frozenset({"redis", "redis_url"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test that starts a redis-server ``redis``; ``scripts/check --fast`` skips them."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        uses_fixture = _REDIS_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_fixture or "redis" in params.values():  # e.g. the store=["memory", "redis"] param
            item.add_marker(pytest.mark.redis)
