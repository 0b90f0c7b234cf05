"""Property tests: what a handler writes, it reads back unchanged."""

import httpx2 as httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from responder.media import (
    FormHandler,
    JSONHandler,
    MessagePackHandler,
    MultipartHandler,
    YAMLHandler,
)

# JSON-shaped data: what every response format must carry faithfully.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=200)
@given(documents)
def test_json_round_trip(value):
    handler = JSONHandler()
    assert handler.deserialize(handler.serialize(value)) == value


@given(st.integers(min_value=2**64, max_value=2**200) | st.integers(max_value=-(2**63) - 1))
def test_json_round_trips_integers_beyond_64_bits(value):
    handler = JSONHandler()
    assert handler.deserialize(handler.serialize(value)) == value


@settings(max_examples=200)
@given(documents)
@example("\xa0")  # not YAML white space: a one-character document, not an empty body
def test_yaml_round_trip(value):
    handler = YAMLHandler()
    assert handler.deserialize(handler.serialize(value)) == value


@settings(max_examples=200)
@given(documents)
def test_msgpack_round_trip(value):
    handler = MessagePackHandler()
    assert handler.deserialize(handler.serialize(value)) == value


form_names = st.text(min_size=1).filter(lambda s: "\x00" not in s)
form_values = st.text().filter(lambda s: "\x00" not in s)


@settings(max_examples=200)
@given(
    st.dictionaries(
        form_names, form_values | st.lists(form_values, min_size=2, max_size=4), max_size=6
    )
)
def test_form_round_trip(value):
    handler = FormHandler()
    assert handler.deserialize(handler.serialize(value)) == value


@settings(max_examples=100)
@given(
    fields=st.dictionaries(
        st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122), min_size=1),
        st.text().filter(lambda s: "\r" not in s),
        max_size=4,
    ),
    content=st.binary(max_size=2000),
)
def test_multipart_reads_what_a_real_client_writes(fields, content):
    # The writer here is httpx's multipart encoder: a client's output, not ours.
    files = {"upload": ("data.bin", content, "application/x-thing")}
    fields = {k: v for k, v in fields.items() if k != "upload"}
    request = httpx.Request("POST", "http://x/", data=fields, files=files)
    body = request.read()
    boundary = request.headers["content-type"].split("boundary=")[1]
    parsed = MultipartHandler().deserialize(body, parameters={"boundary": boundary})
    assert parsed.pop("upload") == {
        "filename": "data.bin",
        "content_type": "application/x-thing",
        "content": content,
    }
    assert parsed == fields
