"""The rate limiter: the edge of the limit, headers, keys and proxies, and both stores.

Time is moved, never slept: both stores take an injected clock. The Redis tests
run against a real ``redis-server`` started here on a free loopback port.
"""

from __future__ import annotations

import asyncio
import http.client
import random
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

import responder
from responder.ext.ratelimit import (
    Decision,
    MemoryStore,
    RateLimiter,
    RedisStore,
    Store,
    gcra,
)
from responder.request import Request

from ..e2e.server import free_port, serve
from .redis_server import redis_server

#: A Redis timeout for tests about something else, so that a loaded machine cannot fail them.
SLOW = 10.0


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# -- a real redis-server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    """A real redis-server for this module; always stopped by PID."""
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def redis_sync(redis_url):
    """A plain synchronous client, to look inside Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def unique_prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, clock: FakeClock) -> Store:
    """Each store in turn, on the fake clock."""
    if request.param == "memory":
        return MemoryStore(clock=clock)
    url = request.getfixturevalue("redis_url")
    return RedisStore(url, prefix=unique_prefix(), clock=clock, timeout=SLOW)


def make_api(**options) -> responder.API:
    api = responder.API()
    RateLimiter(**options).install(api)

    @api.route("/")
    def index(req, resp):
        resp.text = "ok"

    @api.route("/only-get", methods=["GET"])
    def only_get(req, resp):
        resp.text = "got"

    @api.route("/boom")
    def boom(req, resp):
        raise RuntimeError("boom")

    @api.route("/state")
    def state(req, resp):
        resp.media = {"remaining": req.state.ratelimit.remaining}

    return api


def limits(r) -> tuple[str, str]:
    return r.headers["x-ratelimit-limit"], r.headers["x-ratelimit-remaining"]


# -- the edge of the limit ------------------------------------------------------------------------


def test_exactly_requests_pass_then_429(store, clock):
    api = make_api(requests=3, period=60, store=store)
    with api.session() as client:
        responses = [client.get("/") for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert [limits(r) for r in responses] == [("3", "2"), ("3", "1"), ("3", "0"), ("3", "0")]
        assert all("retry-after" not in r.headers for r in responses[:3])
        refused = responses[3]
        # GCRA: one request comes back every period / requests = 20 seconds.
        assert refused.headers["retry-after"] == "20"
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["status"] == 429
        assert problem["title"] == "Too Many Requests"
        assert "retry in 20 seconds" in problem["detail"]

        # A whole period later the full allowance is back: exactly 3 again.
        clock.advance(60)
        responses = [client.get("/") for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert [limits(r)[1] for r in responses] == ["2", "1", "0", "0"]


def test_retry_after_is_exact(store, clock):
    api = make_api(requests=3, period=60, store=store)
    with api.session() as client:
        for _ in range(3):
            assert client.get("/").status_code == 200
        assert client.get("/").headers["retry-after"] == "20"
        clock.advance(19)
        r = client.get("/")
        assert (r.status_code, r.headers["retry-after"]) == (429, "1")
        clock.advance(1)  # exactly Retry-After after the first refusal: allowed
        r = client.get("/")
        assert (r.status_code, limits(r)) == (200, ("3", "0"))
        r = client.get("/")
        assert (r.status_code, r.headers["retry-after"]) == (429, "20")
        clock.advance(40)  # two intervals: two requests
        assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize(
    ("requests", "period", "expected"),
    [(2, 1, "1"), (10, 1, "1"), (3, 100, "34"), (1, 3600, "3600")],
)
def test_retry_after_is_whole_seconds_rounded_up(requests, period, expected, clock):
    api = make_api(requests=requests, period=period, store=MemoryStore(clock=clock))
    with api.session() as client:
        for _ in range(requests):
            assert client.get("/").status_code == 200
        assert client.get("/").headers["retry-after"] == expected


def test_refused_requests_do_not_use_up_the_allowance(clock):
    api = make_api(requests=2, period=10, store=MemoryStore(clock=clock))
    with api.session() as client:
        assert [client.get("/").status_code for _ in range(50)] == [200, 200] + [429] * 48
        clock.advance(10)
        assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]


def test_views_see_the_decision_in_req_state(clock):
    api = make_api(requests=5, period=60, store=MemoryStore(clock=clock))
    with api.session() as client:
        assert client.get("/state").json() == {"remaining": 4}
        assert client.get("/state").json() == {"remaining": 3}


# -- headers on every response --------------------------------------------------------------------


def test_error_responses_carry_the_headers(clock):
    api = make_api(requests=10, period=60, store=MemoryStore(clock=clock))
    with api.session(raise_server_exceptions=False) as client:
        r = client.get("/nowhere")
        assert (r.status_code, limits(r)) == (404, ("10", "9"))
        assert r.headers["content-type"] == "application/problem+json"
        r = client.post("/only-get")
        assert (r.status_code, limits(r)) == (405, ("10", "8"))
        r = client.get("/boom")
        assert (r.status_code, limits(r)) == (500, ("10", "7"))
        r = client.head("/")
        assert (r.status_code, limits(r)) == (200, ("10", "6"))


def test_the_429_speaks_the_clients_format(clock):
    api = make_api(requests=1, period=60, store=MemoryStore(clock=clock))
    with api.session() as client:
        assert client.get("/").status_code == 200
        r = client.get("/", headers={"Accept": "application/x-yaml"})
        assert r.status_code == 429
        assert r.headers["content-type"] == "application/problem+yaml"
        assert (r.headers["retry-after"], limits(r)) == ("60", ("1", "0"))
        problem = yaml.safe_load(r.text)
        assert (problem["status"], problem["title"]) == (429, "Too Many Requests")
        r = client.get("/", headers={"Accept": "application/json"})
        assert r.headers["content-type"] == "application/problem+json"


def test_404s_count_and_can_be_refused(clock):
    api = make_api(requests=2, period=60, store=MemoryStore(clock=clock))
    with api.session() as client:
        assert [client.get("/nowhere").status_code for _ in range(3)] == [404, 404, 429]


def test_a_hook_that_answers_first_is_still_counted(clock):
    api = responder.API()

    @api.before_request()
    def deny(req, resp):
        resp.status_code = 401

    RateLimiter(requests=1, period=60, store=MemoryStore(clock=clock)).install(api)
    r = api.requests.get("/")
    assert (r.status_code, limits(r)) == (401, ("1", "0"))
    assert api.requests.get("/").status_code == 429


# -- keys, clients and proxies --------------------------------------------------------------------


def test_each_client_address_has_its_own_bucket(store):
    api = make_api(requests=2, period=60, store=store)
    with (
        api.session(client=("192.0.2.1", 1000)) as one,
        api.session(client=("192.0.2.2", 1000)) as two,
    ):
        assert [one.get("/").status_code for _ in range(3)] == [200, 200, 429]
        assert [two.get("/").status_code for _ in range(3)] == [200, 200, 429]
    # Another port of the same host is the same client.
    with api.session(client=("192.0.2.1", 2000)) as again:
        assert again.get("/").status_code == 429


def test_forwarded_headers_are_ignored_unless_trusted(clock):
    api = make_api(requests=2, period=60, store=MemoryStore(clock=clock))
    with api.session() as client:
        codes = [
            client.get("/", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(3)
        ]
        assert codes == [200, 200, 429]
        r = client.get("/", headers={"Forwarded": "for=203.0.113.9"})
        assert r.status_code == 429


def test_forwarded_headers_pick_the_bucket_when_trusted(clock):
    api = make_api(requests=1, period=60, store=MemoryStore(clock=clock), trust_forwarded=True)
    with api.session() as client:
        # The proxy's entry is the last one; what the client put before it is ignored.
        for i in range(3):
            r = client.get("/", headers={"X-Forwarded-For": f"10.0.0.{i}, 198.51.100.{i}"})
            assert r.status_code == 200
        r = client.get("/", headers={"X-Forwarded-For": "spoofed, 198.51.100.0"})
        assert r.status_code == 429
        assert client.get("/", headers={"Forwarded": "for=203.0.113.9"}).status_code == 200
        assert client.get("/", headers={"Forwarded": 'for="203.0.113.9:4711"'}).status_code == 429
        # Without forwarded headers, the peer address is still the key.
        assert [client.get("/").status_code for _ in range(2)] == [200, 429]


def test_a_clients_x_forwarded_for_never_overrides_a_proxys_forwarded(clock):
    api = make_api(requests=2, period=60, store=MemoryStore(clock=clock), trust_forwarded=True)
    proxy = {"Forwarded": "for=203.0.113.7;proto=https"}
    with api.session() as client:
        codes = [
            client.get("/", headers={**proxy, "X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(3)
        ]
    assert codes == [200, 200, 429]


def make_request(client=("192.0.2.1", 5000), headers=()) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
    }
    if client is not None:
        scope["client"] = client
    return Request(scope, None, responder.API().media)


PEER = "192.0.2.1"


@pytest.mark.parametrize(
    ("headers", "options", "expected"),
    [
        ([], {"trust_forwarded": True}, PEER),
        ([("X-Forwarded-For", "203.0.113.7")], {}, PEER),
        ([("Forwarded", "for=203.0.113.7")], {}, PEER),
        ([("X-Forwarded-For", "203.0.113.7")], {"trust_forwarded": True}, "203.0.113.7"),
        (
            [("X-Forwarded-For", " 6.6.6.6 , 203.0.113.7 ")],
            {"trust_forwarded": True},
            "203.0.113.7",
        ),
        (
            [("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.1")],
            {"trust_forwarded": True, "proxies": 2},
            "203.0.113.7",
        ),
        (
            [("X-Forwarded-For", "203.0.113.7")],
            {"trust_forwarded": True, "proxies": 3},
            "203.0.113.7",
        ),
        (
            [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "203.0.113.7")],
            {"trust_forwarded": True},
            "203.0.113.7",
        ),
        ([("X-Forwarded-For", "203.0.113.7:8080")], {"trust_forwarded": True}, "203.0.113.7"),
        ([("X-Forwarded-For", "2001:DB8:0::1")], {"trust_forwarded": True}, "2001:db8::1"),
        ([("X-Forwarded-For", "[2001:db8::1]:443")], {"trust_forwarded": True}, "2001:db8::1"),
        ([("X-Forwarded-For", "")], {"trust_forwarded": True}, PEER),
        ([("X-Forwarded-For", " , ")], {"trust_forwarded": True}, PEER),
        ([("Forwarded", "for=203.0.113.7;proto=https")], {"trust_forwarded": True}, "203.0.113.7"),
        (
            [("Forwarded", 'For="[2001:db8:cafe::17]:4711"')],
            {"trust_forwarded": True},
            "2001:db8:cafe::17",
        ),
        (
            [("Forwarded", "for=6.6.6.6, proto=https;for=203.0.113.7")],
            {"trust_forwarded": True},
            "203.0.113.7",
        ),
        ([("Forwarded", "for=unknown")], {"trust_forwarded": True}, "unknown"),
        ([("Forwarded", "for=_Hidden")], {"trust_forwarded": True}, "_hidden"),
        ([("Forwarded", "by=10.0.0.1")], {"trust_forwarded": True}, PEER),
        # Both headers: Forwarded wins under True; each name reads only its own header.
        (
            [("X-Forwarded-For", "198.51.100.1"), ("Forwarded", "for=203.0.113.8")],
            {"trust_forwarded": True},
            "203.0.113.8",
        ),
        (
            [("X-Forwarded-For", "198.51.100.1"), ("Forwarded", "for=203.0.113.8")],
            {"trust_forwarded": "forwarded"},
            "203.0.113.8",
        ),
        (
            [("X-Forwarded-For", "198.51.100.1"), ("Forwarded", "for=203.0.113.8")],
            {"trust_forwarded": "x-forwarded-for"},
            "198.51.100.1",
        ),
        ([("X-Forwarded-For", "198.51.100.1")], {"trust_forwarded": "forwarded"}, PEER),
        # A Forwarded element without for= says nothing: X-Forwarded-For is not consulted.
        (
            [("X-Forwarded-For", "198.51.100.1"), ("Forwarded", "by=10.0.0.1")],
            {"trust_forwarded": True},
            PEER,
        ),
    ],
)
def test_client_address(headers, options, expected):
    req = make_request(client=(PEER, 5000), headers=headers)
    assert RateLimiter(**options).client_address(req) == expected


def test_a_missing_client_is_one_unknown_bucket():
    assert RateLimiter().client_address(make_request(client=None)) == "unknown"
    api = make_api(requests=1, period=60)

    async def call() -> int:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/",
            "raw_path": b"/",
            "query_string": b"",
            "headers": [],
            "http_version": "1.1",
            "scheme": "http",
            "server": ("testserver", 80),
        }
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await api(scope, receive, send)
        return sent[0]["status"]

    assert [asyncio.run(call()) for _ in range(2)] == [200, 429]


def test_a_key_function_chooses_the_bucket(clock):
    api = make_api(
        requests=1,
        period=60,
        store=MemoryStore(clock=clock),
        key=lambda req: req.headers.get("X-API-Key", "anonymous"),
    )
    with api.session() as client:
        assert client.get("/", headers={"X-API-Key": "a"}).status_code == 200
        assert client.get("/", headers={"X-API-Key": "a"}).status_code == 429
        assert client.get("/", headers={"X-API-Key": "b"}).status_code == 200
        assert client.get("/").status_code == 200
        assert client.get("/").status_code == 429


def test_an_async_key_function(clock):
    async def key(req):
        return req.params.get("user", "nobody")

    api = make_api(requests=1, period=60, store=MemoryStore(clock=clock), key=key)
    with api.session() as client:
        assert [client.get("/?user=ada").status_code for _ in range(2)] == [200, 429]
        assert client.get("/?user=bob").status_code == 200


@pytest.mark.parametrize(
    "options",
    [{"requests": 0}, {"requests": 1.5}, {"requests": True}, {"period": 0}, {"period": -1}],
)
def test_bad_settings_are_refused(options):
    with pytest.raises(ValueError):
        RateLimiter(**options)


def test_a_memory_store_keeps_at_least_one_key():
    with pytest.raises(ValueError):
        MemoryStore(max_keys=0)


# -- the algorithm --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "period"),
    [(1, 1), (3, 60), (7, 1), (10, 0.1), (100, 60), (1000, 3600), (999, 7), (5000, 1)],
)
def test_gcra_edge_is_exact_despite_floats(limit, period):
    now = 1.7e9  # epoch seconds, as the Redis store sees them: the worst case for rounding
    state = None
    remaining = []
    for _ in range(limit):
        decision, state = gcra(state, now, limit, period)
        assert decision.allowed
        remaining.append(decision.remaining)
    assert remaining == list(range(limit - 1, -1, -1))
    decision, state = gcra(state, now, limit, period)
    assert not decision.allowed
    assert decision.retry_after == pytest.approx(period / limit, rel=1e-6, abs=1e-6)
    # A full period later, the whole allowance is back.
    decision, _ = gcra(state, now + period, limit, period)
    assert (decision.allowed, decision.remaining) == (True, limit - 1)


def test_decision_retry_after_header_value():
    assert Decision(False, 1, 0, 0.2).retry_after_seconds == 1
    assert Decision(False, 1, 0, 20.0000001).retry_after_seconds == 20
    assert Decision(False, 1, 0, 20.01).retry_after_seconds == 21


def test_both_stores_decide_alike(redis_url):
    """A random run against the Python GCRA and the Lua one gives the same answers."""
    rng = random.Random(42)
    clock = FakeClock(now=1.7e9)
    memory = MemoryStore(clock=clock)
    shared = RedisStore(redis_url, prefix=unique_prefix(), clock=clock, timeout=SLOW)

    async def run() -> list[tuple[Decision, Decision]]:
        await shared.open()
        pairs = []
        try:
            for _ in range(400):
                clock.advance(rng.choice([0, 0, 0, 0.05, 0.5, 1.0, 3.3]))
                key = rng.choice(["a", "b", "c"])
                pairs.append((await memory.hit(key, 5, 4), await shared.hit(key, 5, 4)))
        finally:
            await shared.aclose()
        return pairs

    pairs = asyncio.run(run())
    for mine, theirs in pairs:
        assert (mine.allowed, mine.remaining) == (theirs.allowed, theirs.remaining)
        assert mine.retry_after == pytest.approx(theirs.retry_after, abs=1e-5)
    assert {mine.allowed for mine, _ in pairs} == {True, False}


# -- the memory store -----------------------------------------------------------------------------


def test_memory_is_bounded_under_100k_distinct_clients():
    clock = FakeClock()
    store = MemoryStore(max_keys=1000, clock=clock)

    async def flood() -> tuple[int, Decision]:
        largest = 0
        for i in range(100_000):
            decision = await store.hit(f"client-{i}", 100, 60)
            assert decision.allowed
            if i % 500 == 0:  # seen more often than the cap turns over: never evicted
                regular = await store.hit("regular", 1000, 60)
            largest = max(largest, len(store))
        return largest, regular

    largest, regular = asyncio.run(flood())
    assert largest <= 1000
    assert len(store) == 1000
    assert "client-99999" in store
    assert "client-0" not in store
    # Least recently used goes first: the regular client kept its count all along.
    assert regular.remaining == 1000 - 200


def test_idle_clients_expire_after_their_period():
    clock = FakeClock()
    store = MemoryStore(clock=clock)  # the default cap, far above what is used here
    for i in range(1000):
        store.hit_sync(f"client-{i}", 1, 60)
    assert len(store) == 1000
    clock.advance(30)
    store.hit_sync("later", 1, 60)
    assert len(store) == 1001  # nobody's period has passed yet
    clock.advance(30)
    store.hit_sync("last", 1, 60)
    assert len(store) == 2  # "later" (30 s to go) and "last"
    clock.advance(60)
    store.hit_sync("last", 1, 60)
    assert len(store) == 1


def test_forgetting_an_idle_client_changes_no_answer():
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    assert [store.hit_sync("a", 2, 10).allowed for _ in range(3)] == [True, True, False]
    clock.advance(10)
    store.hit_sync("b", 2, 10)  # sweeps "a", whose allowance is full again
    assert "a" not in store
    assert [store.hit_sync("a", 2, 10).remaining for _ in range(2)] == [1, 0]


def test_idle_clients_go_from_the_least_recent_end():
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    store.hit_sync("idle", 10, 60)  # full again at +6
    for _ in range(10):
        store.hit_sync("busy", 10, 60)  # full again only at +60
    store.hit_sync("quiet", 10, 60)  # full again at +6, but seen after "busy"
    clock.advance(30)
    store.hit_sync("new", 10, 60)
    # The sweep stops at the first live client; "quiet" waits behind "busy", but
    # never longer than a period after its last request.
    assert store.stored_keys() == ["busy", "quiet", "new"]
    clock.advance(30)
    store.hit_sync("new", 10, 60)
    assert store.stored_keys() == ["new"]


def test_memory_store_is_thread_safe():
    store = MemoryStore(clock=FakeClock())
    allowed = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        allowed.extend(store.hit_sync("shared", 50, 60).allowed for _ in range(100))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(allowed) == {True: 50, False: 750}


# -- the Redis store ------------------------------------------------------------------------------


@pytest.mark.parametrize("pooled", [True, False], ids=["pool", "one-shot"])
def test_redis_is_atomic_under_concurrency(redis_url, pooled):
    store = RedisStore(redis_url, prefix=unique_prefix(), timeout=SLOW)

    async def burst() -> list[Decision]:
        if pooled:
            await store.open()
        try:
            return await asyncio.gather(*(store.hit("shared", 10, 60) for _ in range(50)))
        finally:
            await store.aclose()

    decisions = asyncio.run(burst())
    assert sum(d.allowed for d in decisions) == 10
    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))


def test_redis_pools_follow_the_apps_lifespan(redis_url):
    store = RedisStore(redis_url, prefix=unique_prefix(), timeout=SLOW)
    api = make_api(requests=5, period=60, store=store)
    assert store._clients == {}
    with api.session() as one, api.session() as two:
        # Two running apps, two event loops: a pool each, opened at startup.
        assert len(store._clients) == 2
        assert limits(one.get("/")) == ("5", "4")
        assert limits(two.get("/")) == ("5", "3")
    assert store._clients == {}  # both closed at shutdown
    # Without the lifespan, each request brings its own connection.
    assert limits(api.requests.get("/")) == ("5", "2")
    assert store._clients == {}


def test_redis_uses_the_server_clock_and_expires_keys(redis_url, redis_sync):
    prefix = unique_prefix()
    store = RedisStore(redis_url, prefix=prefix, timeout=SLOW)

    async def hits(key: str, n: int, limit: int, period: float) -> list[Decision]:
        return [await store.hit(key, limit, period) for _ in range(n)]

    decisions = asyncio.run(hits("k", 4, 3, 60))
    assert [(d.allowed, d.remaining) for d in decisions] == [
        (True, 2),
        (True, 1),
        (True, 0),
        (False, 0),
    ]
    assert 10 < decisions[3].retry_after <= 20
    # The key lives until the allowance is full again: never longer than a period.
    assert 0 < redis_sync.pttl(prefix + "k") <= 60_000

    # And then it is gone: a short period, so as not to wait long.
    asyncio.run(hits("short", 1, 1, 0.3))
    assert redis_sync.pttl(prefix + "short") in (-2, *range(1, 301))  # -2: already gone
    deadline = time.monotonic() + 10
    while redis_sync.exists(prefix + "short") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not redis_sync.exists(prefix + "short")


def test_redis_reloads_a_flushed_script(redis_url, redis_sync):
    from responder.ext.ratelimit import _redis

    store = RedisStore(redis_url, prefix=unique_prefix(), clock=FakeClock(), timeout=SLOW)

    async def hits(n: int) -> list[bool]:
        return [(await store.hit("k", 3, 60)).allowed for _ in range(n)]

    assert asyncio.run(hits(1)) == [True]
    assert redis_sync.script_exists(_redis._LUA_SHA) == [True]
    redis_sync.script_flush()
    assert asyncio.run(hits(3)) == [True, True, False]
    assert redis_sync.script_exists(_redis._LUA_SHA) == [True]


def test_redis_store_needs_the_redis_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match="pip install"):
        RedisStore()


def test_one_limit_across_two_uvicorn_workers(redis_url):
    """Two worker processes, one Redis: exactly 10 of 20 requests pass, whichever answers."""
    port = free_port()
    env = {
        "RATELIMIT_REDIS_URL": redis_url,
        "RATELIMIT_PREFIX": unique_prefix(),
        "RATELIMIT_REQUESTS": "10",
        "RATELIMIT_PERIOD": "600",
        "RATELIMIT_TIMEOUT": str(SLOW),
    }
    args = ["-m", "uvicorn", "tests.ext.ratelimit_app:api", "--workers", "2"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]

    def get(bucket: str) -> tuple[int, str, str]:
        # A connection of its own for every request, so the workers share them out.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/", headers={"X-Bucket": bucket})
            r = conn.getresponse()
            r.read()
            return r.status, r.getheader("X-Worker-Pid"), r.getheader("X-RateLimit-Remaining")
        finally:
            conn.close()

    with serve(args, port, env):
        # The port listens as soon as the first worker does: wait until both answer,
        # each probe in a bucket of its own.
        seen: set[str] = set()
        deadline = time.monotonic() + 60
        while len(seen) < 2:
            assert time.monotonic() < deadline, f"only workers {seen} answered in 60 s"
            with ThreadPoolExecutor(4) as pool:
                probes = list(pool.map(lambda i: get(f"probe-{uuid.uuid4().hex}"), range(4)))
            seen |= {pid for _, pid, _ in probes}
        # Which worker accepts a connection is up to the kernel, so a round may land
        # on one worker only; every round must hold the limit, and some round must
        # have been answered by both.
        pids_per_round = []
        for attempt in range(10):
            bucket = f"round-{attempt}"
            with ThreadPoolExecutor(10) as pool:
                results = list(pool.map(lambda _: get(bucket), range(20)))
            statuses = Counter(status for status, _, _ in results)
            assert statuses == {200: 10, 429: 10}, results
            allowed_remaining = sorted(int(rem) for status, _, rem in results if status == 200)
            assert allowed_remaining == list(range(10))
            pids_per_round.append({pid for _, pid, _ in results})
            if len(pids_per_round[-1]) == 2:
                break
        assert any(len(pids) == 2 for pids in pids_per_round), pids_per_round
