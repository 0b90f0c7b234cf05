"""The limiter as a layer: every request counts (static files, mounted apps), keys stay small.

In process, on a fake clock; ``tests/hostile/test_limits.py`` sends the same
hostile inputs to a live server.
"""

from __future__ import annotations

import json

import msgpack
import pytest
import yaml
from flask import Flask

import responder
from responder.ext.ratelimit import MemoryStore, RateLimiter, RedisStore, bounded_key


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def limits(r) -> tuple[str, str]:
    return r.headers["x-ratelimit-limit"], r.headers["x-ratelimit-remaining"]


async def asgi_hello(scope, receive, send):
    """A bare ASGI app to mount."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    # The ASGI spec's mount: the whole path, the prefix in root_path.
    inner = scope["path"][len(scope["root_path"]) :]
    await send({"type": "http.response.body", "body": b"asgi " + inner.encode()})


def flask_app() -> Flask:
    app = Flask(__name__)

    @app.route("/hi")
    def hi():
        return "flask hi"

    return app


@pytest.fixture
def api(tmp_path) -> responder.API:
    (tmp_path / "hello.txt").write_text("static hello")
    api = responder.API(static_dir=str(tmp_path))
    api.mount("/asgi", asgi_hello)
    api.mount("/flask", flask_app())

    @api.route("/view")
    def view(req, resp):
        resp.text = "view"

    RateLimiter(requests=3, period=60, store=MemoryStore(clock=FakeClock())).install(api)
    return api


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/static/hello.txt", "static hello"),
        ("/asgi/x", "asgi /x"),
        ("/flask/hi", "flask hi"),
        ("/view", "view"),
        ("/nowhere", None),
    ],
    ids=["static", "asgi-mount", "flask-mount", "view", "404"],
)
def test_every_kind_of_request_counts_and_carries_the_headers(api, path, body):
    with api.session() as client:
        responses = [client.get(path) for _ in range(4)]
    if body is not None:
        assert [r.text for r in responses[:3]] == [body] * 3
    assert [limits(r) for r in responses] == [("3", "2"), ("3", "1"), ("3", "0"), ("3", "0")]
    refused = responses[3]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "20"
    assert refused.json()["title"] == "Too Many Requests"


def test_all_kinds_share_one_allowance(api):
    with api.session() as client:
        codes = [client.get(path).status_code for path in ("/static/hello.txt", "/asgi/", "/view")]
        assert codes == [200, 200, 200]
        assert client.get("/flask/hi").status_code == 429


@pytest.mark.parametrize(
    ("accept", "content_type", "load"),
    [
        ("application/x-yaml", "application/problem+yaml", yaml.safe_load),
        ("application/x-msgpack", "application/x-msgpack", msgpack.unpackb),
        ("text/html", "application/problem+json", json.loads),
    ],
)
def test_a_429_for_a_mounted_app_speaks_the_clients_format(api, accept, content_type, load):
    with api.session() as client:
        for _ in range(3):
            client.get("/flask/hi")
        r = client.get("/flask/hi", headers={"Accept": accept})
    assert (r.status_code, r.headers["content-type"]) == (429, content_type)
    problem = load(r.content)
    assert (problem["status"], problem["title"]) == (429, "Too Many Requests")


def test_a_refused_head_has_no_body(api):
    with api.session() as client:
        for _ in range(3):
            client.head("/static/hello.txt")
        r = client.head("/static/hello.txt")
    assert (r.status_code, r.content) == (429, b"")
    assert int(r.headers["content-length"]) > 0


def test_views_read_the_decision(tmp_path):
    api = responder.API()
    RateLimiter(requests=5, period=60, store=MemoryStore(clock=FakeClock())).install(api)

    @api.route("/")
    def index(req, resp):
        resp.media = {"remaining": req.state.ratelimit.remaining}

    with api.session() as client:
        assert [client.get("/").json()["remaining"] for _ in range(2)] == [4, 3]


def test_websockets_are_not_limited():
    api = responder.API()
    RateLimiter(requests=1, period=60, store=MemoryStore(clock=FakeClock())).install(api)

    @api.route("/ws", websocket=True)
    async def ws(ws):
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    with api.session() as client:
        for _ in range(3):
            with client.websocket_connect("/ws") as conn:
                assert conn.receive_text() == "hi"


def test_middleware_added_after_install_wraps_the_limiter():
    seen = []

    class Outer:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            async def record(message):
                if message["type"] == "http.response.start":
                    seen.append(message["status"])
                await send(message)

            await self.app(scope, receive, record)

    api = responder.API()
    RateLimiter(requests=1, period=60, store=MemoryStore(clock=FakeClock())).install(api)
    api.add_middleware(Outer)
    with api.session() as client:
        client.get("/")
        client.get("/")
    assert seen == [404, 429]


def test_install_after_the_first_request_is_refused():
    api = responder.API()
    api.requests.get("/")
    with pytest.raises(RuntimeError, match="first request"):
        RateLimiter().install(api)


# -- keys --------------------------------------------------------------------------------------


def test_long_keys_are_stored_as_a_fixed_size_digest():
    store = MemoryStore(clock=FakeClock())
    at_edge, over = "k" * 64, "k" * 65
    store.hit_sync(at_edge, 1, 60)
    store.hit_sync(over, 1, 60)
    store.hit_sync("x" * 65_536, 1, 60)
    assert at_edge in store.stored_keys()  # kept as it is
    assert over not in store.stored_keys()
    assert bounded_key(over) in store.stored_keys()
    assert sorted(len(k) for k in store.stored_keys()) == [33, 33, 64]
    # The digest is still one bucket per key, and distinct keys stay apart.
    assert not store.hit_sync(over, 1, 60).allowed
    assert store.hit_sync("k" * 66, 1, 60).allowed


def test_the_key_length_is_configurable():
    store = MemoryStore(clock=FakeClock())
    store.max_key_length = 8
    store.hit_sync("12345678", 1, 60)
    store.hit_sync("123456789", 1, 60)
    assert sorted(store.stored_keys()) == [bounded_key("123456789", 8), "12345678"]


def test_a_flood_of_huge_keys_keeps_the_store_small():
    store = MemoryStore(max_keys=10_000, clock=FakeClock())
    for i in range(2_000):
        store.hit_sync(f"{i:05d}" + "x" * 65_536, 10, 60)
    assert len(store) == 2_000
    assert sum(len(key) for key in store.stored_keys()) == 2_000 * 33


def test_the_key_function_cannot_read_the_body():
    async def by_body(req):
        return (await req.media())["user"]

    api = responder.API()
    RateLimiter(key=by_body).install(api)
    with pytest.raises(RuntimeError, match="cannot read the body"):
        api.requests.post("/", json={"user": "ada"})
    with api.session(raise_server_exceptions=False) as client:
        r = client.post("/", json={"user": "ada"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "The server failed to answer this request."


def test_a_failing_key_function_is_a_500_and_raised():
    def broken(req):
        raise LookupError("no such user")

    api = responder.API()
    RateLimiter(key=broken).install(api)
    with pytest.raises(LookupError):
        api.requests.get("/")
    with api.session(raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500


@pytest.mark.parametrize(
    "options",
    [
        {"trust_forwarded": "x-real-ip"},
        {"trust_forwarded": 1.5},
        {"proxies": 0},
        {"proxies": True},
        {"proxies": 1.0},
    ],
)
def test_bad_proxy_settings_are_refused(options):
    with pytest.raises(ValueError):
        RateLimiter(**options)


@pytest.mark.parametrize("options", [{"timeout": 0}, {"timeout": -1}, {"cooldown": -0.1}])
def test_bad_redis_settings_are_refused(options):
    with pytest.raises(ValueError):
        RedisStore(**options)
