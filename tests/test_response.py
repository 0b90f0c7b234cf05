import dataclasses
import datetime
import uuid

import pytest


def view_with(api, func):
    api.add_route("/", func)
    return api.requests.get("/")


@pytest.mark.parametrize(
    ("attribute", "value", "content_type", "body"),
    [
        ("text", "héllo", "text/plain; charset=utf-8", "héllo".encode()),
        ("html", "<b>hi</b>", "text/html; charset=utf-8", b"<b>hi</b>"),
        ("content", b"\x00\x01", "application/octet-stream", b"\x00\x01"),
        ("media", {"a": [1, None]}, "application/json", b'{"a":[1,null]}'),
    ],
)
def test_body_kinds_set_body_and_content_type(api, attribute, value, content_type, body):
    r = view_with(api, lambda req, resp: setattr(resp, attribute, value))
    assert r.status_code == 200
    assert r.headers["content-type"] == content_type
    assert r.content == body
    assert r.headers["content-length"] == str(len(body))


def test_last_body_set_wins_and_getters_reflect_it(api):
    def view(req, resp):
        resp.text = "first"
        assert resp.text == "first" and resp.media is None
        resp.media = {"second": True}
        assert resp.text is None and resp.media == {"second": True}

    assert view_with(api, view).json() == {"second": True}


def test_explicit_content_type_header_wins(api):
    def view(req, resp):
        resp.content = b"a,b"
        resp.headers["Content-Type"] = "text/csv"

    assert view_with(api, view).headers["content-type"] == "text/csv"


def test_media_understands_common_python_types(api):
    @dataclasses.dataclass
    class Point:
        x: int

    key = uuid.UUID(int=1)
    value = {
        "when": datetime.date(2026, 1, 2),
        "key": key,
        "point": Point(3),
        "big": 2**70,
        1: "int key",
    }
    r = view_with(api, lambda req, resp: setattr(resp, "media", value))
    assert r.json() == {
        "when": "2026-01-02",
        "key": str(key),
        "point": {"x": 3},
        "big": 2**70,
        "1": "int key",
    }


def test_unserializable_media_is_a_500(api):
    client = api.session(raise_server_exceptions=False)
    api.add_route("/", lambda req, resp: setattr(resp, "media", object()))
    r = client.get("/")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"


def test_status_code_headers_and_ok(api):
    def view(req, resp):
        assert resp.ok and resp.status_code is None
        resp.status_code = 201
        resp.headers["X-Custom"] = "value"
        assert resp.headers["x-custom"] == "value" and "X-CUSTOM" in resp.headers
        resp.text = "created"
        assert resp.ok
        resp.status_code = 404
        assert not resp.ok
        resp.status_code = 201

    r = view_with(api, view)
    assert r.status_code == 201
    assert r.headers["X-Custom"] == "value"


def test_headers_can_be_replaced_and_deleted(api):
    def view(req, resp):
        resp.headers = {"X-A": "1", "X-B": "2"}
        del resp.headers["x-b"]
        assert resp.headers.pop("X-NONE", None) is None
        resp.headers.update({"X-C": "3"})

    r = view_with(api, view)
    assert r.headers["x-a"] == "1" and r.headers["x-c"] == "3" and "x-b" not in r.headers


def test_header_with_line_break_is_refused_not_sent(api):
    client = api.session(raise_server_exceptions=False)
    api.add_route("/", lambda req, resp: resp.headers.update({"X-Bad": "a\r\nSet-Cookie: x=1"}))
    r = client.get("/")
    assert r.status_code == 500
    assert "set-cookie" not in r.headers


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses_send_no_body(api, status):
    def view(req, resp):
        resp.status_code = status
        resp.text = "ignored"

    r = view_with(api, view)
    assert r.status_code == status
    assert r.content == b""
    assert "content-length" not in r.headers


def test_cookies_simple_and_with_attributes(api):
    def view(req, resp):
        resp.cookies["hello"] = "world"
        resp.set_cookie(
            "token",
            value="abc",
            max_age=60,
            expires=datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
            domain="example.com",
            secure=True,
        )

    r = view_with(api, view)
    cookies = r.headers.get_list("set-cookie")
    assert "hello=world" in cookies
    token = next(c for c in cookies if c.startswith("token="))
    for part in (
        "token=abc",
        "Max-Age=60",
        "expires=Tue, 01 Jan 2030 00:00:00 GMT",
        "Domain=example.com",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=lax",
    ):
        assert part in token


def test_set_cookie_defaults_are_httponly_lax_root_path(api):
    r = view_with(api, lambda req, resp: resp.set_cookie("k", "v"))
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_redirect_via_api_and_response(api):
    @api.route("/old")
    def old(req, resp):
        api.redirect(resp, location="/new")

    @api.route("/temp")
    def temp(req, resp):
        resp.redirect("/new", status_code=307)

    r = api.requests.get("/old", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (301, "/new")
    r = api.requests.get("/temp", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/new")


def test_str_content_is_sent_as_utf8_by_default(api, make_view):
    api.add_route("/", make_view(lambda req, resp: setattr(resp, "content", "héllo ✓")))
    r = api.requests.get("/")
    assert r.status_code == 200
    assert r.content == "héllo ✓".encode()
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-length"] == str(len("héllo ✓".encode()))


def test_str_content_is_encoded_with_resp_encoding_set_before_or_after(api):
    @api.route("/before")
    def before(req, resp):
        resp.encoding = "latin-1"
        resp.content = "héllo"

    @api.route("/after")
    def after(req, resp):
        resp.content = "héllo"
        resp.encoding = "utf-16-le"
        assert resp.content == "héllo"  # read back as set

    assert api.requests.get("/before").content == b"h\xe9llo"
    assert api.requests.get("/after").content == "héllo".encode("utf-16-le")


@pytest.mark.parametrize(
    ("attribute", "media_type"), [("text", "text/plain"), ("html", "text/html")]
)
def test_text_and_html_are_encoded_and_labelled_with_resp_encoding(api, attribute, media_type):
    def view(req, resp):
        resp.encoding = "Latin-1"
        setattr(resp, attribute, "café")
        resp.headers["X-Encoding"] = resp.encoding

    r = view_with(api, view)
    assert r.content == b"caf\xe9"
    assert r.headers["content-type"] == f"{media_type}; charset=iso8859-1"
    assert r.headers["x-encoding"] == "iso8859-1"
    assert r.text == "café"


def test_resp_encoding_defaults_to_utf8(api):
    api.add_route("/", lambda req, resp: setattr(resp, "text", resp.encoding))
    assert api.requests.get("/").text == "utf-8"


@pytest.mark.parametrize("name", ["zlib", "rot13", "hex", "nonsense"])
def test_resp_encoding_refuses_what_is_not_a_text_encoding(api, name):
    api.add_route("/", lambda req, resp: setattr(resp, "encoding", name))
    with pytest.raises(ValueError, match=f"^resp.encoding: .*'{name}'"):
        api.requests.get("/")
