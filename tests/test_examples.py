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
