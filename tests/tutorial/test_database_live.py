"""The database tutorial's final app (examples/tutorial/database) under a real server."""

from __future__ import annotations

import sqlite3

import httpx2 as httpx

from tests.e2e.server import free_port, live_uvicorn, serve

from .test_rest_api_live import assert_example_is_the_pages_app

APP = "examples.tutorial.database.app:api"


def database(tmp_path):
    path = tmp_path / "articles.db"
    return path, {"READING_LIST_DB": f"sqlite+aiosqlite:///{path}"}


def test_the_example_is_the_tutorials_app():
    assert_example_is_the_pages_app("database", "tutorial/database.md")


def test_articles_are_stored_and_survive_a_restart(tmp_path):
    path, env = database(tmp_path)
    with (
        live_uvicorn(APP, env=env) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        essay = {"url": "https://example.com/essay", "title": "An essay"}
        created = client.post("/articles", json=essay)
        assert created.status_code == 201, server.log()
        location = created.headers["location"]
        assert created.json() == {**essay, "read": False, "id": 1}
        for n in range(2, 5):
            client.post("/articles", json={"url": f"https://example.com/{n}", "title": f"{n}"})

        assert client.get(location).json()["title"] == "An essay"
        page = client.get("/articles", params={"limit": 2, "offset": 2}).json()
        assert ([a["id"] for a in page["items"]], page["total"]) == ([3, 4], 4)
        changed = client.patch(location, json={"read": True})
        assert changed.json() == {**essay, "read": True, "id": 1}
        assert client.get("/articles", params={"read": "true"}).json()["total"] == 1
        assert client.delete("/articles/4").status_code == 204
        assert client.get("/articles/4").status_code == 404

    # The server has stopped: its rows are in the file, and a new server finds them.
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, url, read FROM articles ORDER BY id").fetchall()
    assert rows == [
        (1, "https://example.com/essay", 1),
        (2, "https://example.com/2", 0),
        (3, "https://example.com/3", 0),
    ]
    with (
        live_uvicorn(APP, env=env) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        listing = client.get("/articles").json()
        assert [a["id"] for a in listing["items"]] == [1, 2, 3], server.log()
        assert listing["items"][0]["read"] is True


def test_bad_input_gets_problems_not_500s(tmp_path):
    _, env = database(tmp_path)
    with (
        live_uvicorn(APP, env=env) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        bad = client.post("/articles", json={"url": "ftp://old.example", "title": ""})
        assert bad.status_code == 422, server.log()
        assert bad.headers["content-type"] == "application/problem+json"
        assert {e["name"] for e in bad.json()["errors"]} == {"url", "title"}
        assert client.get("/articles", params={"limit": 101}).status_code == 422
        assert client.get("/articles", params={"offset": -1}).status_code == 422

        first = {"url": "https://example.com/a", "title": "A"}
        second = {"url": "https://example.com/b", "title": "B"}
        assert client.post("/articles", json=first).status_code == 201
        assert client.post("/articles", json=second).status_code == 201
        taken = client.post("/articles", json=first)
        assert taken.status_code == 409
        assert taken.headers["content-type"] == "application/problem+json"
        clash = client.patch("/articles/2", json={"url": first["url"]})
        assert clash.status_code == 409
        assert client.get("/articles/2").json()["url"] == second["url"]  # rolled back
        assert client.get("/articles/99").status_code == 404
        assert client.patch("/articles/99", json={"read": True}).status_code == 404
        assert "Traceback" not in server.log()


def test_the_schema_lists_the_routes(tmp_path):
    _, env = database(tmp_path)
    with (
        live_uvicorn(APP, env=env) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        spec = client.get("/schema.json").json()
        assert {path: sorted(ops) for path, ops in spec["paths"].items()} == {
            "/articles": ["get", "post"],
            "/articles/{article_id}": ["delete", "get", "patch"],
        }
        listing = spec["paths"]["/articles"]["get"]["responses"]["200"]
        assert listing["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Page"
        }


def test_the_docstring_command_serves_it(tmp_path):
    path, env = database(tmp_path)
    port = free_port()
    args = ["-m", "responder", "run", APP, "--port", str(port)]
    with serve(args, port, env=env) as url:
        r = httpx.get(url + "/articles", timeout=10)
    assert r.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}
    assert path.exists()
