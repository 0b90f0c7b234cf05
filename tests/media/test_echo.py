"""Whatever a decoder accepts, every built-in encoder writes back: echo in every format pair.

A body read in one format may be answered in another (``resp.media = await
req.media()`` with any ``Accept``). Each decoder must therefore produce only
values JSON, YAML and MessagePack can all write, or refuse the body with a 4xx.
"""

import datetime
import math

import msgpack
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from responder.errors import HTTPError
from responder.media import JSONHandler, MessagePackHandler, YAMLHandler

JSON = "application/json"
YAML = "application/x-yaml"
MSGPACK = "application/x-msgpack"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=b0undary"

READ_BACK = {
    JSON: lambda r: r.json(),
    YAML: lambda r: yaml.safe_load(r.content),
    MSGPACK: lambda r: msgpack.unpackb(r.content, strict_map_key=False, timestamp=3),
}
ENCODERS = {"JSON": JSONHandler(), "YAML": YAMLHandler(), "MessagePack": MessagePackHandler()}


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"1" + b"]" * levels


BODIES = [
    # (id, content type, body, what a JSON client reads back)
    (
        "json-big-integer",
        JSON,
        b"[123456789012345678901234567890]",
        [123456789012345678901234567890],
    ),
    ("json-astral", JSON, '["😀", "\\ud83d\\ude00"]'.encode(), ["😀", "😀"]),
    (
        "json-surrogate-pair-long-number",
        JSON,
        b'["\\ud83d\\ude00", 1234567890123456789]',
        ["😀", 1234567890123456789],
    ),
    (
        "json-largest-float",
        JSON,
        b"[1.7976931348623157e308, 12345678901234567890]",
        [1.7976931348623157e308, 12345678901234567890],
    ),
    ("json-254-deep", JSON, _deep(254), None),
    ("json-utf16", JSON + "; charset=utf-16", '{"é": 1}'.encode("utf-16"), {"é": 1}),
    ("msgpack-bin", MSGPACK, msgpack.packb({"a": b"\x00\xff"}), {"a": "AP8="}),
    ("msgpack-bin-key", MSGPACK, msgpack.packb({b"k": 1}), {"aw==": 1}),
    (
        "msgpack-int-keys",
        MSGPACK,
        msgpack.packb({1: "a", None: "b", 2.5: "c"}),
        {"1": "a", "null": "b", "2.5": "c"},
    ),
    ("msgpack-timestamp", MSGPACK, b"\xd6\xff\x00\x00\x00\x00", "1970-01-01T00:00:00+00:00"),
    ("msgpack-uint64", MSGPACK, msgpack.packb([2**64 - 1, -(2**63)]), [2**64 - 1, -(2**63)]),
    ("msgpack-254-deep", MSGPACK, b"\x91" * 254 + b"\x01", None),
    ("yaml-binary", YAML, b"a: !!binary aGVsbG8=", {"a": "aGVsbG8="}),
    ("yaml-binary-key", YAML, b"? !!binary aGk=\n: 1", {"aGk=": 1}),
    (
        "yaml-dates",
        YAML,
        b"d: 2001-02-28\nt: 2001-12-14t21:59:43.10-05:00",
        {"d": "2001-02-28", "t": "2001-12-14T21:59:43.100000-05:00"},
    ),
    (
        "yaml-date-key-big-int",
        YAML,
        b"2001-02-28: 1\nn: 123456789012345678901234",
        {"2001-02-28": 1, "n": 123456789012345678901234},
    ),
    (
        "yaml-set-omap",
        YAML,
        b"s: !!set {b, a}\no: !!omap [x: 1]",
        {"s": ["a", "b"], "o": [["x", 1]]},
    ),
    ("yaml-shared-alias", YAML, b"a: &x [1]\nb: *x", {"a": [1], "b": [1]}),
    ("yaml-largest-integer", YAML, b"a: " + b"9" * 4300, {"a": int("9" * 4300)}),
    ("yaml-null-key", YAML, b"~: 1\n1: 2", {"null": 1, "1": 2}),
    ("form", FORM, b"a=1&a=2&b=%C3%A9", {"a": ["1", "2"], "b": "é"}),
    ("form-latin1", FORM + "; charset=latin-1", b"b=%E9", {"b": "é"}),
    (
        "multipart-file",
        MULTIPART,
        b'--b0undary\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00\xff\r\n--b0undary--\r\n",
        {
            "f": {
                "filename": "x.bin",
                "content_type": "application/octet-stream",
                "content": "AP8=",
            }
        },
    ),
]


@pytest.fixture(scope="module")
def echo_client():
    import responder

    api = responder.API()

    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await req.media()

    return api.session(raise_server_exceptions=False)


@pytest.mark.parametrize("accept", [JSON, YAML, MSGPACK])
@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [case[1:] for case in BODIES],
    ids=[case[0] for case in BODIES],
)
def test_a_decoded_body_is_echoed_in_every_format(
    echo_client, accept, content_type, body, expected
):
    r = echo_client.post(
        "/echo", content=body, headers={"Content-Type": content_type, "Accept": accept}
    )
    assert_echoed(r, accept, expected)


def assert_echoed(r, accept, expected):
    """The answer is a 200 in the format asked for; a JSON one holds what is expected."""
    assert r.status_code == 200, r.content[:300]
    assert r.headers["content-type"] == accept
    got = READ_BACK[accept](r)
    if accept == JSON and expected is not None:
        assert got == expected


def test_the_deepest_document_accepted_is_echoed_in_every_format(echo_client):
    # Decoders stop at 254 levels so that no encoder recurses past what it can write.
    for accept in (JSON, YAML, MSGPACK):
        r = echo_client.post("/echo", content=_deep(254), headers={"Accept": accept})
        value = READ_BACK[accept](r)
        for _ in range(254):
            (value,) = value
        assert value == 1


# -- property: decode anything; either refused with a 4xx, or writable by every encoder --

keys = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats()
    | st.text()
    | st.binary(max_size=8)
)
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats()
    | st.text()
    | st.binary(max_size=16)
    | st.datetimes(timezones=st.just(datetime.timezone.utc))
)
packable = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


def _refused_or_writable(handler, data: bytes, **options) -> None:
    try:
        value = handler.deserialize(data, **options)
    except HTTPError as exc:
        assert 400 <= exc.status < 500
        return
    for name, encoder in ENCODERS.items():
        encoded = encoder.serialize(value)  # raises TypeError if it cannot
        assert encoded, name


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(packable)
def test_any_messagepack_body_is_refused_or_writable_in_every_format(value):
    _refused_or_writable(MessagePackHandler(), msgpack.packb(value, datetime=True))


@settings(max_examples=300)
@given(st.binary(max_size=64))
def test_any_bytes_as_messagepack_are_refused_or_writable(data):
    _refused_or_writable(MessagePackHandler(), data)


yaml_scalars = st.sampled_from(
    [
        "1", "-0x1F", "0o17", "0b101", "1_000", "190:20:30", "1.5", "-.inf", ".NaN", "1.0e+999",
        "2001-02-28", "2001-02-30", "2001-12-14t21:59:43.10-05:00", "yes", "~", "null", "é",
        "!!binary aGk=", "!!binary ???", "!!int abc", "!!float x", "!!bool maybe", "!!timestamp x",
        "!!str 1", "!!set {a}", "!!omap [a: 1]", "!!pairs [a: 1]", "'\\ud800'", '"\\ud800"',
        '"\\U0001F600"', "!!null x", "*nowhere", "0x" + "f" * 3000, "9" * 4301,
    ]
)  # fmt: skip


@st.composite
def yaml_documents(draw, depth=0):
    kind = draw(st.sampled_from(["scalar", "list", "map", "anchor"] if depth < 3 else ["scalar"]))
    if kind == "scalar":
        return draw(yaml_scalars)
    if kind == "anchor":
        inner = draw(yaml_documents(depth + 1))
        return f"&a [{inner}, *a]" if draw(st.booleans()) else f"[&a [{inner}], *a]"
    items = draw(st.lists(yaml_documents(depth + 1), max_size=3))
    if kind == "list":
        return "[" + ", ".join(items) + "]"
    pairs = [
        f"? {draw(yaml_scalars)}\n: {item}" if draw(st.booleans()) else f"k{i}: {item}"
        for i, item in enumerate(items)
    ]
    return "{" + ", ".join(p.replace("\n", " ") for p in pairs) + "}"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_documents())
def test_any_yaml_body_is_refused_or_writable_in_every_format(text):
    _refused_or_writable(YAMLHandler(), text.encode())


json_numbers = st.sampled_from(
    [
        "1",
        "-0",
        "1e999",
        "-1e999999",
        "1.5e308",
        "12345678901234567890",
        "9" * 400,
        "1" * 5000,
        "0.1",
        "NaN",
        "Infinity",
    ]
)
json_strings = st.sampled_from(
    ['"a"', '"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"', '"\\u0000"', '"\\\\ud800"']
)


@st.composite
def json_documents(draw, depth=0):
    kind = draw(
        st.sampled_from(["number", "string", "list", "map"] if depth < 3 else ["number", "string"])
    )
    if kind == "number":
        return draw(json_numbers)
    if kind == "string":
        return draw(json_strings)
    items = draw(st.lists(json_documents(depth + 1), max_size=3))
    if kind == "list":
        return "[" + ", ".join(items) + "]"
    return "{" + ", ".join(f"{draw(json_strings)}: {item}" for item in items) + "}"


@settings(max_examples=300)
@given(json_documents(), st.sampled_from([None, "utf-8", "utf-16", "latin-1", "utf-32-be"]))
def test_any_json_body_is_refused_or_writable_in_every_format(text, charset):
    _refused_or_writable(
        JSONHandler(), text.encode(charset or "utf-8", "surrogatepass"), charset=charset
    )


def test_floats_json_cannot_carry_are_never_produced():
    for data in (b"[1e999, 12345678901234567890]", b"[-1e999]"):
        with pytest.raises(HTTPError):
            JSONHandler().deserialize(data)
    assert math.isfinite(
        JSONHandler().deserialize(b"[1.7976931348623157e308, 12345678901234567890]")[0]
    )
