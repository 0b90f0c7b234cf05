"""Mounted apps behind a real uvicorn server: they route on the rest of the path, and the
URLs they build keep the prefix (ASGI ``root_path``, as Starlette's ``Mount`` sets it)."""

import httpx2 as httpx
import pytest

from tests.e2e.server import live_uvicorn


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.web.mount_app:api") as live:
        yield live


def get(url: str, path: str) -> httpx.Response:
    return httpx.get(url + path, timeout=10, follow_redirects=False)


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/star/x", 200, "starlette x"),
        ("/flask/x", 200, "flask x"),
        ("/x", 200, "responder x"),
        # The prefix is taken once: the inner apps never see /x here.
        ("/star/star/x", 404, None),
        ("/flask/flask/x", 404, None),
        ("/inner/inner/hello", 404, None),
        ("/starx", 404, None),
    ],
)
def test_mounted_apps_route_on_the_rest_of_the_path(server, path, status, text):
    r = get(server.url, path)
    assert r.status_code == status
    if text is not None:
        assert r.text == text


def test_starlette_url_for_keeps_the_prefix(server):
    body = get(server.url, "/star/items/3").json()
    assert body == {
        "url_for": f"{server.url}/star/items/3",
        "url": f"{server.url}/star/items/3",
        "root_path": "/star",
    }


def test_starlette_slash_redirect_keeps_the_prefix(server):
    r = get(server.url, "/star/x/")
    assert r.status_code in (307, 308)
    assert r.headers["location"] == f"{server.url}/star/x"


def test_flask_url_for_and_redirects_keep_the_prefix(server):
    body = get(server.url, "/flask/items/7").json()
    assert body == {
        "url_for": "/flask/items/7",
        "external": f"{server.url}/flask/items/7",
        "script_root": "/flask",
        "path": "/items/7",
    }
    r = get(server.url, "/flask/go")
    assert r.status_code == 302
    assert r.headers["location"] == "/flask/x"


def test_mounted_responder_api_routes_on_the_rest_and_sees_the_whole_url(server):
    assert get(server.url, "/inner/hello").json() == {
        "url": f"{server.url}/inner/hello",
        "path": "/inner/hello",
    }


def test_api_served_under_a_root_path_routes_on_the_rest():
    # uvicorn --root-path: a proxy strips /api; the app gets the whole path and root_path "/api".
    with live_uvicorn("tests.web.mount_app:api", "--root-path", "/api") as live:
        assert get(live.url, "/hello").json() == {
            "url": f"{live.url}/api/hello",
            "path": "/api/hello",
        }
        assert get(live.url, "/star/items/1").json()["url_for"] == f"{live.url}/api/star/items/1"
        assert get(live.url, "/flask/items/1").json()["url_for"] == "/api/flask/items/1"
