"""Tutorial 5's app (examples/tutorial/flask_migration) under a real uvicorn, over HTTP.

Moved routes are answered by Responder; the rest reach the Flask app through
the ``/legacy`` mount, and the ``X-Served-By`` header says who answered.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.e2e.server import LiveServer, live_uvicorn

TARGET = "examples.tutorial.flask_migration.app:api"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_uvicorn(TARGET) as running:
        yield running


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10, follow_redirects=True) as opened:
        yield opened


def test_moved_routes_are_answered_by_responder(client, server):
    made = client.post("/notes", json={"text": "buy milk", "tags": ["home"]})
    assert made.status_code == 201, server.log()
    assert made.headers["x-served-by"] == "responder"
    note = made.json()
    assert note == {"id": note["id"], "text": "buy milk", "tags": ["home"]}
    assert made.headers["location"] == f"/notes/{note['id']}"

    read = client.get(made.headers["location"])
    assert (read.json(), read.headers["x-served-by"]) == (note, "responder")
    listed = client.get("/notes", params={"tag": "home"})
    assert note in listed.json() and listed.headers["x-served-by"] == "responder"
    assert client.get("/notes", params={"tag": "nowhere"}).json() == []


def test_routes_not_moved_yet_reach_flask_through_the_mount(client):
    note = client.post("/notes", json={"text": "call ann"}).json()
    stats = client.get("/stats")
    assert stats.headers["x-served-by"] == "flask"
    assert stats.json()["notes"] >= 1
    # The old URL still works: Responder sent it on to the mount with a 307.
    assert [r.status_code for r in stats.history] == [307]
    assert stats.url.path == "/legacy/stats"

    gone = client.delete(f"/notes/{note['id']}")  # DELETE has not moved
    assert (gone.status_code, gone.headers["x-served-by"]) == (204, "flask")
    # Both apps share the store: Responder no longer finds the note Flask deleted.
    after = client.get(f"/notes/{note['id']}")
    assert after.status_code == 404
    assert after.headers["x-served-by"] == "responder"
    assert after.json() == {"error": "no such note"}


def test_the_fallback_is_a_307_that_keeps_method_and_query(server):
    with httpx.Client(base_url=server.url, timeout=10) as raw:
        r = raw.delete("/notes/12345?why=test")
        assert r.status_code == 307
        assert r.headers["location"] == "/legacy/notes/12345?why=test"
        assert r.headers["x-served-by"] == "responder"
        followed = raw.delete(r.headers["location"])
    assert followed.status_code == 404
    assert followed.json() == {"error": "no such note"}
    assert followed.headers["x-served-by"] == "flask"


def test_a_moved_route_is_gone_from_flask(client):
    # GET /notes/<id> was deleted from legacy.py when it moved; only DELETE is left there.
    old = client.get("/legacy/notes/1")
    assert (old.status_code, old.headers["x-served-by"]) == (405, "flask")


def test_errors_keep_the_shape_flask_clients_parse(client):
    missing_text = client.post("/notes", json={"tags": ["x"]})
    assert missing_text.status_code == 400
    assert missing_text.json() == {"error": "text is required"}
    bad_tags = client.post("/notes", json={"text": "t", "tags": "x"})
    assert bad_tags.json() == {"error": "tags must be a list of strings"}
    not_json = client.post(
        "/notes", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400
    assert not_json.headers["x-served-by"] == "responder"
    assert "not valid JSON" in not_json.json()["error"]
