"""examples/bookstore under a real uvicorn server, on a temporary SQLite file."""

from __future__ import annotations

import sqlite3

import httpx2 as httpx
import yaml

from tests.e2e.server import free_port, live_uvicorn, serve


def test_create_list_and_delete_over_http(tmp_path):
    database = tmp_path / "bookstore.sqlite3"
    env = {"BOOKSTORE_DB": str(database)}
    with (
        live_uvicorn("examples.bookstore.app:api", env=env) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        author = client.post("/api/authors", json={"name": "Ursula K. Le Guin"})
        assert author.status_code == 201, server.log()
        created = client.post(
            "/api/books",
            content=yaml.safe_dump({"title": "Tehanu", "author_id": author.json()["id"]}),
            headers={"Content-Type": "application/x-yaml"},
        )
        assert created.status_code == 201, server.log()
        location = created.headers["location"]
        assert location == f"/api/books/{created.json()['id']}"
        # The next request sees the row: it was committed before the answer was sent.
        listing = client.get("/api/books", params={"q": "teha", "limit": 5}).json()
        assert [b["title"] for b in listing["items"]] == ["Tehanu"]
        assert client.get("/api/books", params={"limit": 0}).status_code == 422
        assert client.delete(location).status_code == 204
        missing = client.get(location)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
    with sqlite3.connect(database) as conn:  # the server has stopped; its rows are stored
        assert conn.execute("SELECT count(*) FROM books").fetchone() == (0,)
        assert conn.execute("SELECT name FROM authors").fetchall() == [("Ursula K. Le Guin",)]


def test_the_readme_command_serves_it(tmp_path):
    port = free_port()
    args = ["-m", "responder", "run", "examples.bookstore.app:api", "--port", str(port)]
    with serve(args, port, env={"BOOKSTORE_DB": str(tmp_path / "books.db")}) as url:
        r = httpx.get(url + "/api/authors", timeout=10)
    assert r.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}
