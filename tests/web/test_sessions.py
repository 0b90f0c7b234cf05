import logging
import time

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
    codec = api.session_codec
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


def _login_cookie(api, base_url="http://testserver"):
    api.add_route("/login", lambda req, resp: req.session.update(user="ann"))
    return api.session(base_url=base_url).get("/login").headers["set-cookie"]


def _attributes(cookie):
    return {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}


def test_session_cookie_is_not_secure_by_default():
    assert "secure" not in _attributes(_login_cookie(responder.API(secret_key="k")))


def test_session_cookie_is_secure_when_hsts_is_on():
    api = responder.API(secret_key="k", enable_hsts=True)
    cookie = _login_cookie(api, base_url="https://testserver")
    assert "secure" in _attributes(cookie)


@pytest.mark.parametrize("hsts", [False, True])
def test_session_https_only_decides_whatever_hsts_says(hsts):
    secure = responder.API(secret_key="k", enable_hsts=hsts, session_https_only=True)
    plain = responder.API(secret_key="k", enable_hsts=hsts, session_https_only=False)
    assert "secure" in _attributes(_login_cookie(secure, "https://testserver"))
    assert "secure" not in _attributes(_login_cookie(plain, "https://testserver"))


def test_a_secure_session_cookie_is_sent_back_over_https_only():
    api = responder.API(secret_key="k", session_https_only=True)
    api.add_route("/login", lambda req, resp: req.session.update(user="ann"))
    api.add_route("/me", lambda req, resp: setattr(resp, "media", dict(req.session)))
    secure_client = api.session(base_url="https://testserver")
    secure_client.get("/login")
    assert secure_client.get("/me").json() == {"user": "ann"}
    plain_client = api.session(base_url="http://testserver")
    plain_client.get("/login")
    assert plain_client.get("/me").json() == {}  # the client keeps it for HTTPS only


@pytest.mark.parametrize(("given", "written"), [("lax", "lax"), ("Strict", "strict")])
def test_session_same_site_is_configurable(given, written):
    api = responder.API(secret_key="k", session_same_site=given)
    assert _attributes(_login_cookie(api))["samesite"].strip() == f"SameSite={written}"


def test_same_site_none_is_allowed_on_a_secure_cookie():
    api = responder.API(secret_key="k", session_same_site="none", session_https_only=True)
    attributes = _attributes(_login_cookie(api, "https://testserver"))
    assert attributes["samesite"].strip() == "SameSite=none" and "secure" in attributes


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"session_same_site": "none"}, "needs a Secure cookie"),
        ({"session_same_site": "sometimes"}, "'lax', 'strict' or 'none'"),
        ({"session_max_age": 0}, "positive number of seconds"),
        ({"session_max_age": "3600"}, "positive number of seconds"),
        ({"session_cookie": "my session"}, "not a cookie token"),
        ({"session_cookie": "a;b"}, "not a cookie token"),
    ],
)
def test_bad_session_options_fail_when_the_api_is_made(options, message):
    with pytest.raises(ValueError, match=message):
        responder.API(secret_key="k", **options)


def forge(secret, data, timestamp):
    """A session cookie as the app would have written it at ``timestamp`` (seconds)."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    class At(TimestampSigner):
        def get_timestamp(self):
            return timestamp

    payload = base64.urlsafe_b64encode(json.dumps(data).encode())
    return At(secret, salt="responder.session").sign(payload).decode()


def test_session_max_age_bounds_how_long_a_cookie_is_honoured():
    api = responder.API(secret_key="k", session_max_age=600)
    api.add_route("/me", lambda req, resp: setattr(resp, "media", dict(req.session)))
    api.add_route("/login", lambda req, resp: req.session.update(user="ann"))
    assert "Max-Age=600;" in api.requests.get("/login").headers["set-cookie"]
    now = int(time.time())
    client = api.session()
    # A minute inside the limit, then a minute past it: generous margins, no clock games.
    client.cookies.set("session", forge("k", {"user": "ann"}, now - 600 + 60))
    assert client.get("/me").json() == {"user": "ann"}
    client.cookies.set("session", forge("k", {"user": "ann"}, now - 600 - 60))
    assert client.get("/me").json() == {}


def test_a_replayed_old_cookie_stays_valid_until_it_expires(api):
    """Signed cookies cannot be revoked: what the docs say, pinned down."""
    client = api.session()
    old = client.get("/login/ann").cookies["session"]
    client.get("/login/bob")
    replay = api.session()
    replay.cookies.set("session", old)
    assert replay.get("/me").json() == {"user": "ann"}
