import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hello():
    return load("helloworld").api


def test_helloworld_routes(hello):
    client = hello.requests
    assert client.get("/").text == "hello, world!"
    assert client.get("/hello/world").json() == {"hello": "world"}
    assert client.get("/add/3/4").json() == {"result": 7}
    assert client.get("/add/3/four").status_code == 404
    assert client.post("/echo", json={"k": 1}).json() == {"received": {"k": 1}}
    assert client.get("/echo").status_code == 405


def test_helloworld_book_resource(hello):
    client = hello.requests
    assert client.get("/books/1").json() == {"id": 1, "title": "Dune"}
    assert client.get("/books/2").status_code == 404
    assert client.put("/books/2", json={"title": "Emma"}).status_code == 204
    assert client.get("/books/2").json() == {"id": 2, "title": "Emma"}


def test_typed_app_reads_every_marker():
    client = load("typed_app").make_api().requests
    assert client.get("/books?q=du&shelf=fiction&limit=5").json() == [{"id": 1, "title": "Dune"}]
    added = client.post(
        "/books", json={"title": "Emma", "pages": 300}, headers={"X-Caller": "ann"}
    )
    assert added.status_code == 201 and added.json()["added_by"] == "ann"
    r = client.get("/books/1?fields=title", headers={"X-Request-Tag": "t1"})
    assert r.json() == {"title": "Dune"} and r.headers["X-Request-Tag"] == "t1"
    assert (
        client.put("/books/1", json={"title": "Dune", "pages": 1}).status_code == 422
    )  # no token
    r = client.post("/covers", data={"title": "Dune"}, files={"cover": ("c.png", b"png")})
    assert r.json() == {"title": "Dune", "size": 3, "extras": 0}
    assert client.get("/pages?size=51").status_code == 422
