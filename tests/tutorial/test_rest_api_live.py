"""The REST API tutorial's final app (examples/tutorial/rest_api) under a real server."""

from __future__ import annotations

import ast

import httpx2 as httpx

from tests.docs_samples import find_samples
from tests.e2e.server import ROOT, free_port, live_uvicorn, serve

APP = "examples.tutorial.rest_api.app:api"


def statements(code: str) -> dict[str, str]:
    """The module's top-level definitions, assignments and calls: each AST dump, to its source."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.Expr)
    found = {}
    for node in ast.parse(code).body:
        if isinstance(node, kinds) and not (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)  # a docstring
        ):
            found[ast.dump(node)] = ast.get_source_segment(code, node) or ""
    return found


def assert_example_is_the_pages_app(example: str, page: str) -> None:
    """Every statement of the example app is on the tutorial page, word for word."""
    (sample,) = [s for s in find_samples() if s.name == page]
    code = (ROOT / "examples" / "tutorial" / example / "app.py").read_text()
    on_page = statements(sample.code)
    missing = [source for dump, source in statements(code).items() if dump not in on_page]
    assert not missing, f"{example}/app.py and {page} differ at:\n" + "\n\n".join(missing)


def test_the_example_is_the_tutorials_app():
    assert_example_is_the_pages_app("rest_api", "tutorial/rest-api.md")


def test_articles_round_trip_over_http():
    with (
        live_uvicorn(APP) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        essay = {"url": "https://example.com/essay", "title": "An essay"}
        created = client.post("/articles", json=essay)
        assert created.status_code == 201, server.log()
        location = created.headers["location"]
        assert created.json() == {**essay, "read": False, "id": int(location.rsplit("/", 1)[1])}
        client.post("/articles", json={"url": "https://example.com/maps", "title": "Maps"})

        assert [a["title"] for a in client.get("/articles").json()] == ["An essay", "Maps"]
        assert [a["title"] for a in client.get("/articles", params={"limit": 1}).json()] == [
            "An essay"
        ]
        assert client.get(location).json()["title"] == "An essay"

        changed = client.patch(location, json={"read": True, "title": "The essay"})
        assert changed.json() == {**essay, "title": "The essay", "read": True, "id": 1}
        unread = client.get("/articles", params={"read": "false"}).json()
        assert [a["title"] for a in unread] == ["Maps"]
        assert client.get("/stats").json() == {"total": 2, "read": 1, "unread": 1}
        assert client.get("/stats/next").json()["title"] == "Maps"

        assert client.delete(location).status_code == 204
        gone = client.get(location)
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["detail"] == "There is no article 1."


def test_bad_input_gets_problems_not_500s():
    with (
        live_uvicorn(APP) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        bad = client.post("/articles", json={"url": "ftp://old.example", "title": ""})
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"
        assert {e["name"] for e in bad.json()["errors"]} == {"url", "title"}
        assert client.get("/articles", params={"limit": 0}).status_code == 422
        broken = client.post(
            "/articles", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert broken.status_code == 400

        article = {"url": "https://example.com/a", "title": "A"}
        assert client.post("/articles", json=article).status_code == 201
        again = client.post("/articles", json=article)
        assert again.status_code == 409
        assert again.json()["article_id"] == 1
        assert client.patch("/articles/1", json={"read": "maybe"}).status_code == 422
        assert client.get("/articles/abc").status_code == 404
        assert client.put("/articles/1", json=article).status_code == 405
        assert client.get("/stats/next").status_code == 200
        assert "Traceback" not in server.log()


def test_the_schema_lists_the_routes_and_the_docs_page_serves():
    with (
        live_uvicorn(APP) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        spec = client.get("/schema.json").json()
        assert spec["openapi"] == "3.1.0"
        assert {path: sorted(operations) for path, operations in spec["paths"].items()} == {
            "/articles": ["get", "post"],
            "/articles/{article_id}": ["delete", "get", "patch"],
            "/stats": ["get"],
            "/stats/next": ["get"],
        }
        assert "swagger" in client.get("/docs").text.lower()


def test_the_docstring_command_serves_it():
    port = free_port()
    args = ["-m", "responder", "run", APP, "--port", str(port)]
    with serve(args, port) as url:
        r = httpx.get(url + "/", timeout=10)
    assert r.text == "Your reading list lives at /articles; its docs at /docs."
