"""The streaming multipart reader gives the same form however the body is cut into chunks.

Chunks that are plain file data skip python-multipart's parser (see
``PartReader._all_data``); these tests hold that shortcut to what the parser
itself would make of every chunk, with delimiters, carriage returns and
partial delimiters falling anywhere, across chunk edges included.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from responder.media.multipart import PartReader

BOUNDARY = "b0und"
DELIMITER = b"\r\n--" + BOUNDARY.encode()
# Bytes that make the reader's job hard: carriage returns, and pieces of the delimiter.
TRICKY = st.sampled_from([b"\r", b"\r\n", b"\r\n-", b"\r\n--b0", b"\r\n--b0un", b"-", b"x"])


def _reader() -> PartReader:
    return PartReader(BOUNDARY, "utf-8", max_parts=50, max_field_size=1 << 20, spool_size=64)


def _parse(body: bytes, cuts: list[int]) -> dict:
    reader = _reader()
    edges = [0, *sorted(c % (len(body) + 1) for c in cuts), len(body)]
    for start, end in itertools.pairwise(edges):
        reader.feed(body[start:end])
        reader.flush_now()
    reader.end()
    reader.flush_now()
    return {
        name: value if isinstance(value, str) else (value.filename, value.content)
        for name, value in reader.result().items()
    }


def _body(files: list[bytes], field: bytes) -> bytes:
    parts = [(b'name="title"', field)]
    parts += [(f'name="f{n}"; filename="f{n}.bin"'.encode(), data) for n, data in enumerate(files)]
    out = b"".join(
        b"--"
        + BOUNDARY.encode()
        + b"\r\nContent-Disposition: form-data; "
        + head
        + b"\r\n\r\n"
        + data
        + b"\r\n"
        for head, data in parts
    )
    return out + b"--" + BOUNDARY.encode() + b"--\r\n"


@settings(max_examples=300)
@given(
    files=st.lists(
        st.lists(st.one_of(TRICKY, st.binary(max_size=40)), max_size=12).map(b"".join),
        min_size=1,
        max_size=3,
    ),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
)
def test_any_chunking_gives_the_form_of_the_whole_body(files, cuts):
    files = [data.replace(DELIMITER, b"") for data in files]  # a delimiter inside would end it
    body = _body(files, b"t")
    whole = _parse(body, [])
    assert whole["title"] == "t"
    assert [whole[f"f{n}"][1] for n in range(len(files))] == files
    assert _parse(body, cuts) == whole


def test_plain_data_chunks_do_not_go_through_the_parser():
    reader = _reader()
    writes = []
    parser_write = reader._parser.write
    reader._parser.write = lambda data: writes.append(data) or parser_write(data)
    data = bytes(range(14, 256)) * 100  # no CR anywhere: every chunk is plain data
    body = _body([data], b"t")
    head = body.index(data)
    chunks = [body[:head]] + [data[i : i + 1000] for i in range(0, len(data), 1000)]
    chunks.append(body[head + len(data) :])
    for chunk in chunks:
        reader.feed(chunk)
    reader.end()
    reader.flush_now()
    assert reader.result()["f0"].content == data
    # The head, the first data chunk (where the parser left off in the data), the tail.
    assert len(writes) == 3 < len(chunks)
