"""The limiter when its Redis is down or stalled: it fails open (or closed), fast, and says so.

Against a real ``redis-server``, stopped or paused (SIGSTOP) by PID.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

import responder
from responder.ext.ratelimit import RateLimiter, RedisStore, StoreUnavailable

from .redis_server import RedisServer, redis_server

LOGGER = "responder.ratelimit"
#: Longer than the default 0.25 s, so that a busy machine does not fail a healthy Redis.
TIMEOUT = 1.0


@pytest.fixture
def redis(tmp_path):
    """A redis-server of this test's own, since the test stops or pauses it."""
    with redis_server(tmp_path) as server:
        yield server


def make_api(url: str, **options) -> responder.API:
    api = responder.API()
    cooldown = options.pop("cooldown", 1.0)
    store = RedisStore(url, prefix="outage:", timeout=TIMEOUT, cooldown=cooldown)
    RateLimiter(requests=5, period=60, store=store, **options).install(api)

    @api.route("/")
    def index(req, resp):
        resp.media = {"decision": req.state.ratelimit is not None}

    return api


def store_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_redis_down_fails_open_and_logs_once(redis: RedisServer, caplog):
    api = make_api(redis.url)
    with caplog.at_level(logging.WARNING, LOGGER), api.session() as client:
        r = client.get("/")
        assert (r.status_code, r.headers["x-ratelimit-remaining"]) == (200, "4")
        redis.stop()
        responses = [client.get("/") for _ in range(20)]
    assert {r.status_code for r in responses} == {200}
    assert all(r.json() == {"decision": False} for r in responses)
    assert not any("x-ratelimit-limit" in r.headers for r in responses)
    [line] = store_lines(caplog)
    assert "Rate limit store failing (StoreUnavailable: Redis at redis://127.0.0.1" in line
    assert "let through unchecked (fail_open=True)" in line


def test_redis_down_fails_closed_with_a_503(redis: RedisServer, caplog):
    api = make_api(redis.url, fail_open=False)
    redis.stop()
    with caplog.at_level(logging.WARNING, LOGGER), api.session() as client:
        responses = [client.get("/", headers={"Accept": "application/x-yaml"}) for _ in range(5)]
    assert {r.status_code for r in responses} == {503}
    r = responses[0]
    assert r.headers["content-type"] == "application/problem+yaml"
    assert r.headers["retry-after"] == "1"
    assert "cannot reach its store" in r.text
    [line] = store_lines(caplog)
    assert "refused with 503 (fail_open=False)" in line


def test_a_stalled_redis_is_given_up_on_and_limits_come_back(redis: RedisServer, caplog):
    api = make_api(redis.url, cooldown=0.2)
    with caplog.at_level(logging.WARNING, LOGGER), api.session() as client:
        assert client.get("/").headers["x-ratelimit-remaining"] == "4"
        redis.pause()
        try:
            stalled = [client.get("/") for _ in range(5)]
        finally:
            redis.resume()
        assert {r.status_code for r in stalled} == {200}
        assert not any("x-ratelimit-limit" in r.headers for r in stalled)
        # Once the cooldown is over, Redis is asked again and the count goes on.
        deadline = time.monotonic() + 10
        while "x-ratelimit-remaining" not in (r := client.get("/")).headers:
            assert time.monotonic() < deadline, "the limiter never went back to Redis"
        # 3, or 2 when Redis, once resumed, ran the script it was sent before the timeout.
        assert r.headers["x-ratelimit-remaining"] in ("3", "2")
    failing, back = store_lines(caplog)
    assert "no answer within 1 s" in failing
    assert back.startswith("Rate limit store answers again, after ")


def test_the_cooldown_spares_redis_while_it_is_down(redis: RedisServer):
    """After one failure, hits fail at once until the cooldown is over: Redis is not asked."""
    store = RedisStore(redis.url, prefix="cooldown:", timeout=TIMEOUT, cooldown=3600)
    redis.pause()
    try:

        async def hits() -> list[str]:
            reasons = []
            for _ in range(3):
                with pytest.raises(StoreUnavailable) as caught:
                    await store.hit("k", 1, 60)
                reasons.append(str(caught.value))
            return reasons

        first, *rest = asyncio.run(hits())
    finally:
        redis.resume()
    assert "no answer within 1 s" in first
    assert rest == ["Redis failed less than 3600 s ago"] * 2


def test_the_defaults_give_up_on_redis_within_a_quarter_second():
    store = RedisStore()
    assert (store.timeout, store.cooldown) == (0.25, 1.0)
    assert store.options["socket_timeout"] == store.options["socket_connect_timeout"] == 0.25
    assert RateLimiter().fail_open is True


def test_repeated_failures_are_reported_once_per_interval(redis: RedisServer, caplog):
    now = [0.0]
    limiter = RateLimiter(store=RedisStore(redis.url, cooldown=0))
    limiter.outage.clock = lambda: now[0]
    redis.stop()

    async def hits(n: int) -> None:
        for _ in range(n):
            assert await limiter.decide("k") is None

    with caplog.at_level(logging.WARNING, LOGGER):
        asyncio.run(hits(10))
        now[0] = 59.0
        asyncio.run(hits(10))
        now[0] = 60.0
        asyncio.run(hits(1))
    first, second = store_lines(caplog)
    assert first.endswith("1 request(s) since the last report.")
    assert second.endswith("20 request(s) since the last report.")
