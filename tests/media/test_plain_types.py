"""``resp.media`` writes mappings and common Python types the same way in every format."""

import dataclasses
import datetime
import decimal
import enum
import re
import uuid

import msgpack
import pydantic
import pytest
import yaml

from responder.media import JSONHandler, MessagePackHandler, YAMLHandler

# Each built-in response format: the Accept header that picks it, and a decoder.
FORMATS = {
    "JSON": ("application/json", lambda r: r.json()),
    "YAML": ("application/x-yaml", lambda r: yaml.safe_load(r.content)),
    "MessagePack": ("application/x-msgpack", lambda r: msgpack.unpackb(r.content)),
}
HANDLERS = {"JSON": JSONHandler(), "YAML": YAMLHandler(), "MessagePack": MessagePackHandler()}


@pytest.fixture(params=sorted(FORMATS))
def fmt(request):
    return request.param


def fetch(api, fmt, path="/", **kwargs):
    accept, decode = FORMATS[fmt]
    headers = {"Accept": accept, **kwargs.pop("headers", {})}
    r = api.requests.get(path, headers=headers, **kwargs)
    assert r.status_code == 200
    assert r.headers["content-type"] == accept
    return decode(r)


class Color(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    LARGE = 3


@dataclasses.dataclass
class Line:
    price: decimal.Decimal
    tags: set[str]
    color: Color


class Order(pydantic.BaseModel):
    id: uuid.UUID
    placed: datetime.date
    total: decimal.Decimal


class Label(str):
    pass


def test_mappings_from_the_request_are_written_in_every_format(api, fmt):
    @api.route("/")
    def view(req, resp):
        resp.media = {"params": req.params, "headers": req.headers, "cookies": req.cookies}

    got = fetch(api, fmt, "/?a=1&a=2&b=x", headers={"X-Thing": "yes", "Cookie": "theme=dark"})
    # A query name sent twice shows its last value, as req.params["a"] does.
    assert got["params"] == {"a": "2", "b": "x"}
    assert got["headers"]["x-thing"] == "yes"
    assert got["cookies"] == {"theme": "dark"}


def test_common_types_are_written_alike_in_every_format(api, fmt):
    when = datetime.datetime(2024, 5, 1, 12, 30, 15, 250, tzinfo=datetime.timezone.utc)
    key = uuid.UUID(int=7)
    value = {
        "when": when,
        "naive": datetime.datetime(2024, 5, 1, 12, 30),
        "day": datetime.date(2024, 5, 1),
        "at": datetime.time(8, 5),
        "id": key,
        "price": decimal.Decimal("19.90"),
        "color": Color.RED,
        "size": Size.LARGE,
        "set": {"b", "c", "a"},
        "frozen": frozenset({3, 1, 2}),
        "tuple": (1, "x"),
        "label": Label("plain"),
        "line": Line(decimal.Decimal("0.10"), {"new"}, Color.RED),
        "order": Order(id=key, placed=datetime.date(2024, 5, 2), total=decimal.Decimal("5.5")),
    }
    api.add_route("/", lambda req, resp: setattr(resp, "media", value))

    assert fetch(api, fmt) == {
        "when": "2024-05-01T12:30:15.000250+00:00",
        "naive": "2024-05-01T12:30:00",
        "day": "2024-05-01",
        "at": "08:05:00",
        "id": "00000000-0000-0000-0000-000000000007",
        "price": "19.90",
        "color": "red",
        "size": 3,
        "set": ["a", "b", "c"],
        "frozen": [1, 2, 3],
        "tuple": [1, "x"],
        "label": "plain",
        "line": {"price": "0.10", "tags": ["new"], "color": "red"},
        "order": {
            "id": "00000000-0000-0000-0000-000000000007",
            "placed": "2024-05-02",
            "total": "5.5",
        },
    }


def test_a_model_or_dataclass_may_be_the_whole_body(api, fmt):
    order = Order(id=uuid.UUID(int=1), placed=datetime.date(2024, 1, 2), total=decimal.Decimal(1))
    api.add_route(
        "/", lambda req, resp: setattr(resp, "media", [order, Line(1, set(), Color.RED)])
    )
    assert fetch(api, fmt) == [
        {"id": "00000000-0000-0000-0000-000000000001", "placed": "2024-01-02", "total": "1"},
        {"price": 1, "tags": [], "color": "red"},
    ]


def test_enum_and_uuid_keys_are_written_as_their_text(api, fmt):
    value = {Color.RED: 1, uuid.UUID(int=2): 2}
    api.add_route("/", lambda req, resp: setattr(resp, "media", value))
    assert fetch(api, fmt) == {"red": 1, "00000000-0000-0000-0000-000000000002": 2}


class Foo:
    pass


@pytest.mark.parametrize(
    ("value", "where", "type_name"),
    [
        ({"user": {"created": Foo()}}, 'value at ["user"]["created"]', "Foo"),
        ({"items": [1, (2, Foo())]}, 'value at ["items"][1][1]', "Foo"),
        ({"line": Line(Foo(), set(), Color.RED)}, 'value at ["line"]["price"]', "Foo"),
        ({"ok": 1, "set": {Foo()}}, 'value at ["set"][0]', "Foo"),
        ({0: {Foo(): 1}}, "key at [0][<", "Foo"),
        (Foo(), "value at the top level", "Foo"),
        ({"gen": (n for n in [1])}, 'value at ["gen"]', "generator"),
    ],
)
def test_a_value_no_format_can_write_is_named_by_key_path_and_type(
    api, fmt, value, where, type_name
):
    api.add_route("/", lambda req, resp: setattr(resp, "media", value))
    expected = f"resp.media: cannot encode {where}"
    with pytest.raises(TypeError, match=re.escape(expected)) as info:
        api.requests.get("/", headers={"Accept": FORMATS[fmt][0]})
    assert str(info.value).endswith(f" of type {type_name} as {fmt}")


def test_an_integer_messagepack_cannot_hold_is_sent_as_its_decimal_text():
    packed = MessagePackHandler().serialize({"n": [2**64, -(2**63) - 1, 2**64 - 1]})
    assert msgpack.unpackb(packed) == {
        "n": ["18446744073709551616", "-9223372036854775809", 2**64 - 1]
    }
    assert JSONHandler().serialize({"n": [2**64]}) == b'{"n":[18446744073709551616]}'


def test_bytes_are_base64_text_in_json_and_binary_in_yaml_and_messagepack(api, fmt):
    api.add_route("/", lambda req, resp: setattr(resp, "media", {"b": b"\x00\xffhi"}))
    expected = {"JSON": "AP9oaQ==", "YAML": b"\x00\xffhi", "MessagePack": b"\x00\xffhi"}
    assert fetch(api, fmt) == {"b": expected[fmt]}


def test_keys_the_standard_json_module_refuses_are_written_on_its_path_too(api, fmt):
    # The integer beyond 64 bits sends JSON through the standard library, which
    # has no form for date or bytes keys unless they are converted first.
    value = {datetime.date(2024, 5, 1): 1, b"k": 2, "big": 2**70}
    api.add_route("/", lambda req, resp: setattr(resp, "media", value))
    got = fetch(api, fmt)
    assert got["big"] in (2**70, str(2**70))  # MessagePack: decimal text
    if fmt == "JSON":
        assert got == {"2024-05-01": 1, "aw==": 2, "big": 2**70}
    else:
        assert got[b"k"] == 2


def test_a_cycle_is_reported_without_crashing():
    loop: dict = {}
    loop["self"] = loop
    for name in ("JSON", "MessagePack"):  # YAML writes a cycle as an anchor and alias
        with pytest.raises(TypeError, match=f"resp.media: cannot encode the value as {name}: "):
            HANDLERS[name].serialize(loop)


def test_dates_in_yaml_stay_text_as_in_json():
    text = HANDLERS["YAML"].serialize({"day": datetime.date(2024, 5, 1)})
    assert yaml.safe_load(text) == {"day": "2024-05-01"}
    assert yaml.safe_load(HANDLERS["YAML"].serialize({"s": {1}})) == {"s": [1]}
