"""The "Building a REST API" tutorial, run as its reader would run it.

The app is ``examples/rest_api.py``, written from the tutorial: a book catalog
with full CRUD, pydantic ``request_model`` / ``response_model``, a
``ValueError`` handler and docs at ``/docs``. Storage is the tutorial's own
in-memory dict, so each test loads a fresh copy of the module. The tests make
the tutorial's "Try It Out" requests (its curl session) and check what it
promises: 201 on create, 404 for an unknown or non-integer id, 204 on delete,
422 with ``errors`` for a bad body, and the interactive docs.
"""

from __future__ import annotations

import httpx2
import pytest
import yaml
from openapi_spec_validator import validate

from tests.e2e.server import serve_uvicorn
from tests.test_examples import load

DUNE = {"title": "Dune", "author": "Frank Herbert", "year": 1965}
DUNE_WITH_ISBN = {**DUNE, "isbn": "978-0441172719"}


@pytest.fixture
def app():
    """A fresh copy of the tutorial's module: its own empty ``books_db``."""
    return load("rest_api")


@pytest.fixture
def client(app):
    return app.api.requests


def test_create_a_book_answers_201_with_the_stored_book(client):
    r = client.post("/books", json=DUNE)
    assert r.status_code == 201
    assert r.json() == {"id": 1, **DUNE, "isbn": None}


def test_created_books_get_increasing_ids(client):
    first = client.post("/books", json=DUNE).json()
    second = client.post("/books", json={"title": "Emma", "author": "Jane Austen", "year": 1815})
    assert (first["id"], second.json()["id"]) == (1, 2)


def test_list_books_starts_empty_and_shows_what_was_created(client):
    r = client.get("/books")
    assert r.status_code == 200
    assert r.json() == []
    client.post("/books", json=DUNE)
    assert client.get("/books").json() == [{"id": 1, **DUNE, "isbn": None}]


def test_get_a_single_book(client):
    client.post("/books", json=DUNE_WITH_ISBN)
    r = client.get("/books/1")
    assert r.status_code == 200
    assert r.json() == {"id": 1, **DUNE_WITH_ISBN}


def test_get_an_unknown_book_is_the_tutorials_404(client):
    r = client.get("/books/99")
    assert r.status_code == 404
    assert r.json() == {"error": "Book 99 not found"}


@pytest.mark.parametrize("path", ["/books/abc", "/books/1.5", "/books/-1"])
def test_a_book_id_that_is_not_an_integer_is_404(client, path):
    assert client.get(path).status_code == 404


def test_update_replaces_the_book(client):
    client.post("/books", json=DUNE)
    r = client.put("/books/1", json=DUNE_WITH_ISBN)
    assert r.status_code == 200
    assert r.json() == {"id": 1, **DUNE_WITH_ISBN}
    assert client.get("/books/1").json() == {"id": 1, **DUNE_WITH_ISBN}


def test_update_an_unknown_book_is_404(client):
    r = client.put("/books/7", json=DUNE)
    assert r.status_code == 404
    assert r.json() == {"error": "Book 7 not found"}


def test_delete_answers_204_with_an_empty_body_and_the_book_is_gone(client):
    client.post("/books", json=DUNE)
    r = client.delete("/books/1")
    assert r.status_code == 204
    assert r.content == b""
    assert client.get("/books/1").status_code == 404
    assert client.get("/books").json() == []


def test_delete_an_unknown_book_is_404(client):
    r = client.delete("/books/3")
    assert r.status_code == 404
    assert r.json() == {"error": "Book 3 not found"}


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Dune", "year": 1965},  # no author
        {"title": "Dune", "author": "Frank Herbert", "year": "nineteen sixty-five"},
        {},
    ],
)
def test_create_with_a_bad_body_is_422_with_errors_and_stores_nothing(client, body):
    r = client.post("/books", json=body)
    assert r.status_code == 422
    assert r.json()["errors"]
    assert client.get("/books").json() == []


def test_update_with_a_bad_body_is_422_and_keeps_the_book(client):
    client.post("/books", json=DUNE)
    r = client.put("/books/1", json={"title": "Dune"})
    assert r.status_code == 422
    assert "errors" in r.json()
    assert client.get("/books/1").json()["author"] == "Frank Herbert"


def test_methods_the_tutorial_does_not_route_are_405(client):
    assert client.patch("/books/1", json=DUNE).status_code == 405
    assert client.delete("/books").status_code == 405


def test_the_value_error_handler_turns_a_value_error_into_a_400(app):
    """The tutorial registers the handler but routes nothing that raises; add one."""

    @app.api.route("/books/{book_id:int}/isbn")
    def isbn(req, resp, *, book_id):
        raise ValueError(f"Book {book_id} has no ISBN")

    r = app.api.requests.get("/books/1/isbn")
    assert r.status_code == 400
    assert r.json() == {"error": "Book 1 has no ISBN"}


def test_the_openapi_document_describes_the_catalog(app):
    r = app.api.session().get("http://;/schema.yml")
    assert r.status_code == 200
    spec = yaml.safe_load(r.text)
    validate(spec)
    assert spec["openapi"] == "3.0.2"
    assert spec["info"]["title"] == "Book Catalog"
    assert spec["info"]["version"] == "1.0"
    books, book = spec["paths"]["/books"], spec["paths"]["/books/{book_id}"]
    assert {"get", "post"} <= set(books)
    assert {"get", "put", "delete"} <= set(book)
    assert {"BookIn", "Book"} <= set(spec["components"]["schemas"])


def test_docs_route_serves_swagger_ui(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "swagger" in r.text.lower()


def test_the_curl_session_against_a_live_server():
    """ "Try It Out": the tutorial's five curl calls, over HTTP to uvicorn."""
    with (
        serve_uvicorn("examples.rest_api:api") as base,
        httpx2.Client(base_url=base, timeout=10) as http,
    ):
        created = http.post("/books", json=DUNE)
        assert (created.status_code, created.json()["id"]) == (201, 1)
        assert http.get("/books").json() == [{"id": 1, **DUNE, "isbn": None}]
        assert http.get("/books/1").json()["title"] == "Dune"
        updated = http.put("/books/1", json=DUNE_WITH_ISBN)
        assert updated.json()["isbn"] == "978-0441172719"
        assert http.delete("/books/1").status_code == 204
        assert http.get("/books/1").status_code == 404
