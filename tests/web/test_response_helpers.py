"""cache_control, vary, created, no_content, problem, delete_cookie, download and root=."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml

import responder


def answer(api, body, method="get", path="/", **request):
    api.add_route("/", body)
    return getattr(api.requests, method)(path, **request)


def bare(api):
    return responder.Response(None, api.media)  # type: ignore[arg-type]


# -- cache_control ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directives", "header"),
    [
        ({"public": True, "max_age": 3600}, "public, max-age=3600"),
        ({"max_age": dt.timedelta(hours=1), "immutable": True}, "immutable, max-age=3600"),
        ({"no_store": True}, "no-store"),
        ({"no_cache": True, "must_revalidate": True}, "must-revalidate, no-cache"),
        ({"private": "Set-Cookie"}, 'private="Set-Cookie"'),
        ({"no_cache": ["Set-Cookie", "X-Token"]}, 'no-cache="Set-Cookie, X-Token"'),
        (
            {"s_maxage": 60, "stale_while_revalidate": 30, "stale_if_error": 0},
            "s-maxage=60, stale-while-revalidate=30, stale-if-error=0",
        ),
        ({"no_transform": True, "proxy_revalidate": True}, "no-transform, proxy-revalidate"),
    ],
)
def test_cache_control_writes_checked_directives(api, directives, header):
    def view(req, resp):
        resp.headers["Cache-Control"] = "no-store"  # replaced
        resp.cache_control(**directives)
        resp.text = "x"

    assert answer(api, view).headers["cache-control"] == header


@pytest.mark.parametrize(
    ("directives", "error"),
    [
        ({}, ValueError),
        ({"max_age": -1}, ValueError),
        ({"max_age": dt.timedelta(seconds=1.5)}, ValueError),
        ({"max_age": 1.5}, TypeError),
        ({"max_age": True}, TypeError),
        ({"max_age": "60"}, TypeError),
        ({"public": True, "private": True}, ValueError),
        ({"private": "Set Cookie"}, ValueError),
        ({"no_cache": ["ok", "bad\r\nx"]}, ValueError),
    ],
)
def test_cache_control_refuses_what_a_cache_would_misread(api, directives, error):
    with pytest.raises(error):
        bare(api).cache_control(**directives)


def test_cache_control_no_transform_keeps_gzip_off(api):
    def view(req, resp):
        resp.cache_control(no_transform=True)
        resp.text = "x" * 2000

    r = answer(api, view, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in r.headers


# -- vary ---------------------------------------------------------------------------------


def test_vary_merges_with_what_negotiation_adds(api):
    def view(req, resp):
        resp.vary("Accept-Language", "accept", "ACCEPT-language")
        resp.vary("Cookie")
        resp.media = {"x": "y" * 1000}

    r = answer(api, view, headers={"Accept-Encoding": "gzip"})
    assert r.headers.get_list("vary") == ["Accept, Accept-Language, Cookie, Accept-Encoding"]


def test_vary_on_a_body_without_negotiation(api):
    def view(req, resp):
        resp.headers["Vary"] = "Origin"
        resp.vary("origin", "Accept-Language")
        resp.text = "x"

    assert answer(api, view).headers["vary"] == "Origin, Accept-Language"


def test_vary_star_stands_alone(api):
    def view(req, resp):
        resp.vary("Cookie", "*", "Origin")
        resp.media = {}

    assert answer(api, view).headers["vary"] == "*"


@pytest.mark.parametrize("bad", ["Accept Language", "", "a,b", "x\r\ny"])
def test_vary_refuses_what_is_no_header_name(api, bad):
    with pytest.raises(ValueError, match="Vary"):
        bare(api).vary(bad)


# -- created, no_content, problem -------------------------------------------------------


def test_created_sets_201_location_and_body(api):
    def view(req, resp):
        resp.created({"id": 7}, location="/items/7 café")

    r = answer(api, view, method="post")
    assert r.status_code == 201
    assert r.headers["location"] == "/items/7%20caf%C3%A9"
    assert r.json() == {"id": 7}


def test_created_without_a_body(api):
    def view(req, resp):
        resp.created(location="/items/7")

    r = answer(api, view, method="post")
    assert (r.status_code, r.headers["location"], r.content) == (201, "/items/7", b"")


def test_no_content_drops_any_body(api):
    def view(req, resp):
        resp.media = {"gone": True}
        resp.no_content()

    r = answer(api, view, method="delete")
    assert (r.status_code, r.content) == (204, b"")
    assert "content-type" not in r.headers and "content-length" not in r.headers


def test_problem_answers_with_problem_details(api):
    def view(req, resp):
        resp.set_cookie("kept", "1")
        resp.headers["Content-Type"] = "text/html"  # describes no body now
        resp.problem(
            403,
            "Out of credit",
            type="https://example.com/probs/out-of-credit",
            detail="Your balance is 30, but that costs 50.",
            instance="/account/12345/msgs/abc",
            balance=30,
        )

    r = answer(api, view)
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert "kept=1" in r.headers["set-cookie"]
    assert r.json() == {
        "type": "https://example.com/probs/out-of-credit",
        "title": "Out of credit",
        "status": 403,
        "detail": "Your balance is 30, but that costs 50.",
        "instance": "/account/12345/msgs/abc",
        "balance": 30,
    }


def test_problem_defaults_and_negotiated_format(api):
    def view(req, resp):
        resp.problem(409)

    r = answer(api, view, headers={"Accept": "application/x-yaml"})
    assert r.headers["content-type"] == "application/problem+yaml"
    assert yaml.safe_load(r.text) == {"type": "about:blank", "title": "Conflict", "status": 409}


@pytest.mark.parametrize("status", [200, 302, 399, 600])
def test_problem_needs_an_error_status(api, status):
    with pytest.raises(ValueError, match="400-599"):
        bare(api).problem(status)


# -- delete_cookie ----------------------------------------------------------------------


def test_delete_cookie_expires_it_where_it_was_set(api):
    def view(req, resp):
        resp.delete_cookie("theme", path="/app", domain="example.com")
        resp.delete_cookie("__Host-id")

    cookies = answer(api, view).headers.get_list("set-cookie")
    theme = next(c for c in cookies if c.startswith("theme="))
    assert theme.startswith('theme=""')
    assert "Max-Age=0" in theme and "expires=Thu, 01 Jan 1970 00:00:00 GMT" in theme
    assert "Path=/app" in theme and "Domain=example.com" in theme
    host = next(c for c in cookies if c.startswith("__Host-id="))
    assert "Secure" in host and "Path=/" in host and "Domain" not in host


def test_a_deleted_cookie_is_gone_from_the_client(api):
    @api.route("/set")
    def set_view(req, resp):
        resp.set_cookie("theme", "dark")

    @api.route("/drop")
    def drop(req, resp):
        resp.delete_cookie("theme")

    client = api.session()
    client.get("/set")
    assert client.cookies.get("theme") == "dark"
    client.get("/drop")
    assert client.cookies.get("theme") is None


# -- download and root= -------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    root = tmp_path / "public"
    root.mkdir()
    (root / "report.txt").write_text("0123456789")
    (root / "sub").mkdir()
    (root / "sub" / "inner.txt").write_text("inner")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "link-out.txt")
    os.symlink(root / "report.txt", root / "link-in.txt")
    return root


@pytest.mark.parametrize(
    ("filename", "disposition"),
    [
        (None, 'attachment; filename="report.txt"'),
        ("r.txt", 'attachment; filename="r.txt"'),
        (
            "my report.txt",
            "attachment; filename=\"my report.txt\"; filename*=UTF-8''my%20report.txt",
        ),
        ("café.txt", "attachment; filename=\"cafe.txt\"; filename*=UTF-8''caf%C3%A9.txt"),
        ("报告.txt", "attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.txt"),
        ('a"b\\c.txt', 'attachment; filename="a\\"b\\\\c.txt"; filename*=UTF-8\'\'a%22b%5Cc.txt'),
        (
            "x.txt\r\nSet-Cookie: a=1",
            'attachment; filename="x.txtSet-Cookie: a=1"; '
            "filename*=UTF-8''x.txtSet-Cookie%3A%20a%3D1",
        ),
        ("\x00\r\n", 'attachment; filename="download"'),
    ],
)
def test_download_names_the_file_safely(api, files, filename, disposition):
    def view(req, resp):
        resp.download(files / "report.txt", filename=filename)

    r = answer(api, view)
    assert r.text == "0123456789"
    assert r.headers["content-disposition"] == disposition
    assert "set-cookie" not in r.headers
    assert r.headers["content-type"].startswith("text/plain")


def test_download_is_resumable_and_revalidates(api, files):
    def view(req, resp):
        resp.download("report.txt", root=files)

    first = answer(api, view)
    part = api.requests.get("/", headers={"Range": "bytes=4-"})
    assert (part.status_code, part.text) == (206, "456789")
    assert part.headers["content-disposition"] == 'attachment; filename="report.txt"'
    resumed = api.requests.get(
        "/", headers={"Range": "bytes=4-", "If-Range": first.headers["etag"]}
    )
    assert resumed.status_code == 206
    current = api.requests.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert current.status_code == 304 and "content-disposition" not in current.headers
    head = api.requests.head("/")
    assert head.headers["content-length"] == "10" and head.content == b""


@pytest.mark.parametrize("helper", ["file", "stream_file", "download"])
@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("report.txt", "0123456789"),
        ("sub/inner.txt", "inner"),
        ("sub/../report.txt", "0123456789"),
        ("link-in.txt", "0123456789"),
        ("../secret.txt", None),
        ("sub/../../secret.txt", None),
        ("link-out.txt", None),
        ("/etc/passwd", None),
        ("missing.txt", None),
        ("sub", None),
        ("..\\secret.txt", None),
        ("report.txt\x00.png", None),
    ],
)
def test_root_keeps_the_path_inside(api, files, helper, name, found):
    api.add_route("/raw", lambda req, resp: getattr(resp, helper)(name, root=files))
    r = api.requests.get("/raw")
    if found is None:
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
    else:
        assert (r.status_code, r.text) == (200, found)


@pytest.mark.parametrize(
    "path",
    ["/files/..%2Fsecret.txt", "/files/%2e%2e/secret.txt", "/files/sub/%2E%2E/%2E%2E/secret.txt"],
)
def test_root_refuses_encoded_dots_from_the_url(api, files, path):
    @api.route("/files/{name:path}")
    def view(req, resp, *, name):
        resp.file(name, root=files)

    assert api.requests.get(path).status_code == 404
    assert api.requests.get("/files/sub/inner.txt").text == "inner"
