"""End to end: a real uvicorn server on loopback, spoken to over real HTTP."""

import socket

import httpx2 as httpx
import pytest

from .server import free_port, serve


@pytest.fixture(scope="module")
def hello_url():
    port = free_port()
    # The way the README and the docs start an app: api.run(), here on a free port.
    code = (
        f"import runpy; ns = runpy.run_path('examples/helloworld.py'); ns['api'].run(port={port})"
    )
    with serve(["-c", code], port) as url:
        yield url


@pytest.fixture(scope="module")
def limits_url():
    port = free_port()
    args = ["-m", "uvicorn", "tests.e2e.limits_app:api", "--host", "127.0.0.1"]
    with serve([*args, "--port", str(port), "--log-level", "warning"], port) as url:
        yield url


def test_helloworld_over_http(hello_url):
    with httpx.Client(base_url=hello_url) as client:
        r = client.get("/")
        assert (r.status_code, r.text) == (200, "hello, world!")
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert client.get("/hello/http").json() == {"hello": "http"}
        assert client.get("/add/2/40").json() == {"result": 42}
        r = client.post("/echo", json={"over": "http"})
        assert r.json() == {"received": {"over": "http"}}


def test_errors_over_http(hello_url):
    with httpx.Client(base_url=hello_url) as client:
        r = client.get("/add/2/x")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        r = client.delete("/books/1")
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD, PUT, OPTIONS"
        r = client.post("/echo", content=b"{oops", headers={"Content-Type": "application/json"})
        assert r.status_code == 400


def test_head_and_options_over_http(hello_url):
    with httpx.Client(base_url=hello_url) as client:
        r = client.head("/books/1")
        assert r.status_code == 200
        assert int(r.headers["content-length"]) > 0
        assert r.content == b""
        r = client.options("/books/1")
        assert r.headers["allow"] == "GET, HEAD, PUT, OPTIONS"


def test_sync_class_resource_over_http(limits_url):
    with httpx.Client(base_url=limits_url) as client:
        assert client.get("/items/5").json() == {"id": 5, "thread": "sync"}


def test_body_limit_over_http_with_content_length(limits_url):
    with httpx.Client(base_url=limits_url) as client:
        assert client.post("/echo", content=b"x" * 1024).json() == {"size": 1024}
        r = client.post("/echo", content=b"x" * 1025)
        assert r.status_code == 413


def test_body_limit_over_http_when_chunked(limits_url):
    def chunks():
        for _ in range(64):
            yield b"x" * 100

    with httpx.Client(base_url=limits_url) as client:
        r = client.post("/echo", content=chunks())
        assert r.status_code == 413


def test_malformed_http_never_hangs(limits_url):
    port = int(limits_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = sock.recv(1024)
    assert reply.startswith(b"HTTP/1.1 400")
