import socket

import pytest

import responder
from tests.e2e.server import free_port, serve


@pytest.fixture
def site(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "app.css").write_text("body{}")
    (static / "index.html").write_text("<h1>app</h1>")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extra.txt").write_text("extra")
    (extra / "app.css").write_text("shadowed")
    (tmp_path / "secret.txt").write_text("top secret")
    return tmp_path


def test_static_dir_is_served_under_static_route(site):
    api = responder.API(static_dir=str(site / "static"))
    r = api.requests.get("/static/css/app.css")
    assert (r.status_code, r.text) == (200, "body{}")
    assert r.headers["content-type"].startswith("text/css")
    assert api.requests.get("/static/").text == "<h1>app</h1>"
    assert api.requests.get("/static/nope.css").status_code == 404
    assert api.requests.post("/static/css/app.css").status_code == 405
    etag = r.headers["etag"]
    assert (
        api.requests.get("/static/css/app.css", headers={"If-None-Match": etag}).status_code == 304
    )


def test_static_route_is_configurable_and_prefix_matches_segments(site):
    api = responder.API(static_dir=str(site / "static"), static_route="/assets")
    api.add_route("/assetsmore", lambda req, resp: setattr(resp, "text", "route"))
    assert api.requests.get("/assets/css/app.css").text == "body{}"
    assert api.requests.get("/assetsmore").text == "route"
    assert api.requests.get("/static/css/app.css").status_code == 404


def test_add_directory_serves_more_roots_in_order(site):
    api = responder.API(static_dir=str(site / "static"))
    api.static_app.add_directory(str(site / "extra"))
    assert api.requests.get("/static/extra.txt").text == "extra"
    assert api.requests.get("/static/css/app.css").text == "body{}"


def test_missing_static_dir_is_just_404s(tmp_path):
    api = responder.API(static_dir=str(tmp_path / "none"))
    assert api.requests.get("/static/x.css").status_code == 404


def test_spa_fallback_serves_index_for_pages_only(site):
    api = responder.API(static_dir=str(site / "static"))
    api.add_route("/", static=True)
    api.add_route("/api/items", lambda req, resp: setattr(resp, "media", []))
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    assert api.requests.get("/", headers=html).text == "<h1>app</h1>"
    r = api.requests.get("/some/client/route", headers=html)
    assert (r.status_code, r.text) == (200, "<h1>app</h1>")
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert api.requests.get("/api/items").json() == []
    # An API client asking for JSON still gets an honest 404.
    r = api.requests.get("/api/nope", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert api.requests.post("/some/client/route", headers=html).status_code == 404


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "is_page"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("TEXT/HTML; charset=utf-8", True),
        ("application/json, text/html;q=0.1", True),
        ("*/*", False),  # curl, fetch, most HTTP libraries
        (None, False),  # no Accept at all
        ("text/*", False),
        ("application/json", False),
        ("text/html;q=0, */*", False),
        ("text/htmlx", False),
    ],
)
def test_spa_fallback_answers_only_requests_naming_html(site, accept, is_page):
    api = responder.API(static_dir=str(site / "static"))
    api.add_route("/", static=True)
    headers = {} if accept is None else {"Accept": accept}
    client = api.session()
    if accept is None:
        client.headers.pop("accept", None)
    r = client.get("/app/settings", headers=headers)
    if is_page:
        assert (r.status_code, r.text) == (200, "<h1>app</h1>")
    else:
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+")  # as negotiated


def test_spa_fallback_answers_head_like_get(site):
    api = responder.API(static_dir=str(site / "static"))
    api.add_route("/", static=True)
    r = api.requests.head("/app/settings", headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "is_page"),
    [
        ("/api", False),
        ("/api/", False),
        ("/api/v2/users", False),
        ("/internal/metrics", False),
        ("/apiary", True),  # prefixes match whole segments
        ("/app/api", True),
        ("/", True),
    ],
)
def test_spa_fallback_never_answers_under_spa_exclude(site, path, is_page):
    api = responder.API(static_dir=str(site / "static"), spa_exclude=["/api/", "/internal"])
    api.add_route("/", static=True)
    r = api.requests.get(path, headers={"Accept": BROWSER})
    assert r.status_code == (200 if is_page else 404)


@pytest.mark.parametrize("prefix", ["api", "", 5])
def test_spa_exclude_prefixes_must_be_paths(prefix):
    with pytest.raises(ValueError, match="must start with '/'"):
        responder.API(spa_exclude=[prefix])


def test_spa_without_index_is_404(tmp_path):
    api = responder.API(static_dir=str(tmp_path))
    api.add_route("/", static=True)
    assert api.requests.get("/", headers={"Accept": "text/html"}).status_code == 404


TRAVERSALS = [
    b"/static/../secret.txt",
    b"/static/..%2fsecret.txt",
    b"/static/%2e%2e/secret.txt",
    b"/static/%2e%2e%2fsecret.txt",
    b"/static/css/../../secret.txt",
    b"/static/..\\secret.txt",
    b"/static/..%5csecret.txt",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/static/....//secret.txt",
    b"/static/%00../secret.txt",
    b"/static/css/%2e%2e/%2e%2e/secret.txt",
]


@pytest.fixture(scope="module")
def live_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "static").mkdir()
    (root / "static" / "ok.txt").write_text("fine")
    (root / "secret.txt").write_text("top secret")
    port = free_port()
    code = (
        "import responder, uvicorn;"
        f"api = responder.API(static_dir={str(root / 'static')!r});"
        f"uvicorn.run(api, host='127.0.0.1', port={port}, log_level='warning')"
    )
    with serve(["-c", code], port):
        yield port


def raw_get(port, target):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_live_server_serves_static_files(live_static):
    reply = raw_get(live_static, b"/static/ok.txt")
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"fine")


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_path_escapes_the_static_root_over_a_live_server(live_static, target):
    reply = raw_get(live_static, target)
    status = int(reply.split(b" ", 2)[1])
    assert 400 <= status < 500, reply[:200]
    assert b"top secret" not in reply
    assert b"root:" not in reply
