"""Health and readiness routes: checks at once, each with a timeout; 503 once shutdown begins."""

from __future__ import annotations

import asyncio
import threading

import httpx2 as httpx
import pytest

import responder


def test_health_is_ok_with_no_checks_and_is_left_out_of_the_openapi_document():
    api = responder.API(health_route="/health", ready_route="/ready")
    r = api.requests.get("/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok", "checks": {}})
    assert r.headers["cache-control"] == "no-store"
    assert api.requests.head("/health").status_code == 200
    paths = api.requests.get("/schema.json").json().get("paths", {})
    assert "/health" not in paths and "/ready" not in paths


def test_every_check_is_reported_and_one_failure_makes_it_a_503():
    api = responder.API(health_route="/health")
    api.add_health_check("database", lambda: True)

    async def cache():
        raise ConnectionRefusedError("redis://10.0.0.5 refused")

    async def queue():
        await asyncio.sleep(30)

    api.add_health_check("cache", cache)
    api.add_health_check("queue", queue, timeout=0.1)
    api.add_health_check("disk", lambda: False)

    r = api.requests.get("/health")
    assert r.status_code == 503
    assert r.json() == {
        "status": "fail",
        "checks": {
            "database": {"status": "ok"},
            # The type only: a public probe must not leak addresses from the message.
            "cache": {"status": "fail", "error": "ConnectionRefusedError"},
            "queue": {"status": "fail", "error": "timed out after 0.1 seconds"},
            "disk": {"status": "fail", "error": "the check returned False"},
        },
    }


def test_checks_run_at_the_same_time():
    api = responder.API(health_route="/health")
    started = {name: threading.Event() for name in ("a", "b")}

    def check(mine, other):
        # Each waits for the other to have started: run one after the other, both time out.
        def run():
            started[mine].set()
            return started[other].wait(5)

        return run

    api.add_health_check("a", check("a", "b"), timeout=10)
    api.add_health_check("b", check("b", "a"), timeout=10)
    r = api.requests.get("/health")
    assert r.json() == {"status": "ok", "checks": {"a": {"status": "ok"}, "b": {"status": "ok"}}}


def test_the_readiness_route_runs_the_checks_and_turns_503_when_shutdown_begins():
    api = responder.API(ready_route="/ready")
    api.add_health_check("database", lambda: True)
    during_shutdown = {}

    @api.on_event("shutdown")
    async def probe():
        transport = httpx.ASGITransport(app=api)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            r = await client.get("/ready")
        during_shutdown.update(status=r.status_code, body=r.json())

    with api.requests as client:
        r = client.get("/ready")
        assert (r.status_code, r.json()["status"]) == (200, "ok")
    assert during_shutdown == {"status": 503, "body": {"status": "draining", "checks": {}}}


@pytest.mark.parametrize(
    "options",
    [
        {"health_route": "health"},
        {"ready_route": 5},
        {"health_route": "/h", "ready_route": "/h"},
        {"ready_route": "/ready", "shutdown_delay": -1},
        {"ready_route": "/ready", "shutdown_delay": float("inf")},
    ],
)
def test_bad_health_settings_are_refused_when_the_api_is_made(options):
    with pytest.raises(ValueError):
        responder.API(**options)


def test_a_check_needs_a_new_name_a_function_and_a_positive_timeout():
    api = responder.API(health_route="/health")
    api.add_health_check("db", lambda: True)
    with pytest.raises(ValueError, match="new, non-empty name"):
        api.add_health_check("db", lambda: True)
    with pytest.raises(TypeError, match="callable"):
        api.add_health_check("cache", "redis")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        api.add_health_check("cache", lambda: True, timeout=0)


def test_the_server_gets_the_stop_signal_only_once_the_drain_has_closed_what_it_closes():
    # uvicorn closes open WebSockets itself (with 1012) as soon as it stops: the
    # drain's 1001 must have gone out first, so the signal waits for the drain.
    from responder.health import Health, HealthOptions

    health = Health(HealthOptions())
    order: list[str] = []

    async def close_websockets():
        await asyncio.sleep(0.05)  # a close frame and its answer take a round trip
        order.append("drained")

    health.on_drain.append(close_websockets)

    async def main():
        handed_on = asyncio.Event()

        def server_handler(signum, frame):
            order.append("server stops")
            handed_on.set()

        on_signal = health._signal_handler(server_handler, asyncio.get_running_loop())
        on_signal(15, None)
        await asyncio.wait_for(handed_on.wait(), 5)
        on_signal(15, None)  # a second signal goes straight to the server

    asyncio.run(main())
    assert order == ["drained", "server stops", "server stops"]
