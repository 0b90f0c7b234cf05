"""Locations a header can carry: what resp.redirect does with any text it is given."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from responder._response_base import _PLAIN_URL
from responder.urls import encode_url


@pytest.mark.parametrize(
    ("location", "sent"),
    [
        ("/☃", "/%E2%98%83"),
        ("café", "caf%C3%A9"),
        ("/a b", "/a%20b"),
        ("/x%20y", "/x%20y"),
        ("/100%", "/100%25"),
        ("/a?next=/b&q=ü#frag", "/a?next=/b&q=%C3%BC#frag"),
        ("https://café.example/ü?q=ä#ö", "https://xn--caf-dma.example/%C3%BC?q=%C3%A4#%C3%B6"),
        ("https://user:pä@bücher.de:8080/x", "https://user:p%C3%A4@xn--bcher-kva.de:8080/x"),
        ("/a\r\nSet-Cookie: x=1", "/aSet-Cookie:%20x=1"),
        ("/\udcff", "/%ED%B3%BF"),
    ],
)
def test_locations_are_encoded_to_what_a_header_can_carry(location, sent):
    assert encode_url(location) == sent


@given(st.text())
def test_any_text_becomes_printable_ascii_with_only_real_escapes(text):
    encoded = encode_url(text)
    assert _PLAIN_URL.fullmatch(encoded), encoded
    assert encode_url(encoded) == encoded  # encoding what is encoded changes nothing
