"""``redirect_slashes``: a 307 to the routed form of a path, never anywhere else."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest

import responder
from tests.e2e.server import free_port, serve


def make_api(**options):
    api = responder.API(**options)

    @api.route("/users")
    def users(req, resp):
        resp.media = {"where": "users"}

    @api.route("/teams/")
    def teams(req, resp):
        resp.media = {"where": "teams"}

    @api.route("/users/{id:int}")
    def user(req, resp, *, id):
        resp.media = {"id": id}

    return api


def asgi_get(api, path: str, root_path: str = "") -> tuple[int, dict[str, str]]:
    """GET ``path`` exactly as given (a client would normalize ``//host``); status, headers."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": root_path + path,
        "raw_path": (root_path + path).encode(),
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"host", b"example.org")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(api(scope, receive, send))
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


@pytest.mark.parametrize(
    ("asked", "location"),
    [
        ("/users/", "/users"),
        ("/teams", "/teams/"),
        ("/users/7/", "/users/7"),
        ("/users/?page=2&q=a%20b", "/users?page=2&q=a%20b"),
    ],
)
def test_the_other_slash_form_of_a_routed_path_is_a_307(asked, location):
    api = make_api()
    r = api.requests.get(asked, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, location)


def test_followed_the_redirect_reaches_the_route():
    api = make_api()
    assert api.requests.get("/users/").json() == {"where": "users"}


@pytest.mark.parametrize(
    ("routed", "asked"),
    [
        ("//evil.example", "//evil.example/"),
        ("//evil.example/", "//evil.example"),
        ("/{rest:path}/x", "//evil.example/x/"),
    ],
)
def test_never_an_open_redirect(routed, asked):
    # The other form is routed, yet a Location of "//evil.example..." would send a
    # browser to another host: the answer is the 404.
    api = responder.API()
    api.add_route(routed, lambda req, resp: None)
    status, headers = asgi_get(api, asked)
    assert (status, headers.get("location")) == (404, None)


def test_under_a_root_path_a_double_slash_path_stays_on_the_site():
    api = responder.API()
    api.add_route("//evil.example", lambda req, resp: None)
    status, headers = asgi_get(api, "//evil.example/", root_path="/base")
    assert (status, headers["location"]) == (307, "/base//evil.example")


def test_a_backslash_path_is_redirected_escaped():
    api = responder.API()
    api.add_route("/\\evil.example", lambda req, resp: None)
    status, headers = asgi_get(api, "/\\evil.example/")
    assert (status, headers["location"]) == (307, "/%5Cevil.example")


def test_strict_matching_with_redirect_slashes_false():
    api = responder.API(redirect_slashes=False)
    api.add_route("/users", lambda req, resp: None)
    assert api.requests.get("/users/", follow_redirects=False).status_code == 404


def test_no_redirect_when_neither_form_is_routed():
    api = responder.API()
    api.add_route("/users", lambda req, resp: None)
    assert api.requests.get("/groups/", follow_redirects=False).status_code == 404


def test_mounts_and_static_files_are_not_redirected(tmp_path):
    (tmp_path / "app.js").write_text("js")
    api = responder.API(static_dir=str(tmp_path))

    async def mounted(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    api.mount("/sub", mounted)
    api.add_route("/sub2", lambda req, resp: None)
    client = api.requests
    assert client.get("/sub/", follow_redirects=False).text == "/sub/"
    assert client.get("/sub", follow_redirects=False).text == "/sub"
    assert client.get("/static/app.js", follow_redirects=False).text == "js"
    assert client.get("/static/app.js/", follow_redirects=False).status_code == 404


def test_websocket_paths_are_not_redirected():
    api = responder.API()

    @api.route("/ws", websocket=True)
    async def ws(ws):
        await ws.accept()
        await ws.close()

    assert api.requests.get("/ws/", follow_redirects=False).status_code == 404


def test_the_spa_fallback_still_answers_unknown_pages(tmp_path):
    (tmp_path / "index.html").write_text("<p>spa</p>")
    api = responder.API(static_dir=str(tmp_path))
    api.add_route("/", static=True)
    api.add_route("/api/items", lambda req, resp: None)
    page = {"Accept": "text/html"}
    assert api.requests.get("/some/page", headers=page).text == "<p>spa</p>"
    r = api.requests.get("/api/items/", headers=page, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/api/items")


def test_root_path_is_kept_in_process():
    api = make_api()
    client = api.session(root_path="/prefix")
    r = client.get("/users/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/prefix/users")


@pytest.fixture(scope="module")
def server():
    port = free_port()
    args = ["-m", "uvicorn", "tests.returns.slash_app:api", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--log-level", "warning", "--root-path", "/base"]
    with serve(args, port) as url:
        yield url


def test_over_a_real_server_the_redirect_keeps_query_and_root_path(server):
    r = httpx.get(f"{server}/users/?page=3", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/base/users?page=3")
    assert r.headers["content-length"] == "0"


def test_over_a_real_server_a_post_is_repeated_with_its_body(server):
    # 307 keeps the method and body; uvicorn here has no proxy stripping /base, so the
    # client follows to the path without it, as a proxy in front would forward it.
    r = httpx.post(f"{server}/echo/", json={"a": 1}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/base/echo")
    r = httpx.post(f"{server}/echo", json={"a": 1})
    assert r.json() == {"method": "post", "body": {"a": 1}}


def raw_get(url: str, target: str) -> tuple[int, dict[str, str]]:
    """GET ``target`` exactly as written (no client normalizing it); status and headers."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:])
    return int(head[0].split()[1]), {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize("target", ["//evil.example/tail/", "//evil.example/tail"])
def test_over_a_real_server_no_open_redirect(server, target):
    # "/{rest:path}/tail/" matches "//evil.example/tail/", and its other form is routed
    # too; still no Location a browser would read as another host.
    _, headers = raw_get(server, target)
    assert not headers.get("location", "").startswith("//")


def test_over_a_real_server_a_templated_route_redirects(server):
    status, headers = raw_get(server, "/a/b/tail?x=1")
    assert (status, headers["location"]) == (307, "/base/a/b/tail/?x=1")
