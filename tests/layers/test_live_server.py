"""The layers behind a real uvicorn server, spoken to over real HTTP on loopback."""

import socket

import httpx2 as httpx
import pytest

from tests.e2e.server import free_port, serve


@pytest.fixture(scope="module")
def url():
    port = free_port()
    args = ["-m", "uvicorn", "tests.layers.hosts_app:api", "--host", "127.0.0.1"]
    with serve([*args, "--port", str(port), "--log-level", "warning"], port) as base:
        yield base


def test_trusted_host_is_served(url):
    with httpx.Client(base_url=url, headers={"Host": "api.example.com:8000"}) as client:
        r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["host"] == "api.example.com:8000"
    assert r.json()["id"] == r.headers["x-request-id"]


def test_bad_host_is_400_problem_details(url):
    with httpx.Client(base_url=url) as client:  # Host: 127.0.0.1:<port>
        r = client.get("/", headers={"X-Request-ID": "live-1"})
        assert r.status_code == 400
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["status"] == 400
        assert r.headers["x-request-id"] == "live-1"
        r = client.get("/", headers={"Host": "example.com.evil.net"})
        assert r.status_code == 400


def test_bad_host_on_a_raw_socket(url):
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: evil.example.org\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b'"status":400' in body


@pytest.fixture(scope="module")
def hsts_url():
    port = free_port()
    args = ["-m", "uvicorn", "tests.layers.hosts_app:hsts_api", "--host", "127.0.0.1"]
    proxy = ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    with serve([*args, *proxy, "--port", str(port), "--log-level", "warning"], port) as base:
        yield base


def test_hsts_redirects_plain_http_to_the_same_host_and_port(hsts_url):
    netloc = hsts_url.removeprefix("http://")
    with httpx.Client(base_url=hsts_url) as client:
        r = client.get("/orders?page=2")
        assert r.status_code == 301
        assert r.headers["location"] == f"https://{netloc}/orders?page=2"
        assert "strict-transport-security" not in r.headers
        r = client.post("/orders", json={})
        assert (r.status_code, r.headers["location"]) == (308, f"https://{netloc}/orders")


def test_hsts_serves_what_the_tls_proxy_forwards(hsts_url):
    with httpx.Client(base_url=hsts_url, headers={"X-Forwarded-Proto": "https"}) as client:
        r = client.get("/orders")
    assert (r.status_code, r.json()) == (200, {"page": "orders", "secure": True})
    assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_hsts_foreign_host_is_refused_before_any_redirect(hsts_url):
    with httpx.Client(base_url=hsts_url, headers={"Host": "evil.example"}) as client:
        r = client.get("/orders")
    assert r.status_code == 400
    assert "location" not in r.headers
