"""The authentication tutorial's app under a real uvicorn server, spoken to with httpx.

The test sets the app's secrets through the environment, as a deployment
would, so that it can sign tokens of its own (expired ones) with the app's
JWT secret and send the robot's real key.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator

import httpx2 as httpx
import jwt
import pytest

from tests.e2e.server import LiveServer, live_uvicorn

JWT_SECRET = secrets.token_urlsafe(32)
ROBOT_KEY = "robot-" + secrets.token_urlsafe(32)
ADA = {"username": "ada", "password": "correct horse battery staple"}
BOB = {"username": "bob", "password": "hunter2 is not a password"}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    env = {
        "NOTES_SECRET_KEY": secrets.token_urlsafe(32),
        "NOTES_JWT_SECRET": JWT_SECRET,
        "NOTES_ROBOT_KEY": ROBOT_KEY,
    }
    with live_uvicorn("examples.tutorial.auth.app:api", env=env) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token(client: httpx.Client, credentials: dict[str, str]) -> str:
    r = client.post("/api/token", json=credentials)
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "Bearer" and r.json()["expires_in"] == 900
    return str(r.json()["access_token"])


def signed(secret: str, **changes: object) -> str:
    claims = {"sub": "ada", "scope": "notes:read notes:write", "aud": "notes-api"}
    claims |= {"iss": "notes-login", "exp": int(time.time()) + 60}
    return jwt.encode({**claims, **changes}, secret, algorithm="HS256")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_the_robots_key_is_accepted_and_others_refused(client, server):
    r = client.get("/api/export", headers={"X-API-Key": ROBOT_KEY})
    assert r.status_code == 200, server.log()
    assert r.json()["exported_by"] == "robot"
    for headers in ({}, {"X-API-Key": "robot-demo-key-change-me"}, {"X-API-Key": ROBOT_KEY + "x"}):
        r = client.get("/api/export", headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'APIKey realm="api", in="header", name="X-API-Key"'
        assert r.headers["content-type"] == "application/problem+json"


def test_login_gives_a_jwt_that_opens_the_notes(client):
    ada = token(client, ADA)
    assert jwt.decode(ada, JWT_SECRET, algorithms=["HS256"], audience="notes-api")["sub"] == "ada"
    r = client.post("/api/notes", json={"text": "over the wire"}, headers=bearer(ada))
    assert r.status_code == 201 and r.json() == {"author": "ada", "text": "over the wire"}
    listed = client.get("/api/notes", headers=bearer(ada)).json()
    assert listed["reader"] == "ada"
    assert {"author": "ada", "text": "over the wire"} in listed["notes"]


def test_a_wrong_password_or_a_bad_body_gets_no_token(client):
    r = client.post("/api/token", json={**ADA, "password": "nope"})
    assert r.status_code == 401 and "access_token" not in r.json()
    assert r.headers["www-authenticate"] == 'Bearer realm="api"'
    r = client.post("/api/token", json={"username": "nobody-at-all", "password": "nope"})
    assert r.status_code == 401
    assert client.post("/api/token", json={"username": "ada"}).status_code == 422
    assert (
        client.post(
            "/api/token", content=b"{not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )


def test_expired_and_forged_tokens_are_401_and_a_missing_scope_403(client):
    expired = signed(JWT_SECRET, exp=int(time.time()) - 60)
    r = client.get("/api/notes", headers=bearer(expired))
    assert r.status_code == 401
    assert 'error="invalid_token"' in r.headers["www-authenticate"]
    assert r.json()["detail"] == "The token has expired."
    forged = signed(secrets.token_urlsafe(32))
    r = client.get("/api/notes", headers=bearer(forged))
    assert r.status_code == 401
    assert r.json()["detail"] == "The token's signature does not verify."
    r = client.get("/api/notes", headers={"Authorization": "Bearer not.a.jwt"})
    assert r.status_code == 401
    bob = token(client, BOB)
    assert client.get("/api/notes", headers=bearer(bob)).status_code == 200
    r = client.post("/api/notes", json={"text": "bob writes"}, headers=bearer(bob))
    assert r.status_code == 403
    assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


def test_the_web_page_logs_in_with_a_session_and_checks_csrf(client, server):
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    login_form = client.get("/login").text
    before = csrf_token(login_form)
    assert "session" in client.cookies  # the first token started a session
    anonymous = client.cookies["session"]
    r = client.post("/login", data={**ADA, "csrf_token": before})
    assert r.status_code == 303 and r.headers["location"] == "/", server.log()
    assert client.cookies["session"] != anonymous  # a new session at login
    page = client.get("/").text
    assert "Signed in as ada." in page
    r = client.post("/notes", data={"text": "from a browser", "csrf_token": csrf_token(page)})
    assert r.status_code == 303
    assert "ada: from a browser" in client.get("/").text

    refused = [
        ({"text": "forged"}, {}, "missing-token"),
        ({"text": "forged", "csrf_token": before}, {}, "bad-token"),
        (
            {"text": "forged", "csrf_token": csrf_token(page)},
            {"Origin": "https://evil.example"},
            "cross-origin",
        ),
    ]
    for data, headers, reason in refused:
        r = client.post("/notes", data=data, headers=headers)
        assert r.status_code == 403 and r.json()["reason"] == reason
    same_origin = {"Origin": server.url}
    r = client.post(
        "/notes", data={"text": "same origin", "csrf_token": csrf_token(page)}, headers=same_origin
    )
    assert r.status_code == 303
    assert "forged" not in client.get("/").text

    # Logging out ends the session on the server: a copy of the cookie kept
    # from before (by a thief, say) opens nothing afterwards.
    kept = client.cookies["session"]
    with httpx.Client(base_url=server.url, timeout=10, cookies={"session": kept}) as thief:
        assert "Signed in as ada." in thief.get("/").text
        r = client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert thief.get("/").status_code == 303


def test_a_wrong_password_on_the_web_page_shows_the_form_again(client):
    form = client.get("/login").text
    r = client.post("/login", data={**ADA, "password": "nope", "csrf_token": csrf_token(form)})
    assert r.status_code == 200 and "Wrong username or password." in r.text
    assert client.get("/").status_code == 303  # still not signed in


def test_the_schema_describes_both_schemes(client):
    doc = client.get("/schema.json").json()
    assert set(doc["components"]["securitySchemes"]) == {"apiKeyAuth", "jwtAuth"}
    assert doc["paths"]["/api/notes"]["get"]["security"] == [{"jwtAuth": ["notes:read"]}]
