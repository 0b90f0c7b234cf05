import asyncio

import pytest
import yaml

import responder
from responder.media import MediaRegistry
from responder.request import Request


def echo_route(api, func):
    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await func(req)

    return api


def test_basic_properties(api):
    @api.route("/p/{name}")
    def view(req, resp, *, name):
        resp.media = {
            "method": req.method,
            "path": req.url.path,
            "full_url": req.full_url,
            "q": req.params["q"],
            "all_q": req.params.getlist("q"),
            "missing": req.params.get("nope"),
            "header": req.headers["x-thing"],
            "header_upper": req.headers["X-THING"],
            "path_params": req.path_params,
            "client": list(req.client),
            "secure": req.is_secure,
        }

    r = api.requests.get("/p/zed?q=1&q=2", headers={"X-Thing": "yes"})
    assert r.json() == {
        "method": "get",
        "path": "/p/zed",
        "full_url": "http://;/p/zed?q=1&q=2",
        "q": "2",
        "all_q": ["1", "2"],
        "missing": None,
        "header": "yes",
        "header_upper": "yes",
        "path_params": {"name": "zed"},
        "client": ["testclient", 50000],
        "secure": False,
    }


def test_is_secure_over_https(api):
    api.add_route("/", lambda req, resp: setattr(resp, "media", req.is_secure))
    assert api.session(base_url="https://example.com").get("/").json() is True


@pytest.mark.parametrize(
    ("content_type", "mimetype", "is_json"),
    [
        ("application/json", "application/json", True),
        ("Application/JSON; charset=utf-8", "application/json", True),
        ("application/problem+json", "application/problem+json", True),
        ("text/plain", "text/plain", False),
        (None, "", False),
    ],
)
def test_mimetype_and_is_json(api, content_type, mimetype, is_json):
    api.add_route("/", lambda req, resp: setattr(resp, "media", [req.mimetype, req.is_json]))
    headers = {"Content-Type": content_type} if content_type else {}
    assert api.requests.post("/", headers=headers).json() == [mimetype, is_json]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('a=1; b="quoted \\"x\\""; c', {"a": "1", "b": 'quoted "x"'}),
        ("a=1;;; =2; b=hello world", {"a": "1", "b": "hello world"}),
        ("garbage", {}),
        ("x=1; x=2", {"x": "2"}),
    ],
)
def test_cookies_are_parsed_tolerantly(api, header, expected):
    api.add_route("/", lambda req, resp: setattr(resp, "media", req.cookies))
    assert api.requests.get("/", headers={"Cookie": header}).json() == expected


@pytest.mark.parametrize(
    ("accept", "media_type", "expected"),
    [
        (None, "application/json", True),
        ("application/json", "application/json", True),
        ("text/*", "text/html", True),
        ("*/*;q=0.1", "image/png", True),
        ("application/json", "text/html", False),
        ("text/html;q=0, */*", "text/html", False),
        ("text/*;q=0, text/html", "text/html", True),
    ],
)
def test_accepts(api, accept, media_type, expected):
    api.add_route("/", lambda req, resp: setattr(resp, "media", req.accepts(media_type)))
    headers = {"Accept": accept} if accept else {}
    assert api.requests.get("/", headers=headers).json() is expected


def test_state_is_per_request(api):
    @api.before_request()
    def mark(req, resp):
        req.state.user = req.headers.get("x-user")

    api.add_route("/", lambda req, resp: setattr(resp, "media", req.state.user))
    assert api.requests.get("/", headers={"X-User": "ann"}).json() == "ann"
    assert api.requests.get("/").json() is None


def test_content_text_and_encoding(api):
    @api.route("/body")
    async def body(req, resp):
        resp.media = {
            "content": (await req.content).hex(),
            "text": await req.text,
            "encoding": await req.encoding,
        }

    r = api.requests.post(
        "/body",
        content="héllo".encode("latin-1"),
        headers={"Content-Type": "text/plain; charset=latin-1"},
    )
    assert r.json() == {"content": "68e96c6c6f", "text": "héllo", "encoding": "iso8859-1"}
    r = api.requests.post("/body", content=b"\xff ok")
    assert r.json()["text"] == "\ufffd ok"
    assert r.json()["encoding"] == "utf-8"


def test_media_decodes_json_and_caches_it(api):
    calls = []

    @api.route("/m")
    async def view(req, resp):
        first = await req.media()
        second = await req.media("json")
        calls.append(first is second)
        resp.media = first

    assert api.requests.post("/m", json={"a": [1, 2]}).json() == {"a": [1, 2]}
    assert calls == [True]


def test_media_without_content_type_is_read_as_json(api):
    echo_route(api, lambda req: req.media())
    assert api.requests.post("/echo", content=b'{"x": 1}').json() == {"x": 1}


@pytest.mark.parametrize("body", [b"{", b'{"a": }', b"\xff\xfe", b"[1, 2", b"NaN", b'"\\ud800"x'])
def test_malformed_json_is_400_problem(api, body):
    echo_route(api, lambda req: req.media())
    r = api.requests.post("/echo", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert "JSON" in r.json()["detail"]


def test_empty_json_body_is_400_saying_so(api):
    echo_route(api, lambda req: req.media())
    r = api.requests.post("/echo", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["title"] == "Empty request body"


def test_deeply_nested_json_is_400_not_500(api):
    echo_route(api, lambda req: req.media())
    r = api.requests.post("/echo", content=b"[" * 100_000 + b"]" * 100_000)
    assert r.status_code == 400


def test_unknown_content_type_is_415(api):
    echo_route(api, lambda req: req.media())
    r = api.requests.post("/echo", content=b"a,b", headers={"Content-Type": "text/csv"})
    assert r.status_code == 415
    assert "application/json" in r.json()["accepted"]


def test_unknown_format_name_is_a_programming_error(api):
    echo_route(api, lambda req: req.media("nope"))
    with pytest.raises(LookupError):
        api.requests.post("/echo", json={})


def test_json_in_other_charset_is_decoded(api):
    echo_route(api, lambda req: req.media())
    body = '{"name": "José"}'.encode("utf-16")
    r = api.requests.post(
        "/echo", content=body, headers={"Content-Type": "application/json; charset=utf-16"}
    )
    assert r.json() == {"name": "José"}


def test_body_at_the_limit_passes_and_one_byte_more_is_413():
    api = responder.API(max_request_size=10)
    echo_route(api, lambda req: req.text)
    assert api.requests.post("/echo", content=b"x" * 10).json() == "x" * 10
    r = api.requests.post("/echo", content=b"x" * 11)
    assert r.status_code == 413
    assert "10 bytes" in r.json()["detail"]


def _chunks(*parts: bytes):
    messages = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]

    async def receive():
        return messages.pop(0)

    return receive


def _request(receive, headers=(), limit=10):
    scope = {"type": "http", "method": "POST", "path": "/", "headers": list(headers)}
    return Request(scope, receive, MediaRegistry(), limit)


async def _body(req):
    return await req.content


def test_limit_is_enforced_while_reading_without_content_length():
    req = _request(_chunks(b"12345", b"67890", b"1", b"never read"))
    with pytest.raises(responder.HTTPContentTooLarge):
        asyncio.run(_body(req))


def test_limit_is_enforced_even_when_content_length_lies():
    req = _request(_chunks(b"x" * 20), headers=[(b"content-length", b"5")])
    with pytest.raises(responder.HTTPContentTooLarge):
        asyncio.run(_body(req))


def test_declared_length_over_the_limit_is_refused_before_reading():
    async def receive():
        raise AssertionError("the body must not be read")

    req = _request(receive, headers=[(b"content-length", b"11")])
    with pytest.raises(responder.HTTPContentTooLarge):
        asyncio.run(_body(req))


def test_body_in_chunks_is_joined():
    req = _request(_chunks(b"ab", b"cd", b""))
    assert asyncio.run(_body(req)) == b"abcd"


def test_client_disconnect_while_reading_is_a_400():
    async def receive():
        return {"type": "http.disconnect"}

    req = _request(receive)
    with pytest.raises(responder.HTTPBadRequest):
        asyncio.run(_body(req))


def test_repeated_accept_headers_are_combined_for_negotiation(api):
    api.add_route("/", lambda req, resp: setattr(resp, "media", {"a": 1}))
    r = api.requests.get(
        "/", headers=[("Accept", "application/json;q=0.1"), ("Accept", "application/x-yaml")]
    )
    assert r.headers["content-type"] == "application/x-yaml"


def test_encoding_can_be_set_and_text_decodes_with_it(api):
    @api.route("/body")
    async def body(req, resp):
        before = await req.encoding
        req.encoding = "latin-1"
        resp.media = {"before": before, "after": await req.encoding, "text": await req.text}

    # No charset declared: UTF-8 would turn the é into U+FFFD.
    r = api.requests.post("/body", content="héllo".encode("latin-1"))
    assert r.json() == {"before": "utf-8", "after": "iso8859-1", "text": "héllo"}


def test_set_encoding_overrides_the_declared_charset_and_none_restores_it(api):
    @api.route("/body")
    async def body(req, resp):
        req.encoding = "cp1252"
        overridden = await req.text
        req.encoding = None
        resp.media = {"overridden": overridden, "declared": await req.encoding}

    r = api.requests.post(
        "/body", content=b"\x80", headers={"Content-Type": "text/plain; charset=latin-1"}
    )
    assert r.json() == {"overridden": "€", "declared": "iso8859-1"}


def test_set_encoding_decodes_a_text_format_body(api):
    @api.route("/body")
    async def body(req, resp):
        req.encoding = "latin-1"
        resp.media = await req.media()

    latin1 = '{"name": "héllo"}'.encode("latin-1")
    assert api.requests.post("/body", content=latin1).json() == {"name": "héllo"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("zlib", "'zlib' is not a text encoding"),
        ("rot13", "'rot13' is not a text encoding"),
        ("hex", "'hex' is not a text encoding"),
        ("idna", "'idna' is not a text encoding"),
        ("unicode_escape", "'unicode_escape' is not a text encoding"),
        ("nonsense", "unknown encoding 'nonsense'"),
    ],
)
def test_setting_an_encoding_that_does_not_decode_text_fails_at_once(api, name, message):
    @api.route("/body")
    async def body(req, resp):
        req.encoding = name

    with pytest.raises(ValueError, match=f"^req.encoding: {message}"):
        api.requests.post("/body", content=b"x")


def test_setting_a_non_string_encoding_is_a_type_error(api):
    @api.route("/body")
    async def body(req, resp):
        req.encoding = b"utf-8"

    with pytest.raises(TypeError, match=r"req\.encoding must be a str"):
        api.requests.post("/body", content=b"x")


NOT_CHARSETS = ["undefined", "idna", "hex", "rot13", "zlib", "utf-7", "unicode_escape", "nonsense"]


@pytest.mark.parametrize("charset", NOT_CHARSETS)
@pytest.mark.parametrize("read", ["text", "encoding"])
def test_a_declared_charset_we_cannot_read_is_415_naming_it(api, charset, read):
    @api.route("/body")
    async def body(req, resp):
        resp.media = {"value": await getattr(req, read)}

    headers = {"Content-Type": f"text/plain; charset={charset}", "Accept": "application/x-yaml"}
    r = api.requests.post("/body", content=b"abc", headers=headers)
    assert r.status_code == 415
    assert r.headers["content-type"] == "application/problem+yaml"
    assert f"'{charset}'" in yaml.safe_load(r.text)["detail"]


@pytest.mark.parametrize("charset", NOT_CHARSETS)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{}"),
        ("application/x-yaml", b"a: 1"),
        ("application/x-www-form-urlencoded", b"a=1"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--b--\r\n',
        ),
        ("application/x-msgpack", b"\x80"),
    ],
)
def test_every_format_refuses_a_charset_we_cannot_read_with_415(api, charset, content_type, body):
    @api.route("/body")
    async def view(req, resp):
        resp.media = await req.media()

    headers = {"Content-Type": f"{content_type}; charset={charset}"}
    r = api.requests.post("/body", content=body, headers=headers)
    assert r.status_code == 415
    assert r.json()["title"] == "Unsupported charset"


def test_setting_the_encoding_reads_a_body_whose_declared_charset_is_unknown(api):
    @api.route("/body")
    async def body(req, resp):
        req.encoding = "latin-1"
        resp.media = {"text": await req.text, "form": await req.media("form")}

    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=undefined"}
    r = api.requests.post("/body", content="a=é".encode("latin-1"), headers=headers)
    assert r.json() == {"text": "a=é", "form": {"a": "é"}}


@pytest.mark.parametrize(
    ("charset", "canonical"),
    [
        ("UTF-8", "utf-8"),
        ("latin1", "iso8859-1"),
        ("Shift_JIS", "shift_jis"),
        ("utf-16", "utf-16"),
    ],
)
def test_charsets_are_named_canonically(api, charset, canonical):
    @api.route("/body")
    async def body(req, resp):
        resp.media = {"encoding": await req.encoding, "text": await req.text}

    r = api.requests.post(
        "/body",
        content="日é".encode(canonical, errors="replace"),
        headers={"Content-Type": f"text/plain; charset={charset}"},
    )
    assert r.json() == {
        "encoding": canonical,
        "text": "日é".encode(canonical, "replace").decode(canonical),
    }


def test_params_map_each_name_to_its_last_value_and_get_list_gives_all(api):
    @api.route("/p")
    def view(req, resp):
        resp.media = {
            "params": req.params,
            "dict": dict(req.params),
            "get_list": req.params.get_list("a"),
            "getlist": req.params.getlist("a"),
            "missing": req.params.get_list("z"),
        }

    assert api.requests.get("/p?a=1&b=x&a=2").json() == {
        "params": {"a": "2", "b": "x"},
        "dict": {"a": "2", "b": "x"},
        "get_list": ["1", "2"],
        "getlist": ["1", "2"],
        "missing": [],
    }


def test_charset_names_clients_make_up_do_not_grow_pythons_codec_cache(api):
    # encodings.search_function remembers every name it is asked about, misses
    # included: a client sending a new charset each time would grow it forever.
    import encodings

    @api.route("/body")
    async def body(req, resp):
        resp.media = await req.media()

    api.requests.post(
        "/body", content=b"{}", headers={"Content-Type": "application/json; charset=x-warm-up"}
    )
    before = len(encodings._cache)
    for i in range(200):
        headers = {"Content-Type": f"application/json; charset=x-made-up-{i}"}
        assert api.requests.post("/body", content=b"{}", headers=headers).status_code == 415
    assert len(encodings._cache) == before


def test_headers_read_for_the_body_and_cookies_are_the_first_of_their_name():
    # Read straight from the scope: the same value as req.headers.get, repeated fields included.
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-type", b"text/plain"),
        (b"cookie", b"a=1"),
        (b"cookie", b"b=2"),
        (b"accept", b"application/json"),
        (b"accept", b"text/html"),
        (b"content-length", b"2"),
        (b"content-length", b"9"),
    ]
    req = _request(_chunks(b"{}"), headers=headers)
    assert req.mimetype == "application/json" and req.is_json
    assert req.cookies == {"a": "1"}
    assert req.accepts("application/json") and not req.accepts("text/html")
    assert asyncio.run(req.media()) == {}
    assert req.headers.get("content-type") == "application/json; charset=utf-8"
    assert req.headers.get("cookie") == "a=1"
