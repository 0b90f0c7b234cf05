"""Server-side sessions: the cookie names a session kept in a store, which can revoke it."""

from __future__ import annotations

import pytest

import responder
from responder.session_stores import MAX_COOKIE_LENGTH

from .conftest import make_store

KEY = "a test secret"


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest):
    return make_store(request.param, request)


def session_app(store) -> responder.API:
    api = responder.API(secret_key=KEY, sessions=store)

    @api.route("/login/{name}")
    def login(req, resp, *, name):
        req.session["user"] = name
        req.session.regenerate()

    @api.route("/add/{item}")
    async def add(req, resp, *, item):
        req.session["cart"] = [*req.session.get("cart", []), item]

    @api.route("/me")
    def me(req, resp):
        resp.media = {"user": req.session.get("user"), "cart": req.session.get("cart", [])}

    @api.route("/logout")
    def logout(req, resp):
        req.session.clear()

    return api


def cookie_of(response) -> str:
    header = response.headers["set-cookie"]
    return header.split(";", 1)[0].split("=", 1)[1]


def id_of(cookie: str) -> str:
    """The session id inside a signed cookie; the signature's timestamp changes each second."""
    return cookie.rsplit(".", 2)[0]


def test_the_cookie_carries_a_signed_id_not_the_data(store):
    client = session_app(store).session()
    cookie = cookie_of(client.get("/login/ann-the-admin"))
    assert "ann" not in cookie
    assert len(cookie) < 120
    assert client.get("/me").json() == {"user": "ann-the-admin", "cart": []}


def test_an_unchanged_session_is_not_written_again(store):
    client = session_app(store).session()
    client.get("/login/ann")
    response = client.get("/me")
    assert response.json()["user"] == "ann"
    assert "set-cookie" not in response.headers


def test_a_change_keeps_the_id_and_updates_the_data(store):
    client = session_app(store).session()
    first = cookie_of(client.get("/login/ann"))
    second = cookie_of(client.get("/add/book"))
    assert id_of(first) == id_of(second)
    assert client.get("/me").json() == {"user": "ann", "cart": ["book"]}


def test_logout_revokes_the_session_so_a_replayed_cookie_is_dead(store):
    api = session_app(store)
    client = api.session()
    stolen = cookie_of(client.get("/login/ann"))
    logout = client.get("/logout")
    assert "Max-Age=0" in logout.headers["set-cookie"]
    thief = api.session()
    thief.cookies.set("session", stolen)
    assert thief.get("/me").json() == {"user": None, "cart": []}


def test_regenerate_rotates_the_id_keeps_the_data_and_kills_the_old_id(store):
    api = session_app(store)
    client = api.session()
    planted = cookie_of(client.get("/add/pen"))  # before login: an id someone could plant
    after_login = cookie_of(client.get("/login/ann"))
    assert id_of(after_login) != id_of(planted)
    assert client.get("/me").json() == {"user": "ann", "cart": ["pen"]}
    attacker = api.session()
    attacker.cookies.set("session", planted)
    assert attacker.get("/me").json() == {"user": None, "cart": []}


def test_data_written_after_a_clear_goes_under_a_new_id(store):
    api = session_app(store)

    @api.route("/switch")
    def switch(req, resp):
        req.session.clear()
        req.session["user"] = "bob"

    client = api.session()
    old = cookie_of(client.get("/login/ann"))
    new = cookie_of(client.get("/switch"))
    assert id_of(new) != id_of(old)
    assert client.get("/me").json()["user"] == "bob"
    replay = api.session()
    replay.cookies.set("session", old)
    assert replay.get("/me").json()["user"] is None


def test_a_session_is_shared_by_two_apps_on_one_store(store):
    """Two workers (here: two API objects) with one store and key see the same sessions."""
    one, two = session_app(store), session_app(store)
    cookie = cookie_of(one.session().get("/login/ann"))
    other = two.session()
    other.cookies.set("session", cookie)
    assert other.get("/me").json()["user"] == "ann"
    other.get("/logout")
    back = one.session()
    back.cookies.set("session", cookie)
    assert back.get("/me").json()["user"] is None


@pytest.mark.parametrize(
    "cookie",
    [
        "not-signed",
        "x" * 10_000,
        "a.b.c",
        "\u00e9t\u00e9.x.y",
        "",
    ],
)
def test_hostile_cookies_give_an_empty_session(store, cookie):
    client = session_app(store).session()
    raw = f"session={cookie}".encode("latin-1")  # sent as is, not through the cookie jar
    response = client.get("/me", headers=[(b"cookie", raw)])
    assert response.status_code == 200
    assert response.json() == {"user": None, "cart": []}


def test_a_forged_id_signed_with_another_key_gives_an_empty_session(store):
    api = session_app(store)
    client = api.session()
    client.get("/login/ann")
    other = session_app(store)
    other.secret_key = "another key"
    forged = cookie_of(other.session().get("/login/mallory"))
    intruder = api.session()
    intruder.cookies.set("session", forged)
    assert intruder.get("/me").json()["user"] is None


def test_an_unknown_but_validly_signed_id_is_not_adopted(store):
    """A signed id the store does not hold starts a fresh session under a new id."""
    api = session_app(store)
    unknown = api.session_codec.signer.sign("made-up-id").decode()
    client = api.session()
    client.cookies.set("session", unknown)
    assert client.get("/me").json()["user"] is None
    assert id_of(cookie_of(client.get("/add/pen"))) != "made-up-id"


def test_a_huge_cookie_is_not_even_unsigned(store):
    api = session_app(store)
    valid = cookie_of(api.session().get("/login/ann"))
    padded = valid + "x" * MAX_COOKIE_LENGTH
    client = api.session()
    client.cookies.set("session", padded)
    assert client.get("/me").json()["user"] is None


def test_a_before_hook_reads_the_stored_session(store):
    api = session_app(store)

    @api.route("/private")
    def private(req, resp):
        resp.text = "secret"

    @api.before_request()
    def must_log_in(req, resp):
        if req.url.path == "/private" and "user" not in req.session:
            resp.status_code = 401

    client = api.session()
    assert client.get("/private").status_code == 401
    client.get("/login/ann")
    assert client.get("/private").text == "secret"


def test_a_session_that_cannot_be_json_is_a_500_before_anything_is_stored(store):
    api = session_app(store)

    @api.route("/bad")
    def bad(req, resp):
        req.session["when"] = object()

    client = api.session()
    with pytest.raises(TypeError):
        client.get("/bad")


# -- the memory store's bounds -------------------------------------------------------


class Clock:
    """A clock the test moves by hand, so expiry is tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_store_evicts_the_least_recently_used_beyond_max_keys():
    api = session_app(responder.MemorySessions(max_keys=2))
    ann, bob, cat = api.session(), api.session(), api.session()
    ann.get("/login/ann")
    bob.get("/login/bob")
    assert ann.get("/me").json()["user"] == "ann"  # ann used last: bob is now the oldest
    cat.get("/login/cat")
    assert ann.get("/me").json()["user"] == "ann"
    assert cat.get("/me").json()["user"] == "cat"
    assert bob.get("/me").json()["user"] is None


def test_memory_store_expires_sessions_ttl_seconds_after_their_last_write():
    clock = Clock()
    store = responder.MemorySessions(ttl=60, clock=clock)
    client = session_app(store).session()
    assert "Max-Age=60" in client.get("/login/ann").headers["set-cookie"]
    clock.now += 59
    assert client.get("/me").json()["user"] == "ann"
    clock.now += 2
    assert client.get("/me").json()["user"] is None


def test_memory_store_sweeps_expired_sessions_nobody_asks_for_again():
    clock = Clock()
    store = responder.MemorySessions(ttl=60, clock=clock)
    api = session_app(store)
    for name in ("ann", "bob", "cat"):
        api.session().get(f"/login/{name}")
    assert len(store) == 3
    clock.now += 120  # all three expired, and a sweep is due
    api.session().get("/login/dan")
    assert len(store) == 1


@pytest.mark.parametrize("options", [{"max_keys": 0}, {"max_keys": True}, {"ttl": -1}])
def test_memory_store_refuses_bad_bounds(options):
    with pytest.raises(ValueError):
        responder.MemorySessions(**options)


def test_sessions_takes_a_store_only():
    with pytest.raises(TypeError, match="session store"):
        responder.API(sessions="redis://127.0.0.1:6379")


def test_without_a_ttl_the_store_uses_session_max_age():
    api = responder.API(secret_key=KEY, sessions=responder.MemorySessions(), session_max_age=300)

    @api.route("/login")
    def login(req, resp):
        req.session["user"] = "ann"

    assert "Max-Age=300" in api.session().get("/login").headers["set-cookie"]


# -- Redis ---------------------------------------------------------------------------


def test_redis_keeps_each_session_under_one_expiring_key(request, redis_url):
    import redis

    store = make_store("redis", request, ttl=90)
    session_app(store).session().get("/login/ann")
    client = redis.Redis.from_url(redis_url)
    try:
        keys = client.keys(store.prefix + "*")
        assert len(keys) == 1
        assert client.get(keys[0]) == b'{"user":"ann"}'
        assert 0 < client.ttl(keys[0]) <= 90
    finally:
        client.close()


@pytest.mark.redis
def test_a_session_store_that_is_down_answers_503_not_500(tmp_path):
    from ..ext.redis_server import redis_server

    with redis_server(tmp_path) as server:
        store = responder.RedisSessions(server.url, timeout=0.5)
        client = session_app(store).session()
        client.get("/login/ann")
        server.stop()
        response = client.get("/me")
        assert response.status_code == 503
        assert response.json()["detail"] == "The session store is unavailable."
        fresh = session_app(store).session()
        response = fresh.get("/login/bob")  # a write that fails: 503, and no cookie
        assert response.status_code == 503
        assert "set-cookie" not in response.headers


def test_regenerate_on_a_signed_cookie_session_writes_the_cookie_again():
    """No store, no id to rotate: the same view code works, the cookie is simply rewritten."""
    api = responder.API(secret_key=KEY)

    @api.route("/login")
    def login(req, resp):
        req.session["user"] = "ann"

    @api.route("/rotate")
    def rotate(req, resp):
        req.session.regenerate()

    @api.route("/me")
    def me(req, resp):
        resp.media = {"user": req.session.get("user")}

    client = api.session()
    client.get("/login")
    response = client.get("/rotate")
    assert "session=" in response.headers["set-cookie"]
    assert client.get("/me").json() == {"user": "ann"}
