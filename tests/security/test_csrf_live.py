"""CSRF protection over a real uvicorn server: real cookies, real Host and Origin headers."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest

from tests.e2e.server import live_uvicorn, parse_response, raw_request


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.security.csrf_app:api") as live:
        yield live


@pytest.fixture
def logged_in(server):
    """A logged-in browser-like client: the session cookie, and the page's token."""
    with httpx.Client(base_url=server.url, timeout=10) as session:
        assert session.get("/login").status_code == 200
        page = session.get("/form").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found is not None
        yield session, found.group(1)


def test_a_form_posted_from_the_page_with_its_token_is_saved(logged_in, server):
    client, token = logged_in
    r = client.post(
        "/notes", data={"text": "live", "csrf_token": token}, headers={"Origin": server.url}
    )
    assert r.status_code == 201 and "live" in r.json()["notes"]


def test_a_cross_site_post_with_the_victims_cookie_and_a_stolen_token_is_refused(logged_in):
    client, token = logged_in
    headers = {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}
    r = client.post("/notes", data={"text": "forged", "csrf_token": token}, headers=headers)
    assert r.status_code == 403 and r.json()["reason"] == "cross-origin"
    assert r.headers["content-type"].startswith("application/problem+json")


def test_missing_origin_with_sec_fetch_site_cross_site_is_refused(logged_in):
    client, token = logged_in
    r = client.post("/notes", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and r.json()["reason"] == "cross-origin"


def test_a_token_from_another_session_is_refused(logged_in, server):
    client, _ = logged_in
    with httpx.Client(base_url=server.url, timeout=10) as other:
        other.get("/login")
        other_token = other.get("/token").json()["token"]
    r = client.post("/notes", json={"text": "x"}, headers={"X-CSRF-Token": other_token})
    assert r.status_code == 403 and r.json()["reason"] == "bad-token"


def test_a_multipart_form_with_the_token_reaches_the_view(logged_in):
    client, token = logged_in
    files = {"doc": ("a.bin", b"\x00" * 1000, "application/octet-stream")}
    r = client.post("/upload", data={"csrf_token": token}, files=files)
    assert r.status_code == 200 and r.json() == {"name": "a.bin", "size": 1000}


def test_a_huge_token_header_is_a_clean_refusal(logged_in):
    client, _ = logged_in
    r = client.post("/notes", json={}, headers={"X-CSRF-Token": "A" * 6000})
    assert r.status_code == 403 and r.json()["reason"] == "bad-token"


def test_a_bearer_token_client_without_cookies_is_not_checked(server):
    headers = {"Authorization": "Bearer good", "Origin": "https://elsewhere.example"}
    r = httpx.post(server.url + "/api/items", json={"a": 1}, headers=headers, timeout=10)
    assert r.status_code == 200 and r.json() == {"a": 1}


def test_a_raw_request_with_a_forged_cookie_and_origin_null_gets_a_403(server):
    request = (
        b"POST /notes HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\n"
        b"Cookie: session=forged\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 21\r\nConnection: close\r\n\r\ncsrf_token=abc.def&x="
    )
    status, _, body = parse_response(raw_request(server.url, request))
    assert status == 403 and b"cross-origin" in body
