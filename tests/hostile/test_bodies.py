"""Hostile bodies against a live uvicorn server: every one a clear 4xx, none a 5xx or a hang.

Issue 10, items 2, 3, 4, 6, 7 and 20, plus the inputs that already held. Each
row is sent three times, asking for JSON, YAML and MessagePack, and the refusal
must be a problem-details body in the format asked for.
"""

from __future__ import annotations

import concurrent.futures

import httpx2 as httpx
import msgpack
import pytest
import yaml

from tests.e2e.server import live_uvicorn, raw_request
from tests.media.test_echo import BODIES as ECHOED
from tests.media.test_echo import assert_echoed

JSON = "application/json"
YAML = "application/x-yaml"
MSGPACK = "application/x-msgpack"
FORM = "application/x-www-form-urlencoded"
TEXT = "text/plain"
TIMEOUT = 10

PROBLEM_TYPES = {
    JSON: "application/problem+json",
    YAML: "application/problem+yaml",
    MSGPACK: MSGPACK,
}
READ = {
    JSON: lambda content: httpx.Response(200, content=content).json(),
    YAML: yaml.safe_load,
    MSGPACK: lambda content: msgpack.unpackb(content, strict_map_key=False),
}

BILLION_LAUGHS = b"\n".join(
    [b'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]".encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)

HOSTILE = [
    # (id, path, content type, body, status)
    # item 2: YAML scalars the loader rejects after the safety scan
    ("yaml-month-13", "/echo", YAML, b"a: 2001-13-45", 400),
    ("yaml-february-30", "/echo", YAML, b"a: 2001-02-30", 400),
    ("yaml-timestamp-foo", "/echo", YAML, b"a: !!timestamp foo", 400),
    ("yaml-int-abc", "/echo", YAML, b"a: !!int abc", 400),
    ("yaml-float-abc", "/echo", YAML, b"a: !!float abc", 400),
    ("yaml-bool-maybe", "/echo", YAML, b"a: !!bool maybe", 400),
    ("yaml-5000-digits", "/echo", YAML, b"a: " + b"7" * 5000, 400),
    ("yaml-4000-hex-digits", "/echo", YAML, b"a: 0x" + b"f" * 4000, 400),
    ("yaml-sexagesimal-megabyte", "/echo", YAML, b"a: " + b":".join([b"59"] * 300_000), 400),
    # item 3: a MessagePack timestamp out of range
    (
        "msgpack-timestamp-far",
        "/echo",
        MSGPACK,
        bytes.fromhex("c70cff000000004000000000000000"),
        400,
    ),
    (
        "msgpack-timestamp-nanoseconds",
        "/echo",
        MSGPACK,
        bytes.fromhex("d7ffffffffff00000000"),
        400,
    ),
    # item 4: charsets that are unknown or not text encodings, on every body
    *[
        (f"{kind}-charset-{charset}", path, f"{media_type}; charset={charset}", body, 415)
        for kind, path, media_type, body in [
            ("json", "/echo", JSON, b"{}"),
            ("yaml", "/echo", YAML, b"a: 1"),
            ("form", "/echo", FORM, b"a=1"),
            ("text", "/text", TEXT, b"abc"),
        ]
        for charset in ["undefined", "idna", "hex", "rot13", "zlib", "utf-7", "no-such-thing"]
    ],
    # item 6: values no encoder could write back
    ("yaml-recursive-alias", "/echo", YAML, b"&a [*a]", 400),
    ("yaml-recursive-alias-in-map", "/echo", YAML, b"&a {k: [*a]}", 400),
    ("json-lone-surrogate-long-number", "/echo", JSON, b'["\\ud800", 1234567890123456789]', 400),
    (
        "json-raw-surrogate-long-number",
        "/echo",
        JSON,
        b'["\xed\xa0\x80", 1234567890123456789]',
        400,
    ),
    ("json-overflow", "/echo", JSON, b"[1e999999]", 400),
    ("json-overflow-long-number", "/echo", JSON, b"[1e999999, 1234567890123456789]", 400),
    ("json-nan", "/echo", JSON, b"[NaN]", 400),
    ("json-255-deep", "/echo", JSON, b"[" * 255 + b"]" * 255, 400),
    ("json-1000-deep", "/echo", JSON, b"[" * 1000 + b"]" * 1000, 400),
    ("msgpack-nan", "/echo", MSGPACK, msgpack.packb([float("nan")]), 400),
    ("msgpack-255-deep", "/echo", MSGPACK, b"\x91" * 254 + b"\x90", 400),
    ("msgpack-1000-deep", "/echo", MSGPACK, b"\x91" * 999 + b"\x90", 400),
    ("yaml-nan", "/echo", YAML, b"[.nan]", 400),
    ("yaml-infinity", "/echo", YAML, b"[.inf]", 400),
    # item 7: request_model is strict in every format
    ("model-json-overflow", "/people", JSON, b'{"age": 1, "score": 1e999}', 400),
    ("model-yaml-nan", "/people", YAML, b"{age: 1, score: .nan}", 400),
    (
        "model-msgpack-bytes-lax",
        "/people",
        MSGPACK,
        msgpack.packb({"age": "5", "avatar": b"x"}),
        422,
    ),
    ("model-msgpack-text-for-int", "/people", MSGPACK, msgpack.packb({"age": "5"}), 422),
    # inputs that already held
    ("json-truncated", "/echo", JSON, b'{"a": [1, 2', 400),
    ("json-deep-50000", "/echo", JSON, b"[" * 50_000 + b"]" * 50_000, 400),
    ("json-empty", "/echo", JSON, b"", 400),
    ("yaml-python-object", "/echo", YAML, b"!!python/object/apply:os.system ['true']", 400),
    ("yaml-billion-laughs", "/echo", YAML, BILLION_LAUGHS, 400),
    ("yaml-deep-100000", "/echo", YAML, b"[" * 100_000 + b"]" * 100_000, 400),
    ("msgpack-extension", "/echo", MSGPACK, b"\xd4\x05\x01", 400),
    ("msgpack-huge-array-header", "/echo", MSGPACK, b"\xdd\x7f\xff\xff\xff", 400),
    ("form-bad-utf8", "/echo", FORM, b"a=%ff", 400),
    ("unknown-content-type", "/echo", "text/csv", b"a,b", 415),
]


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.hostile.bodies_app:api") as live:
        yield live


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        yield http


@pytest.mark.parametrize("accept", [JSON, YAML, MSGPACK])
@pytest.mark.parametrize(
    ("path", "content_type", "body", "status"),
    [row[1:] for row in HOSTILE],
    ids=[row[0] for row in HOSTILE],
)
def test_hostile_body_is_a_clear_4xx_in_the_format_asked_for(
    client, accept, path, content_type, body, status
):
    r = client.post(path, content=body, headers={"Content-Type": content_type, "Accept": accept})
    assert r.status_code == status, r.content[:300]
    assert r.headers["content-type"] == PROBLEM_TYPES[accept]
    problem = READ[accept](r.content)
    assert problem["status"] == status
    assert problem["title"] and problem["title"] != "Internal Server Error"


@pytest.mark.parametrize("accept", [JSON, YAML, MSGPACK])
@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [row[1:] for row in ECHOED],
    ids=[row[0] for row in ECHOED],
)
def test_what_a_decoder_accepts_is_echoed_in_every_format(
    client, accept, content_type, body, expected
):
    # The same table as the in-process test, over a real socket: the nesting
    # limit's edge (254 levels) among the rows.
    r = client.post(
        "/echo", content=body, headers={"Content-Type": content_type, "Accept": accept}
    )
    assert_echoed(r, accept, expected)


@pytest.mark.parametrize(
    "accept",
    [
        b'application/vnd.a"b+json',
        b"application/x<script>+json",
        b"text/html;x=1+json",
        b"application/json+json, a/b+yaml",
        b"application/" + b"v" * 3000 + b"+yaml",
    ],
)
def test_a_hostile_accept_subtype_is_never_echoed(server, accept):
    # Sent raw: an HTTP client library may refuse or rewrite these header values.
    answer = raw_request(
        server.url,
        b"GET /ping HTTP/1.1\r\nHost: x\r\nAccept: " + accept + b"\r\nConnection: close\r\n\r\n",
        timeout=TIMEOUT,
    )
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200 ")
    (content_type,) = [line for line in head.split(b"\r\n") if line.startswith(b"content-type:")]
    assert content_type in (b"content-type: application/json", b"content-type: application/x-yaml")


def test_hostile_bodies_all_at_once_leave_the_server_answering(server):
    # Every hostile body sent concurrently with plain requests: all answered, no hang.
    bodies = [(row[1], row[2], row[3], row[4]) for row in HOSTILE]
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:

        def hostile(row):
            path, content_type, body, _ = row
            return http.post(
                path, content=body, headers={"Content-Type": content_type}
            ).status_code

        def ping(_):
            return http.get("/ping").status_code

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            refused = pool.map(hostile, bodies)
            pings = pool.map(ping, range(len(bodies)))
            assert list(refused) == [row[3] for row in bodies]
            assert set(pings) == {200}
    assert "Traceback" not in server.log()


#: The rows whose danger is memory: expansion, huge numbers, declared sizes.
MEMORY_ATTACKS = {
    "yaml-billion-laughs",
    "yaml-5000-digits",
    "yaml-4000-hex-digits",
    "yaml-sexagesimal-megabyte",
    "json-deep-50000",
    "msgpack-huge-array-header",
}


def test_memory_stays_bounded_under_repeated_hostile_bodies(server):
    rows = [row for row in HOSTILE if row[0] in MEMORY_ATTACKS]
    assert len(rows) == len(MEMORY_ATTACKS)
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        for _, path, content_type, body, _ in rows:  # warm up: first-use allocations
            http.post(path, content=body, headers={"Content-Type": content_type})
        before = server.rss_kib()
        for _ in range(10):
            for _, path, content_type, body, status in rows:
                r = http.post(path, content=body, headers={"Content-Type": content_type})
                assert r.status_code == status
        growth = server.rss_kib() - before
    assert growth < 64 * 1024, f"RSS grew by {growth} KiB"
