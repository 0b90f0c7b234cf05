"""The body from the signature: models, dataclasses, TypedDicts and lists, in every format."""

from __future__ import annotations

import dataclasses

import msgpack
import pytest
import yaml
from pydantic import BaseModel
from typing_extensions import TypedDict

import responder
from responder import Body, File, Form, UploadFile


class Book(BaseModel):
    title: str
    price: float
    copies: int = 1
    tags: list[str] = []


def _books_api(kind: str) -> responder.API:
    api = responder.API()
    if kind == "function":

        @api.route("/books", methods=["POST"])
        def create(req, resp, *, book: Book):
            resp.media = {"kind": type(book).__name__, **book.model_dump()}
            resp.status_code = 201

    else:

        class Books:
            async def on_post(self, req, resp, *, book: Book):
                resp.media = {"kind": type(book).__name__, **book.model_dump()}
                resp.status_code = 201

        api.add_route("/books", Books)
    return api


BOOK = {"title": "Dune", "price": 9.5, "copies": 2, "tags": ["sf"]}
EXPECTED = {"kind": "Book", **BOOK}


@pytest.mark.parametrize("kind", ["function", "class"])
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"title": "Dune", "price": 9.5, "copies": 2, "tags": ["sf"]}'),
        ("application/x-yaml", yaml.safe_dump(BOOK).encode()),
        ("application/x-msgpack", msgpack.packb(BOOK)),
        ("application/x-www-form-urlencoded", b"title=Dune&price=9.5&copies=2&tags=sf"),
    ],
)
def test_every_format_feeds_the_same_typed_body(kind, content_type, body):
    r = _books_api(kind).requests.post(
        "/books", content=body, headers={"Content-Type": content_type}
    )
    assert r.status_code == 201, r.text
    assert r.json() == EXPECTED


def test_a_multipart_form_feeds_it_too():
    r = _books_api("function").requests.post(
        "/books", data={"title": "Dune", "price": "9.5", "copies": "2", "tags": "sf"}, files={}
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"title": "Dune", "price": "9.5"}'),
        ("application/x-yaml", b"{title: Dune, price: '9.5'}"),
        ("application/x-msgpack", msgpack.packb({"title": "Dune", "price": "9.5"})),
    ],
)
def test_typed_formats_are_validated_strictly(content_type, body):
    r = _books_api("function").requests.post(
        "/books", content=body, headers={"Content-Type": content_type}
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "location": "body",
            "name": "price",
            "message": "Input should be a valid number",
            "type": "float_type",
        }
    ]


def test_body_errors_in_yaml_when_asked():
    r = _books_api("class").requests.post(
        "/books", json={"price": True}, headers={"Accept": "application/x-yaml"}
    )
    assert r.status_code == 422
    errors = yaml.safe_load(r.text)["errors"]
    assert [(e["location"], e["name"]) for e in errors] == [("body", "title"), ("body", "price")]


def test_a_missing_body_is_a_422_and_a_malformed_one_a_400():
    api = _books_api("function")
    r = api.requests.post("/books")
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"] == "A request body is required."
    r = api.requests.post("/books", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = api.requests.post("/books", content=b"x", headers={"Content-Type": "text/csv"})
    assert r.status_code == 415


def test_query_and_body_errors_are_listed_together():
    api = responder.API()

    @api.route("/books", methods=["POST"])
    async def create(req, resp, *, book: Book, dry_run: bool = responder.Query(...)):
        resp.media = {}

    r = api.requests.post("/books", json={"title": "x"})
    assert [(e["location"], e["name"]) for e in r.json()["errors"]] == [
        ("query", "dry_run"),
        ("body", "price"),
    ]


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Named(TypedDict):
    name: str


def test_dataclass_typeddict_and_list_bodies():
    api = responder.API()

    @api.route("/point", methods=["PUT"])
    async def point(req, resp, *, p: Point):
        resp.media = {"sum": p.x + p.y, "kind": type(p).__name__}

    @api.route("/named", methods=["PATCH"])
    async def named(req, resp, *, n: Named):
        resp.media = {"hello": n["name"]}

    @api.route("/many", methods=["POST"])
    async def many(req, resp, *, books: list[Book]):
        resp.media = {"titles": [b.title for b in books]}

    assert api.requests.put("/point", json={"x": 1, "y": 2}).json() == {"sum": 3, "kind": "Point"}
    assert api.requests.patch("/named", json={"name": "a"}).json() == {"hello": "a"}
    r = api.requests.post("/many", json=[{"title": "a", "price": 1}, {"title": "b", "price": 2}])
    assert r.json() == {"titles": ["a", "b"]}
    r = api.requests.post("/many", json=[{"title": "a", "price": 1}, {"title": "b"}])
    assert r.json()["errors"][0]["name"] == "1.price"


def test_delete_reads_a_body_only_when_one_is_sent():
    api = responder.API()

    @api.route("/things", methods=["DELETE"])
    async def remove(req, resp, *, book: Book | None = None):
        resp.media = {"title": book.title if book else None}

    assert api.requests.delete("/things").json() == {"title": None}
    r = api.requests.request("DELETE", "/things", json={"title": "x", "price": 1})
    assert r.json() == {"title": "x"}


def test_body_marker_takes_any_type():
    api = responder.API()

    @api.route("/sum", methods=["POST"])
    async def total(req, resp, *, numbers: list[int] = Body(...)):
        resp.media = {"sum": sum(numbers)}

    assert api.requests.post("/sum", json=[1, 2, 3]).json() == {"sum": 6}
    assert api.requests.post("/sum", json=[1, "2"]).status_code == 422


def test_form_fields_and_files():
    api = responder.API()

    @api.route("/upload", methods=["POST"])
    async def upload(
        req, resp, *, title: str = Form(...), n: int = Form(1), doc: UploadFile = File(...)
    ):
        data = await doc.read()
        resp.media = {
            "title": title,
            "n": n,
            "name": doc.filename,
            "size": doc.size,
            "d": data.decode(),
        }

    files = {"doc": ("a.txt", b"hello", "text/plain")}
    r = api.requests.post("/upload", data={"title": "t", "n": "3"}, files=files)
    assert r.json() == {"title": "t", "n": 3, "name": "a.txt", "size": 5, "d": "hello"}
    r = api.requests.post(
        "/upload", data={"title": "t", "doc": "not a file"}, files={"x": ("x", b"")}
    )
    assert r.status_code == 422
    assert [(e["location"], e["name"]) for e in r.json()["errors"]] == [("file", "doc")]
    r = api.requests.post("/upload", json={"title": "t"})
    assert r.status_code == 415


def test_file_as_bytes_and_many_files():
    api = responder.API()

    @api.route("/files", methods=["POST"])
    async def files(req, resp, *, raw: bytes = File(...), docs: list[UploadFile] = File([])):
        resp.media = {"raw": raw.decode(), "names": [d.filename for d in docs]}

    r = api.requests.post(
        "/files",
        files=[("raw", ("r", b"abc")), ("docs", ("1.txt", b"1")), ("docs", ("2.txt", b"2"))],
    )
    assert r.json() == {"raw": "abc", "names": ["1.txt", "2.txt"]}
