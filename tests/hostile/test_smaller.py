"""Hostile input against sessions, background work, the SPA fallback and route convertors.

Every row goes to a live uvicorn server (``tests/hostile/smaller_app.py``)
over a real socket, and every answer must be a clear 4xx (or the documented
success), never a 5xx, never a hang: each client call has a timeout.
"""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from itsdangerous import TimestampSigner

from tests.e2e.server import live_uvicorn, raw_request
from tests.hostile.smaller_app import MAX_AGE, QUEUE_SIZE, SECRET, api

TIMEOUT = 10


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.hostile.smaller_app:api") as live:
        yield live


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        yield http


def assert_problem(response: httpx.Response, status: int) -> None:
    """A clear client error: the status, and a problem-details body that names it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


# -- sessions ------------------------------------------------------------------


def signed(payload: bytes, *, secret: str = SECRET, age: int = 0) -> str:
    """A cookie value signed as the app signs sessions, written ``age`` seconds ago."""

    class At(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    return At(secret, salt="responder.session").sign(payload).decode()


def session_payload(data: object) -> bytes:
    return base64.urlsafe_b64encode(json.dumps(data).encode())


GOOD = session_payload({"user": "ann"})
HOSTILE_SESSION_COOKIES = {
    "another key": signed(GOOD, secret="guessed"),
    "signature flipped": signed(GOOD)[:-2] + "AA",
    "payload swapped": session_payload({"user": "root"}).decode() + signed(GOOD)[len(GOOD) :],
    "expired just past max_age": signed(GOOD, age=MAX_AGE + 60),
    "dated in the future": signed(GOOD, age=-3600),
    "not base64 under a good signature": signed(b"!!!not-base64!!!"),
    "not json under a good signature": signed(base64.urlsafe_b64encode(b"\xff\xfe{")),
    "a list, not a dict": signed(session_payload(["ann"])),
    "user is not a string": signed(session_payload({"user": {"$ne": None}})),
    "garbage": "x" * 6000,
    "empty": "",
    "dots only": "....",
}


@pytest.mark.parametrize("cookie", HOSTILE_SESSION_COOKIES.values(), ids=HOSTILE_SESSION_COOKIES)
def test_a_hostile_session_cookie_gives_no_session(client, cookie):
    assert_problem(client.get("/me", headers={"Cookie": f"session={cookie}"}), 401)


def test_a_cookie_just_inside_max_age_is_honoured_over_a_real_socket(client):
    cookie = signed(GOOD, age=MAX_AGE - 60)
    r = client.get("/me", headers={"Cookie": f"session={cookie}"})
    assert (r.status_code, r.json()) == (200, {"user": "ann"})


def test_the_session_cookie_the_server_writes_round_trips(client):
    r = client.get("/login/ann")
    assert f"Max-Age={MAX_AGE};" in r.headers["set-cookie"]
    assert client.get("/me").json() == {"user": "ann"}


def test_a_raw_request_with_many_session_cookies_is_still_a_clean_401(server):
    cookies = "; ".join(f"session={signed(GOOD, secret=f'k{i}')}" for i in range(50))
    request = f"GET /me HTTP/1.1\r\nHost: x\r\nCookie: {cookies}\r\nConnection: close\r\n\r\n"
    answer = raw_request(server.url, request.encode(), timeout=TIMEOUT)
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]


# -- background work -------------------------------------------------------------


def release_and_wait(client: httpx.Client) -> None:
    """Let the blocked jobs finish; wait (with a deadline) until none is pending."""
    client.get("/jobs/release")
    deadline = time.monotonic() + TIMEOUT
    while client.get("/jobs/pending").json()["pending"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.get("/jobs/pending").json() == {"pending": 0}


@pytest.fixture
def jobs(client):
    """The queue, emptied after the test (so other rows find it as they expect)."""
    yield client
    release_and_wait(client)


def test_a_full_background_queue_is_a_503_and_views_still_answer(jobs):
    assert jobs.get(f"/jobs/start/{QUEUE_SIZE}").json() == {"started": QUEUE_SIZE}
    refused = jobs.get("/jobs/start/1")
    assert_problem(refused, 503)
    assert refused.headers["retry-after"] == "1"
    # Every background thread is stuck, and the queue is full: sync views still answer.
    assert jobs.get("/sync").json() == {"answered": True}


def test_a_flood_of_job_requests_queues_exactly_queue_size_jobs(jobs, server):
    def start_one(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
            return http.get("/jobs/start/1").status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(start_one, range(60)))
    assert sorted(set(statuses)) == [200, 503]
    assert statuses.count(200) == QUEUE_SIZE
    assert jobs.get("/jobs/pending").json() == {"pending": QUEUE_SIZE}


def test_released_jobs_give_their_places_back(jobs):
    assert jobs.get(f"/jobs/start/{QUEUE_SIZE}").status_code == 200
    release_and_wait(jobs)
    assert jobs.get(f"/jobs/start/{QUEUE_SIZE}").json() == {"started": QUEUE_SIZE}


# -- the single-page-app fallback --------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NOT_PAGES = {
    "curl": ("GET", "/settings", "*/*"),
    "fetch with no Accept": ("GET", "/settings", None),
    "text wildcard": ("GET", "/settings", "text/*"),
    "html refused": ("GET", "/settings", "text/html;q=0, */*"),
    "json client": ("GET", "/settings", "application/json"),
    "html past the 64 entries read": ("GET", "/settings", "a/b," * 64 + "text/html"),
    "html past the 4096 characters read": (
        "GET",
        "/settings",
        "a/b;p=" + "x" * 4096 + ",text/html",
    ),
    "a post from a browser": ("POST", "/settings", BROWSER),
    "API prefix, browser": ("GET", "/api/nope", BROWSER),
    "API prefix itself": ("GET", "/api", BROWSER),
    "API prefix, curl": ("GET", "/api/items/7", "*/*"),
}


@pytest.mark.parametrize(("method", "path", "accept"), NOT_PAGES.values(), ids=NOT_PAGES)
def test_what_is_not_a_page_navigation_gets_an_honest_404(client, method, path, accept):
    headers = {"Accept": accept} if accept is not None else {}
    request = client.build_request(method, path, headers=headers)
    if accept is None:
        del request.headers["accept"]
    r = client.send(request)
    assert r.status_code == 404
    assert "single page" not in r.text
    assert r.headers["content-type"].startswith("application/problem+")


@pytest.mark.parametrize("path", ["/settings", "/a/b/c", "/apiary", "/app/api"])
def test_a_browser_navigating_gets_the_app(client, path):
    r = client.get(path, headers={"Accept": BROWSER})
    assert (r.status_code, r.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert "single page" in r.text


def test_the_api_under_the_excluded_prefix_still_answers(client):
    assert client.get("/api/items", headers={"Accept": BROWSER}).json() == []


# -- route convertors and url_for ---------------------------------------------------

NOT_A_NUMBER = {
    "float of 400 digits (inf)": "/price/" + "9" * 400,
    "float of 65 characters": "/price/" + "1" * 63 + ".5",
    "float inf": "/price/inf",
    "float nan": "/price/nan",
    "float with exponent": "/price/1e308",
    "negative float": "/price/-1.5",
    "int of 65 digits": "/items/" + "1" * 65,
    "int of 5000 digits": "/items/" + "7" * 5000,
    "negative int": "/items/-5",
    "superscript digit": "/items/%C2%B2",
    "int with NUL": "/items/1%002",
}


@pytest.mark.parametrize("path", NOT_A_NUMBER.values(), ids=NOT_A_NUMBER)
def test_a_number_parameter_the_route_cannot_use_is_a_404(client, path):
    assert_problem(client.get(path), 404)


def test_numbers_at_the_length_limit_still_route(client):
    assert client.get("/items/" + "1" * 64).json() == {"id": int("1" * 64)}
    assert client.get("/price/" + "9" * 62 + ".5").json() == {"amount": float("9" * 62 + ".5")}


ROUND_TRIPS = [
    ("name_view", "name", ".."),
    ("name_view", "name", "."),
    ("name_view", "name", "a b?#%&="),
    ("name_view", "name", "☃ café"),
    ("name_view", "name", "%2F"),
    ("files", "rest", "../../etc/passwd"),
    ("files", "rest", "a/./b/../c"),
    ("files", "rest", "x//y/"),
    ("files", "rest", ""),
    ("price", "amount", 1e20),
    ("price", "amount", 5e-7),
    ("item", "id", 10**63),
]


@pytest.mark.parametrize(("view", "name", "value"), ROUND_TRIPS)
def test_url_for_leads_back_to_the_same_value_through_a_real_server(client, view, name, value):
    r = client.get(api.url_for(view, **{name: value}))
    assert r.status_code == 200, r.text
    assert r.json() == {name: value}


@pytest.mark.parametrize(
    ("view", "name", "value"),
    [
        ("item", "id", -5),
        ("item", "id", 10**64),
        ("price", "amount", float("nan")),
        ("price", "amount", float("inf")),
        ("name_view", "name", ""),
        ("name_view", "name", "a/b"),
    ],
)
def test_url_for_refuses_what_would_not_lead_back(view, name, value):
    with pytest.raises(ValueError):
        api.url_for(view, **{name: value})
