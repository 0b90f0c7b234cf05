"""Bad input is the client's fault: every malformed or hostile body is a 4xx with a message."""

import msgpack
import pytest

import responder

YAML = "application/x-yaml"
MSGPACK = "application/x-msgpack"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=b0undary"

BILLION_LAUGHS = b"\n".join(
    [b'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]".encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def _multipart(*parts: bytes, close: bool = True) -> bytes:
    body = b"".join(b"--b0undary\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--b0undary--\r\n" if close else b"")


FIELD = b'Content-Disposition: form-data; name="a"\r\n\r\nvalue'

CASES = [
    # (id, content type, body, status, words the detail must contain)
    ("json-truncated", "application/json", b'{"a": [1, 2', 400, "JSON"),
    ("json-trailing", "application/json", b'{"a": 1} {"b": 2}', 400, "JSON"),
    ("json-nan", "application/json", b"[NaN]", 400, "JSON"),
    ("json-nan-long-number", "application/json", b"[NaN, 12345678901234567890]", 400, "JSON"),
    ("json-bad-utf8", "application/json", b'{"a": "\xff"}', 400, "JSON"),
    ("json-deep", "application/json", b"[" * 50_000 + b"]" * 50_000, 400, "JSON"),
    ("json-empty", "application/json", b"", 400, "empty"),
    ("json-unknown-charset", "application/json; charset=nope", b"{}", 415, "nope"),
    ("json-charset-undefined", "application/json; charset=undefined", b"{}", 415, "undefined"),
    ("json-charset-idna", "application/json; charset=idna", b"{}", 415, "idna"),
    ("json-charset-hex", "application/json; charset=hex", b"7b7d", 415, "hex"),
    ("json-charset-rot13", "application/json; charset=rot13", b"{}", 415, "rot13"),
    (
        "json-charset-zlib",
        "application/json; charset=zlib",
        b"x\x9c\xab\xae\x05\x00\x01u\x00\xf9",
        415,
        "zlib",
    ),
    ("json-charset-utf7", "application/json; charset=utf-7", b'["+2AA-"]', 415, "utf-7"),
    (
        "json-surrogate-long-number",
        "application/json",
        b'["\\ud800", 1234567890123456789]',
        400,
        "surrogate",
    ),
    (
        "json-raw-surrogate-long-number",
        "application/json",
        b'["\xed\xa0\x80", 1234567890123456789]',
        400,
        "utf-8",
    ),
    (
        "json-infinity-long-number",
        "application/json",
        b"[1e999999, 1234567890123456789]",
        400,
        "range",
    ),
    ("json-overflow", "application/json", b"[1e999999]", 400, "infinity"),
    ("json-huge-integer", "application/json", b"[" + b"1" * 5000 + b"]", 400, "JSON"),
    ("json-too-deep", "application/json", b"[" * 255 + b"]" * 255, 400, "deeper than 254"),
    (
        "json-deep-long-number",
        "application/json",
        b"[" * 255 + b"1234567890123456789" + b"]" * 255,
        400,
        "deeper than 254",
    ),
    ("yaml-syntax", YAML, b"a: [1,\n b", 400, "line"),
    ("yaml-python-object", YAML, b"!!python/object/apply:os.system ['true']", 400, "python"),
    ("yaml-python-name", YAML, b"!!python/name:os.system", 400, "python"),
    ("yaml-custom-tag", YAML, b"!Thing {a: 1}", 400, "Thing"),
    ("yaml-billion-laughs", YAML, BILLION_LAUGHS, 400, "nodes"),
    ("yaml-deep", YAML, b"[" * 200 + b"]" * 200, 400, "deeper"),
    ("yaml-stream", YAML, b"a: 1\n---\nb: 2\n", 400, "document"),
    ("yaml-undefined-alias", YAML, b"a: *nowhere", 400, "undefined alias"),
    ("yaml-empty", YAML, b"  \n", 400, "empty"),
    ("yaml-bad-utf8", YAML, b"a: \xff", 400, "utf-8"),
    ("yaml-bad-month", YAML, b"a: 2001-13-45", 400, "timestamp at line 1"),
    ("yaml-bad-day", YAML, b"a: 2001-02-30", 400, "timestamp"),
    ("yaml-year-zero", YAML, b"a: 0000-01-01", 400, "timestamp"),
    ("yaml-tagged-timestamp", YAML, b"a: !!timestamp foo", 400, "'foo' as a timestamp"),
    ("yaml-tagged-int", YAML, b"a: !!int abc", 400, "'abc' as an integer"),
    ("yaml-tagged-float", YAML, b"a: !!float abc", 400, "'abc' as a float"),
    ("yaml-tagged-bool", YAML, b"a: !!bool maybe", 400, "'maybe' as a boolean"),
    ("yaml-huge-integer", YAML, b"a: " + b"1" * 5000, 400, "longer than 4300 digits"),
    ("yaml-huge-hex", YAML, b"a: 0x" + b"f" * 4000, 400, "more than 4300 decimal digits"),
    ("yaml-long-sexagesimal", YAML, b"a: " + b":".join([b"1"] * 100_000), 400, "longer than"),
    ("yaml-nan", YAML, b"a: .nan", 400, "nan is not a number"),
    ("yaml-infinity", YAML, b"[-.inf]", 400, "-inf"),
    ("yaml-overflow", YAML, b"a: 1.0e+99999", 400, "inf"),
    ("yaml-nan-key", YAML, b"{.nan: 1}", 400, "nan"),
    ("yaml-recursive-alias", YAML, b"&a [*a]", 400, "*a refers to"),
    ("yaml-recursive-alias-deep", YAML, b"&a {x: [1, {y: *a}]}", 400, "*a refers to"),
    ("yaml-charset-undefined", YAML + "; charset=undefined", b"a: 1", 415, "undefined"),
    ("msgpack-truncated", MSGPACK, msgpack.packb([1, 2, 3])[:-1], 400, "MessagePack"),
    ("msgpack-trailing", MSGPACK, msgpack.packb(1) + b"\x01", 400, "extra"),
    ("msgpack-extension", MSGPACK, b"\xd4\x05\x01", 400, "extension"),
    ("msgpack-huge-array", MSGPACK, b"\xdd\x7f\xff\xff\xff", 400, "max_array_len"),
    ("msgpack-huge-map", MSGPACK, b"\xdf\x7f\xff\xff\xff", 400, "max_map_len"),
    ("msgpack-deep", MSGPACK, b"\x91" * 5000 + b"\x00", 400, "MessagePack"),
    ("msgpack-unhashable-key", MSGPACK, b"\x81\x91\x01\x01", 400, "unhashable"),
    ("msgpack-bad-utf8", MSGPACK, b"\xa1\xff", 400, "MessagePack"),
    ("msgpack-empty", MSGPACK, b"", 400, "empty"),
    (
        "msgpack-timestamp-far",
        MSGPACK,
        bytes.fromhex("c70cff000000004000000000000000"),
        400,
        "MessagePack",
    ),
    (
        "msgpack-timestamp-bad-ns",
        MSGPACK,
        bytes.fromhex("d7ffffffffff00000000"),
        400,
        "nanoseconds",
    ),
    ("msgpack-nan", MSGPACK, msgpack.packb([1.5, float("nan")]), 400, "nan"),
    ("msgpack-infinity-key", MSGPACK, msgpack.packb({float("inf"): 1}), 400, "inf"),
    ("msgpack-float32-infinity", MSGPACK, b"\x91\xca\x7f\x80\x00\x00", 400, "inf"),
    ("msgpack-too-deep", MSGPACK, b"\x91" * 254 + b"\x90", 400, "deeper than 254"),
    ("msgpack-nan-in-a-key", MSGPACK, msgpack.packb({"a": {float("nan"): 1}}), 400, "nan"),
    ("form-bad-utf8", FORM, b"a=%ff", 400, "utf-8"),
    ("form-too-many-fields", FORM, b"&".join([b"a=1"] * 1001), 400, "Max number"),
    ("form-charset-undefined", FORM + "; charset=undefined", b"a=1", 415, "undefined"),
    ("form-charset-utf7", FORM + "; charset=utf-7", b"a=%2B2AA-", 415, "utf-7"),
    ("form-surrogate", FORM, b"a=%ED%A0%80", 400, "utf-8"),
    ("multipart-no-boundary", "multipart/form-data", FIELD, 400, "boundary"),
    ("multipart-garbage", MULTIPART, b"this is not multipart", 400, "parse"),
    ("multipart-truncated", MULTIPART, _multipart(FIELD, close=False), 400, "ends before"),
    ("multipart-no-disposition", MULTIPART, _multipart(b"X-A: 1\r\n\r\nv"), 400, "Disposition"),
    ("multipart-too-many-parts", MULTIPART, _multipart(*[FIELD] * 1001), 400, "at most"),
    (
        "multipart-field-too-big",
        MULTIPART,
        _multipart(b'Content-Disposition: form-data; name="a"\r\n\r\n' + b"x" * (1024 * 1024 + 1)),
        413,
        "over",
    ),
    ("unknown-type", "text/csv", b"a,b", 415, "text/csv"),
    ("unknown-type-suffix", "application/vnd.thing+xml", b"<a/>", 415, "xml"),
]


@pytest.fixture
def echo_api():
    api = responder.API()

    @api.route("/echo")
    async def echo(req, resp):
        value = await req.media()
        resp.media = {"ok": True, "type": type(value).__name__}

    return api


@pytest.mark.parametrize(
    ("content_type", "body", "status", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_body_is_a_4xx_problem_with_a_message(echo_api, content_type, body, status, words):
    r = echo_api.requests.post("/echo", content=body, headers={"Content-Type": content_type})
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == status
    assert words.lower() in (problem["title"] + " " + problem.get("detail", "")).lower()


def test_body_over_the_limit_is_413_in_every_format():
    api = responder.API(max_request_size=100)

    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await req.media()

    for content_type in ("application/json", YAML, MSGPACK, FORM, MULTIPART):
        r = api.requests.post("/echo", content=b"x" * 101, headers={"Content-Type": content_type})
        assert r.status_code == 413, content_type


def test_limits_are_configurable_at_their_edge():
    api = responder.API()
    api.media.register(responder.media.JSONHandler(max_depth=3))
    api.media.register(responder.media.YAMLHandler(max_depth=3, max_nodes=10))
    api.media.register(responder.media.MessagePackHandler(max_container_len=3, max_depth=3))
    api.media.register(responder.media.FormHandler(max_fields=2))
    api.media.register(responder.media.MultipartHandler(max_parts=2, max_field_size=5))

    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await req.media()

    def post(content_type, body):
        return api.requests.post("/echo", content=body, headers={"Content-Type": content_type})

    assert post("application/json", b"[[[1]]]").status_code == 200
    assert post("application/json", b"[[[[1]]]]").status_code == 400
    assert post("application/json", b"[[[1, 12345678901234567890]]]").status_code == 200
    assert post(MSGPACK, b"\x91\x91\x91\x01").status_code == 200  # [[[1]]]
    assert post(MSGPACK, b"\x91\x91\x91\x91\x01").status_code == 400
    assert post(YAML, b"[[[1]]]").status_code == 200
    assert post(YAML, b"[[[[1]]]]").status_code == 400
    assert post(YAML, b"[1, 2, 3, 4, 5, 6, 7, 8, 9]").status_code == 200  # 10 nodes
    assert post(YAML, b"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]").status_code == 400
    assert post(MSGPACK, msgpack.packb([1, 2, 3])).status_code == 200
    assert post(MSGPACK, msgpack.packb([1, 2, 3, 4])).status_code == 400
    assert post(FORM, b"a=1&b=2").status_code == 200
    assert post(FORM, b"a=1&b=2&c=3").status_code == 400
    five = b'Content-Disposition: form-data; name="a"\r\n\r\n12345'
    assert post(MULTIPART, _multipart(five, five)).status_code == 200
    assert post(MULTIPART, _multipart(five, five, five)).status_code == 400
    assert post(MULTIPART, _multipart(five + b"6")).status_code == 413


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/x-www-form-urlencoded", b"", {}),
        ("multipart/form-data; boundary=b0undary", b"--b0undary--\r\n", {}),
    ],
)
def test_empty_forms_are_empty_dicts(mirror_api, content_type, body, expected):
    r = mirror_api.requests.post("/echo", content=body, headers={"Content-Type": content_type})
    assert r.json() == expected


def test_bad_body_error_is_in_the_clients_format(echo_api):
    r = echo_api.requests.post(
        "/echo", content=b"{", headers={"Content-Type": "application/json", "Accept": YAML}
    )
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+yaml"
    assert "Malformed JSON" in r.text


def test_yaml_nested_deep_enough_to_crash_libyaml_is_a_400(echo_api):
    # Handed straight to libyaml's C composer, this body kills the process (SIGSEGV).
    body = b"[" * 100_000 + b"]" * 100_000
    r = echo_api.requests.post("/echo", content=body, headers={"Content-Type": YAML})
    assert r.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"a: 1\nb: [1, 2]\n",  # small: read without the event scan
        b"\n".join(f"k{i}: [{i}, {i + 1}]".encode() for i in range(100)),  # scanned
        b"a: &x [1, 2]\nb: *x\n",  # an alias: scanned
    ],
)
def test_yaml_bodies_on_both_sides_of_the_fast_path_decode_the_same(body):
    import yaml

    from responder.media import YAMLHandler

    assert YAMLHandler().deserialize(body) == yaml.safe_load(body)


@pytest.mark.parametrize(
    "handler", [responder.media.JSONHandler, responder.media.MessagePackHandler]
)
@pytest.mark.parametrize("depth", [0, 255, 1000])
def test_a_nesting_limit_no_encoder_could_write_is_refused_when_configured(handler, depth):
    with pytest.raises(ValueError, match="between 1 and 254"):
        handler(max_depth=depth)


@pytest.mark.parametrize(
    ("content_type", "deepest", "too_deep"),
    [
        ("application/json", b"[" * 254 + b"]" * 254, b"[" * 255 + b"]" * 255),
        (
            "application/json",
            b"[{}, " + b"[" * 253 + b"]" * 253 + b"]",
            b"[{}, " + b"[" * 254 + b"]" * 254 + b"]",
        ),
        (MSGPACK, b"\x91" * 253 + b"\x90", b"\x91" * 254 + b"\x90"),
        (MSGPACK, b"\x91" * 252 + b"\x81\xc4\x01k\x90", b"\x91" * 253 + b"\x81\xc4\x01k\x90"),
    ],
    ids=["json", "json-with-sibling", "msgpack", "msgpack-bytes-key"],
)
def test_the_default_nesting_limit_is_254_at_its_edge(mirror_api, content_type, deepest, too_deep):
    for accept in ("application/json", YAML, MSGPACK):
        headers = {"Content-Type": content_type, "Accept": accept}
        assert (
            mirror_api.requests.post("/echo", content=deepest, headers=headers).status_code == 200
        )
        r = mirror_api.requests.post("/echo", content=too_deep, headers=headers)
        assert r.status_code == 400
