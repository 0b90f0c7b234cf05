"""examples/bookstore in process: each test on its own SQLite file, through session overrides."""

from __future__ import annotations

import sqlite3

import msgpack
import pytest
import yaml
from openapi_spec_validator import validate

from examples.bookstore.app import api, create_api
from examples.bookstore.db import Pool, open_session, session

BOOK = {"title": "A Wizard of Earthsea", "author_id": 1, "year": 1968}


@pytest.fixture
def pool(tmp_path):
    opened = Pool(tmp_path / "books.db")
    yield opened
    opened.close()


def client_on(pool, **options):
    """A client of the app as deployed whose request sessions use ``pool``'s database."""

    def test_session():
        yield from open_session(pool)

    return api.session(overrides={session: test_session}, **options)


@pytest.fixture
def client(pool):
    return client_on(pool)


@pytest.fixture
def author(client):
    return client.post("/api/authors", json={"name": "Ursula K. Le Guin"}).json()


def add_books(client, author_id, titles):
    for title in titles:
        r = client.post("/api/books", json={"title": title, "author_id": author_id})
        assert r.status_code == 201, r.text


def count_rows(pool, table):
    with sqlite3.connect(pool.path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_created_book_is_found_at_its_location_listed_and_deleted(client, author):
    r = client.post("/api/books", json=BOOK)
    assert r.status_code == 201
    created = r.json()
    assert created == {**BOOK, "id": 1}
    assert r.headers["location"] == api.url_for("books:detail", book_id=1) == "/api/books/1"
    assert client.get(r.headers["location"]).json() == created
    assert client.get("/api/books").json() == {
        "items": [created],
        "total": 1,
        "limit": 20,
        "offset": 0,
    }
    gone = client.delete("/api/books/1")
    assert (gone.status_code, gone.content) == (204, b"")
    assert client.get("/api/books/1").status_code == 404
    assert client.delete("/api/books/1").status_code == 404


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (yaml.safe_dump(BOOK), "application/x-yaml"),
        (msgpack.packb(BOOK), "application/x-msgpack"),
        ("title=A+Wizard+of+Earthsea&author_id=1&year=1968", "application/x-www-form-urlencoded"),
    ],
)
def test_the_same_book_body_in_any_format_the_api_reads(client, author, body, content_type):
    r = client.post("/api/books", content=body, headers={"Content-Type": content_type})
    assert (r.status_code, r.json()) == (201, {**BOOK, "id": 1})


def test_answers_come_in_the_format_the_client_accepts(client, author):
    client.post("/api/books", json=BOOK)
    r = client.get("/api/books/1", headers={"Accept": "application/x-msgpack"})
    assert msgpack.unpackb(r.content) == {**BOOK, "id": 1}
    r = client.get("/api/books/9", headers={"Accept": "application/x-yaml"})
    assert r.status_code == 404
    assert yaml.safe_load(r.text)["detail"] == "There is no book with id 9."


def test_a_yaml_body_is_validated_strictly(client, author):
    r = client.post(
        "/api/books",
        content="title: Tehanu\nauthor_id: '1'\n",
        headers={"Content-Type": "application/x-yaml"},
    )
    assert r.status_code == 422
    assert [e["name"] for e in r.json()["errors"]] == ["author_id"]


def test_a_bad_body_gets_one_422_listing_every_error(client, author):
    r = client.post("/api/books", json={"title": "", "author_id": "x", "year": 3000})
    assert r.status_code == 422
    assert [(e["location"], e["name"]) for e in r.json()["errors"]] == [
        ("body", "title"),
        ("body", "author_id"),
        ("body", "year"),
    ]
    assert client.get("/api/books").json()["total"] == 0


def test_bad_query_values_get_one_422_listing_every_error(client):
    r = client.get("/api/books?limit=0&offset=-1&author_id=x&q=")
    assert r.status_code == 422
    assert [(e["location"], e["name"]) for e in r.json()["errors"]] == [
        ("query", "limit"),
        ("query", "offset"),
        ("query", "q"),
        ("query", "author_id"),
    ]


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1, 200), (100, 200), (101, 422)])
def test_the_page_size_is_between_1_and_100(client, limit, status):
    r = client.get(f"/api/books?limit={limit}")
    assert r.status_code == status
    if status == 422:
        assert [e["name"] for e in r.json()["errors"]] == ["limit"]


def test_pages_walk_the_books_in_order(client, author):
    add_books(client, 1, ["one", "two", "three", "four", "five"])

    def page(query):
        answer = client.get(f"/api/books?{query}").json()
        return [b["title"] for b in answer["items"]], answer["total"]

    assert page("limit=2") == (["one", "two"], 5)
    assert page("limit=2&offset=2") == (["three", "four"], 5)
    assert page("limit=2&offset=4") == (["five"], 5)
    assert page("offset=10") == ([], 5)


def test_books_are_filtered_by_title_and_author(client, author):
    other = client.post("/api/authors", json={"name": "Italo Calvino"}).json()
    add_books(client, author["id"], ["The Tombs of Atuan", "100% Earthsea"])
    add_books(client, other["id"], ["Invisible Cities", "The Baron in the Trees"])

    def titles(query):
        return [b["title"] for b in client.get(f"/api/books?{query}").json()["items"]]

    assert titles("q=the") == ["The Tombs of Atuan", "The Baron in the Trees"]
    assert titles(f"q=the&author_id={other['id']}") == ["The Baron in the Trees"]
    assert titles("q=%25") == ["100% Earthsea"]  # a LIKE wildcard is matched as itself
    assert titles("q=_") == []


def test_put_replaces_a_book_and_patch_changes_only_what_is_sent(client, author):
    client.post("/api/books", json=BOOK)
    r = client.put("/api/books/1", json={"title": "Tehanu", "author_id": 1})
    assert r.json() == {"id": 1, "title": "Tehanu", "author_id": 1, "year": None}
    r = client.patch("/api/books/1", json={"year": 1990})
    assert r.json() == {"id": 1, "title": "Tehanu", "author_id": 1, "year": 1990}
    assert client.get("/api/books/1").json()["year"] == 1990
    refused = client.patch("/api/books/1", json={"title": None})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["name"] == "title"
    assert client.put("/api/books/7", json=BOOK).status_code == 404
    assert client.patch("/api/books/7", json={"year": 1}).status_code == 404


def test_authors_with_their_books_nested(client, author):
    assert client.get("/api/authors").json()["items"] == [author]
    add_books(client, author["id"], ["Tehanu", "The Other Wind", "Tales from Earthsea"])
    r = client.get(f"/api/authors/{author['id']}/books?limit=2&offset=1")
    assert [b["title"] for b in r.json()["items"]] == ["The Other Wind", "Tales from Earthsea"]
    assert r.json()["total"] == 3
    missing = client.get("/api/authors/99/books")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "There is no author with id 99."
    assert client.get("/api/authors/1/books?limit=101").status_code == 422


def test_the_database_refuses_an_unknown_author_and_an_author_with_books(client, pool, author):
    r = client.post("/api/books", json={**BOOK, "author_id": 42})
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert count_rows(pool, "books") == 0
    add_books(client, author["id"], ["Tehanu"])
    assert client.delete(f"/api/authors/{author['id']}").status_code == 409
    assert client.delete("/api/books/1").status_code == 204
    assert client.delete(f"/api/authors/{author['id']}").status_code == 204
    assert client.get(f"/api/authors/{author['id']}").status_code == 404


def test_a_new_author_is_found_at_its_location(client):
    r = client.post("/api/authors", json={"name": "Octavia Butler"})
    assert (r.status_code, r.headers["location"]) == (201, "/api/authors/1")
    assert client.get(r.headers["location"]).json() == {"id": 1, "name": "Octavia Butler"}
    assert client.post("/api/authors", json={"name": ""}).status_code == 422


def test_an_error_after_the_insert_leaves_no_row(pool):
    def broken_url_for():
        def url_for(*args, **params):
            raise RuntimeError("the Location cannot be built")

        return url_for

    client = client_on(pool, raise_server_exceptions=False)
    client.post("/api/authors", json={"name": "Ursula K. Le Guin"})
    with api.dependency_overrides({"url_for": broken_url_for}):
        assert client.post("/api/books", json=BOOK).status_code == 500
    assert count_rows(pool, "books") == 0  # inserted, never committed: rolled back
    assert client.post("/api/books", json=BOOK).status_code == 201
    assert count_rows(pool, "books") == 1


def test_the_session_rolls_back_what_was_not_committed(pool):
    for commit, rows in [(False, 0), (True, 1)]:
        provider = open_session(pool)
        db = next(provider)
        db.insert("INSERT INTO authors (name) VALUES (?)", ["Ann"])
        if commit:
            db.commit()
        next(provider, None)  # the teardown
        assert count_rows(pool, "authors") == rows


def test_two_clients_with_two_databases_never_see_each_others_rows(tmp_path):
    first, second = Pool(tmp_path / "a.db"), Pool(tmp_path / "b.db")
    try:
        one, two = client_on(first), client_on(second)
        one.post("/api/authors", json={"name": "Ann"})
        two.post("/api/authors", json={"name": "Bea"})
        assert [a["name"] for a in one.get("/api/authors").json()["items"]] == ["Ann"]
        assert [a["name"] for a in two.get("/api/authors").json()["items"]] == ["Bea"]
    finally:
        first.close()
        second.close()


def test_teardowns_run_in_reverse_order_and_the_pool_closes_at_shutdown(tmp_path):
    events = []
    bookstore = create_api(str(tmp_path / "unused.db"))

    def logged_pool():
        opened = Pool(tmp_path / "books.db")
        events.append("pool opened")
        yield opened
        opened.close()
        events.append("pool closed")

    def logged_session(pool):
        events.append("session opened")
        yield from open_session(pool)
        events.append("session closed")

    overrides = {"pool": logged_pool, session: logged_session}
    with bookstore.session(overrides=overrides) as client:
        assert client.post("/api/authors", json={"name": "Ann"}).status_code == 201
        assert client.get("/api/authors").json()["total"] == 1
        assert events[-1] == "session closed"
    assert events == [
        "pool opened",
        "session opened",
        "session closed",
        "session opened",
        "session closed",
        "pool closed",
    ]
    assert not (tmp_path / "unused.db").exists()


def test_the_app_pool_stores_in_its_file_and_is_closed_at_shutdown(tmp_path):
    path = tmp_path / "books.db"
    bookstore = create_api(str(path))
    with bookstore.requests as client:
        assert client.post("/api/authors", json={"name": "Ann"}).status_code == 201
        assert path.with_name("books.db-wal").exists()  # connections are open
    # The last connection closed checkpoints the log and removes it.
    assert not path.with_name("books.db-wal").exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM authors").fetchall() == [("Ann",)]


def test_a_trailing_slash_is_redirected_to_the_listing(client):
    r = client.get("/api/books/?limit=5", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/api/books?limit=5")


def test_the_openapi_document_is_valid_and_tagged_by_router():
    doc = yaml.safe_load(api.requests.get("/schema.yml").text)
    validate(doc)
    assert doc["paths"]["/api/books"]["get"]["tags"] == ["books"]
    assert doc["paths"]["/api/authors/{author_id}/books"]["get"]["tags"] == ["authors"]
    assert "201" in doc["paths"]["/api/books"]["post"]["responses"]
    assert "204" in doc["paths"]["/api/books/{book_id}"]["delete"]["responses"]
