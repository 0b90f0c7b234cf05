import logging

import pytest

import responder


@pytest.fixture
def api():
    api = responder.API(secret_key="test-secret")

    @api.route("/login/{name}")
    def login(req, resp, *, name):
        req.session["user"] = name
        resp.text = "ok"

    @api.route("/me")
    def me(req, resp):
        resp.media = {"user": resp.session.get("user")}

    @api.route("/logout")
    def logout(req, resp):
        req.session.clear()

    return api


def test_session_round_trips_through_a_signed_cookie(api):
    client = api.session()
    r = client.get("/login/ann")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert client.get("/me").json() == {"user": "ann"}


def test_cookie_is_written_only_when_the_session_changed(api):
    client = api.session()
    client.get("/login/ann")
    r = client.get("/me")
    assert "set-cookie" not in r.headers


def test_clearing_the_session_deletes_the_cookie(api):
    client = api.session()
    client.get("/login/ann")
    r = client.get("/logout")
    assert "Max-Age=0" in r.headers["set-cookie"]
    assert client.get("/me").json() == {"user": None}


@pytest.mark.parametrize(
    "tamper",
    [
        # A signature character that carries only data bits (the last one may hold
        # base64 padding bits, so changing it can leave the decoded signature unchanged).
        lambda v: v[:-5] + ("a" if v[-5] != "a" else "b") + v[-4:],
        lambda v: "eyJ1c2VyIjoiYWRtaW4ifQ" + v[v.index(".") :],  # payload swapped
        lambda v: "garbage",
        lambda v: "",
        lambda v: "a.b.c.d",
    ],
)
def test_tampered_cookie_gives_an_empty_session(api, tamper):
    client = api.session()
    value = client.get("/login/ann").cookies["session"]
    fresh = api.session()
    fresh.cookies.set("session", tamper(value))
    r = fresh.get("/me")
    assert r.status_code == 200
    assert r.json() == {"user": None}


def test_expired_cookie_gives_an_empty_session(api, monkeypatch):
    client = api.session()
    client.get("/login/ann")
    codec = api._sessions()
    monkeypatch.setattr(codec, "max_age", -1)
    assert client.get("/me").json() == {"user": None}


def test_cookie_signed_with_another_key_is_refused(api):
    other = responder.API(secret_key="another-secret")
    other.add_route("/login", lambda req, resp: req.session.update(user="mallory"))
    value = other.session().get("/login").cookies["session"]
    client = api.session()
    client.cookies.set("session", value)
    assert client.get("/me").json() == {"user": None}


def test_cookie_name_is_configurable():
    api = responder.API(secret_key="k", session_cookie="sid")
    api.add_route("/", lambda req, resp: req.session.update(a=1))
    assert api.requests.get("/").headers["set-cookie"].startswith("sid=")


def test_without_secret_key_a_random_key_is_used_with_a_warning(caplog):
    api = responder.API()
    api.add_route("/set", lambda req, resp: req.session.update(a=1))
    api.add_route("/get", lambda req, resp: setattr(resp, "media", dict(req.session)))
    client = api.session()
    with caplog.at_level(logging.WARNING, logger="responder"):
        client.get("/set")
    assert client.get("/get").json() == {"a": 1}
    assert any("will not survive a restart" in m for m in caplog.messages)
    # Another API (another process, in effect) cannot read it.
    stranger = responder.API()
    stranger.add_route("/get", lambda req, resp: setattr(resp, "media", dict(req.session)))
    other = stranger.session()
    other.cookies.set("session", client.cookies["session"])
    assert other.get("/get").json() == {}


def test_session_survives_an_error_response(api):
    @api.route("/fail")
    def fail(req, resp):
        req.session["tried"] = True
        raise responder.HTTPForbidden()

    r = api.session().get("/fail")
    assert r.status_code == 403
    assert r.headers["set-cookie"].startswith("session=")
