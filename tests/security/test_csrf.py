"""CSRF protection in-process: who is checked, where the token travels, and every refusal."""

from __future__ import annotations

import re

import pytest

import responder

from .csrf_app import make_api

SITE = "http://testserver"


def _logged_in(api: responder.API | None = None):
    """A client with a session cookie, and a token issued for that session."""
    client = (api or make_api()).session(base_url=SITE)
    assert client.get("/login").status_code == 200
    token = client.get("/token").json()["token"]
    return client, token


def _refusal(response, reason: str) -> str:
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["status"] == 403 and problem["reason"] == reason
    return str(problem["detail"])


def test_a_form_post_with_the_token_from_the_page_is_accepted():
    client = make_api().session(base_url=SITE)
    client.get("/login")
    page = client.get("/form").text
    field = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page)
    assert field is not None
    r = client.post("/notes", data={"text": "hi", "csrf_token": field.group(1)})
    assert r.status_code == 201
    # The view's own ``await req.media()`` read the form the check had already read.
    assert r.json() == {"notes": ["hi"], "user": "ann"}


def test_the_token_in_the_header_is_accepted_for_json_bodies():
    client, token = _logged_in()
    r = client.post("/notes", json={"text": "js"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201 and r.json()["notes"] == ["js"]
    assert client.delete("/notes", headers={"X-CSRF-Token": token}).json()["notes"] == []


def test_a_post_with_a_session_but_no_token_is_refused_and_the_view_does_not_run():
    client, _ = _logged_in()
    detail = _refusal(client.post("/notes", data={"text": "x"}), "missing-token")
    assert "X-CSRF-Token" in detail and "csrf_token" in detail
    assert client.get("/notes").json()["notes"] == []


def test_the_refusal_is_in_the_format_the_client_asked_for():
    client, _ = _logged_in()
    r = client.post("/notes", data={"text": "x"}, headers={"Accept": "application/x-yaml"})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+yaml")
    assert "missing-token" in r.text


def test_a_token_issued_for_another_session_is_refused():
    _, other_token = _logged_in()
    client, _ = _logged_in()
    r = client.post("/notes", data={"text": "x", "csrf_token": other_token})
    _refusal(r, "bad-token")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the MAC changed
        lambda t: "x" + t,  # the nonce changed
        lambda t: t.split(".")[0],  # no MAC
        lambda t: "",  # empty
        lambda t: "é".encode() * 20,  # not ASCII (UTF-8 bytes, read as latin-1)
        lambda t: t + "." + t,  # two tokens glued
    ],
)
def test_a_tampered_token_is_refused(tamper):
    client, token = _logged_in()
    r = client.post("/notes", json={"text": "x"}, headers={"X-CSRF-Token": tamper(token)})
    _refusal(r, "bad-token")


def test_a_huge_token_is_refused_without_trouble():
    client, _ = _logged_in()
    _refusal(client.post("/notes", data={"text": "x", "csrf_token": "A" * 200_000}), "bad-token")
    r = client.post("/notes", json={}, headers={"X-CSRF-Token": "a." + "B" * 60_000})
    _refusal(r, "bad-token")


def test_a_token_sent_twice_in_a_form_is_refused():
    client, token = _logged_in()
    r = client.post("/notes", data={"text": "x", "csrf_token": [token, token]})
    assert "once" in _refusal(r, "bad-token")


def test_a_session_cleared_at_logout_takes_its_tokens_with_it():
    api = make_api()

    @api.route("/logout", methods=["POST"])
    def logout(req, resp):
        req.session.clear()
        req.session["user"] = "guest"  # still a session, but a new CSRF secret

    client, token = _logged_in(api)
    assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code == 200
    _refusal(client.post("/notes", json={}, headers={"X-CSRF-Token": token}), "bad-token")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Origin": "https://evil.example"}, "cross-origin"),
        ({"Origin": "null"}, "cross-origin"),
        ({"Origin": "http://testserver.evil.example"}, "cross-origin"),
        ({"Origin": "http://testserver:8080"}, "cross-origin"),  # another port, another origin
        ({"Origin": "https://testserver"}, "cross-origin"),  # another scheme too
        ({"Origin": "http://user@testserver"}, "cross-origin"),  # not an origin at all
        ({"Sec-Fetch-Site": "cross-site"}, "cross-origin"),
        ({"Sec-Fetch-Site": "same-site"}, "cross-origin"),
    ],
)
def test_requests_from_elsewhere_are_refused_even_with_a_good_token(headers, reason):
    client, token = _logged_in()
    r = client.post("/notes", data={"text": "x", "csrf_token": token}, headers=headers)
    _refusal(r, reason)
    assert client.get("/notes").json()["notes"] == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "HTTP://TESTSERVER:80"},  # the same origin, written differently
        {"Origin": "https://admin.example.com"},  # listed in trusted_origins
        {"Origin": "https://admin.example.com", "Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {},  # neither header: not a browser; the token decides
    ],
)
def test_same_origin_and_trusted_origins_pass(headers):
    client, token = _logged_in()
    r = client.post("/notes", data={"text": "ok", "csrf_token": token}, headers=headers)
    assert r.status_code == 201, r.text


def test_https_behind_the_scheme_the_server_sees():
    client = make_api().session(base_url="https://testserver")
    client.get("/login")
    token = client.get("/token").json()["token"]
    ok = client.post(
        "/notes", json={}, headers={"X-CSRF-Token": token, "Origin": "https://testserver"}
    )
    assert ok.status_code == 201
    r = client.post("/notes", json={}, headers={"X-CSRF-Token": token, "Origin": SITE})
    _refusal(r, "cross-origin")  # an http:// page may be anyone's on the way


def test_a_bearer_token_api_without_a_session_cookie_is_not_checked():
    client = make_api().session(base_url=SITE)
    headers = {"Authorization": "Bearer good", "Origin": "https://elsewhere.example"}
    r = client.post("/api/items", json={"name": "x"}, headers=headers)
    assert r.status_code == 200 and r.json() == {"name": "x"}


def test_a_session_cookie_makes_even_a_bearer_request_need_the_token():
    client, _ = _logged_in()
    r = client.post("/api/items", json={}, headers={"Authorization": "Bearer good"})
    _refusal(r, "missing-token")


def test_safe_methods_are_never_checked():
    client, _ = _logged_in()
    headers = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert client.get("/notes", headers=headers).status_code == 200
    assert client.head("/notes", headers=headers).status_code == 200
    assert client.options("/notes", headers=headers).status_code == 200


def test_csrf_exempt_on_a_view_and_on_one_responder():
    client, _ = _logged_in()
    evil = {"Origin": "https://evil.example"}
    assert client.post("/hooks/payment", json={}, headers=evil).json() == {"received": True}
    assert client.patch("/things", headers=evil).json() == {"patched": True}
    _refusal(client.put("/things", headers=evil), "cross-origin")


def test_a_multipart_form_carries_the_token_and_the_view_still_reads_its_files():
    client, token = _logged_in()
    files = {"doc": ("notes.txt", b"hello world", "text/plain")}
    r = client.post("/upload", data={"csrf_token": token}, files=files)
    assert r.status_code == 200 and r.json() == {"name": "notes.txt", "size": 11}
    _refusal(client.post("/upload", files=files), "missing-token")


def test_a_malformed_form_is_a_400_not_a_500():
    client, _ = _logged_in()
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    r = client.post("/upload", content=b"--x\r\nnot a part", headers=headers)
    assert r.status_code == 400


def test_the_first_token_starts_a_session_and_the_cookie_is_written():
    client = make_api().session(base_url=SITE)
    r = client.get("/form")
    assert "session=" in r.headers["set-cookie"]
    token = re.search(r'<p id="token">([^<]+)</p>', r.text)
    assert token is not None
    r = client.post("/notes", data={"text": "first", "csrf_token": token.group(1)})
    assert r.status_code == 201


def test_each_token_differs_and_each_is_good():
    client = make_api().session(base_url=SITE)
    client.get("/login")
    tokens = {client.get("/token").json()["token"] for _ in range(3)}
    assert len(tokens) == 3
    for token in tokens:
        assert client.post("/notes", json={}, headers={"X-CSRF-Token": token}).status_code == 201


def test_without_csrf_nothing_is_checked_and_templates_say_why_they_cannot_help():
    api = make_api(csrf=None)
    client = api.session(base_url=SITE)
    client.get("/login")
    r = client.post("/notes", data={"text": "x"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 201
    with pytest.raises(RuntimeError, match="csrf=True"):
        client.get("/form")


def test_csrf_settings_are_checked_when_the_api_is_made():
    with pytest.raises(ValueError, match="not an origin"):
        responder.API(csrf=responder.CSRF(trusted_origins=["https://example.com/path"]))
    with pytest.raises(ValueError, match="not an origin"):
        responder.CSRF(trusted_origins=["null"])
    with pytest.raises(ValueError, match="list of origins"):
        responder.CSRF(trusted_origins="https://example.com")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="header name"):
        responder.CSRF(header_name="X CSRF")
    with pytest.raises(TypeError, match="csrf must be"):
        responder.API(csrf="yes")  # type: ignore[arg-type]
    assert responder.API(csrf=True).csrf == responder.CSRF()


def test_custom_field_and_header_names():
    api = make_api(csrf=responder.CSRF(field_name="_token", header_name="X-XSRF"))
    client, token = _logged_in(api)
    assert client.post("/notes", data={"_token": token}).status_code == 201
    assert client.post("/notes", json={}, headers={"X-XSRF": token}).status_code == 201
    _refusal(client.post("/notes", json={}, headers={"X-CSRF-Token": token}), "missing-token")
    assert 'name="_token"' in client.get("/form").text
