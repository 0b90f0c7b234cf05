"""Hostile GraphQL requests against a live uvicorn server.

Each is refused with a clear 4xx and a GraphQL ``errors`` body, runs no
resolver, and leaves the worker free: other requests are answered meanwhile
and memory stays put. Every limit is also tried at its edge, just under
(answered) and just over (refused), on the defaults and on small limits.
"""

from __future__ import annotations

import json
import threading
import time

import httpx2 as httpx
import pytest

from tests.e2e.server import live_uvicorn, raw_request
from tests.hostile.graphql_app import SMALL_LIMITS

TIMEOUT = 20  # seconds: any call that takes longer is a hang, and fails


def chained_fragments(links: int = 25) -> str:
    """Fragments that each spread the next one twice: 2**links fields in 1 KB."""
    chain = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(links)]
    return "query { ...F0 } " + " ".join(chain) + f" fragment F{links} on Query {{ hello }}"


def fan_out(width: int = 10, levels: int = 7) -> str:
    """``width`` aliased children per level, ``levels`` deep: width**levels fields in 1.2 KB."""
    fragments = []
    for level in range(levels):
        inner = f"...L{level + 1}" if level + 1 < levels else "hello"
        children = " ".join(f"a{i}: nested {{ {inner} }}" for i in range(width))
        fragments.append(f"fragment L{level} on Query {{ {children} }}")
    return "{ ...L0 } " + " ".join(fragments)


def nested(levels: int, leaf: str = "hello") -> str:
    return "{ " + "nested { " * (levels - 1) + leaf + " }" * (levels - 1) + " }"


def accepts(value: object) -> dict[str, object]:
    query = "query($v: GenericScalar) { accepts(value: $v) }"
    return {"query": query, "variables": {"v": value}}


def deep_list(levels: int) -> str:
    return "[" * levels + "]" * levels


VARIABLES_QUERY = "query($v: GenericScalar) { accepts(value: $v) }"
GRAPHQL = "application/graphql"

# (id, method, content type or None, body (bytes, a JSON payload, or GET params), status, message)
HOSTILE = [
    ("chained fragments", "POST", None, {"query": chained_fragments()}, 400, "nested 27 levels"),
    ("fan-out", "POST", None, {"query": fan_out()}, 400, "selects 21111110 fields"),
    ("fan-out over GET", "GET", None, {"query": fan_out()}, 400, "selects 21111110 fields"),
    ("9 MB document", "POST", GRAPHQL, b"{ hello }" + b" " * 9_000_000, 400, "65536 bytes"),
    ("9 MB query in JSON", "POST", None, {"query": "{ hello }" + " " * 9_000_000}, 400, "bytes"),
    ("token flood", "POST", GRAPHQL, b"{ " + b"hello " * 6000 + b"}", 400, "3000 tokens"),
    ("comment flood", "POST", GRAPHQL, b"#\n" * 30_000 + b"{ hello }", 400, "3000 tokens"),
    ("nested past the parser", "POST", None, {"query": nested(300)}, 400, "nested too deeply"),
    ("nested 150 levels", "POST", None, {"query": nested(150)}, 400, "150 levels deep"),
    (
        "fragment chain of 300",
        "POST",
        None,
        {
            "query": "{ ...F0 } "
            + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(300))
            + " fragment F300 on Query { hello }"
        },
        400,
        "302 levels deep",
    ),
    (
        "alias flood",
        "POST",
        None,
        {"query": "{ " + " ".join(f"a{i}: hello" for i in range(500)) + " }"},
        400,
        "500 aliases",
    ),
    ("same field 1000 times", "POST", GRAPHQL, b"{ " + b"hello " * 1000 + b"}", 400, "validate"),
    (
        "directive flood",
        "POST",
        GRAPHQL,
        b"{ hello" + b" @skip(if: false)" * 400 + b" }",
        400,
        "directive",
    ),
    (
        "500 operations",
        "POST",
        GRAPHQL,
        " ".join(f"query Q{i} {{ hello }}" for i in range(500)).encode(),
        400,
        "No operation",
    ),
    (
        "fragment cycle",
        "POST",
        None,
        {"query": "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"},
        400,
        "spreads itself",
    ),
    (
        "fragment spreading itself below a field",
        "POST",
        None,
        {"query": "{ ...A } fragment A on Query { nested { ...A } }"},
        400,
        "spreads itself",
    ),
    (
        "variables 1,000 deep over GET",
        "GET",
        None,
        {"query": VARIABLES_QUERY, "variables": '{"v": ' + deep_list(1000) + "}"},
        400,
        "nest too deeply",
    ),
    (
        "variables 40 deep over GET",
        "GET",
        None,
        {"query": VARIABLES_QUERY, "variables": '{"v": ' + deep_list(40) + "}"},
        400,
        "deeper than 32",
    ),
    (
        "variables 1,000 deep in JSON",
        "POST",
        "application/json",
        (
            '{"query": "' + VARIABLES_QUERY + '", "variables": {"v": ' + deep_list(1000) + "}}"
        ).encode(),
        400,
        "",
    ),
    ("20,000 variable values", "POST", None, accepts([0] * 20_000), 400, "10000 values"),
    ("variables not an object", "GET", None, {"query": "{ hello }", "variables": "[1]"}, 400, ""),
    *(
        (f"charset={charset}", "POST", f"{GRAPHQL}; charset={charset}", b"{ hello }", 415, charset)
        for charset in ("undefined", "idna", "hex", "rot13", "zlib", "utf-16", "nonsense")
    ),
    ("not UTF-8", "POST", GRAPHQL, b"{ hello(x: \xff) }", 400, "UTF-8"),
    (
        "form (CSRF)",
        "POST",
        "application/x-www-form-urlencoded",
        b"query=mutation+%7B+touch+%7B+ok+%7D+%7D",
        415,
        "cross-site",
    ),
    (
        "text/plain (CSRF)",
        "POST",
        "text/plain",
        b'{"query": "mutation { touch { ok } }"}',
        415,
        "cross-site",
    ),
    (
        "multipart (CSRF)",
        "POST",
        "multipart/form-data; boundary=x",
        b"--x--\r\n",
        415,
        "cross-site",
    ),
    (
        "no content type (CSRF)",
        "POST",
        "",
        b'{"query": "mutation { touch { ok } }"}',
        415,
        "cross-site",
    ),
    ("mutation over GET", "GET", None, {"query": "mutation { touch { ok } }"}, 405, "POST"),
]


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.hostile.graphql_app:api") as live:
        yield live


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=TIMEOUT) as http:
        yield http


def send(client: httpx.Client, path: str, method: str, content_type, body) -> httpx.Response:
    if method == "GET":
        return client.get(path, params=body)
    if isinstance(body, dict):
        return client.post(path, json=body)
    headers = {} if content_type is None else {"Content-Type": content_type}
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize(
    ("method", "content_type", "body", "status", "message"),
    [row[1:] for row in HOSTILE],
    ids=[row[0] for row in HOSTILE],
)
def test_hostile_request_is_refused_with_graphql_errors(
    client, method, content_type, body, status, message
):
    before = client.get("/calls").json()
    r = send(client, "/graphql", method, content_type, body)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"] == "application/json"
    errors = r.json()["errors"]
    assert errors and all(error["message"] for error in errors)
    assert message in " ".join(error["message"] for error in errors)
    assert "data" not in r.json()
    assert client.get("/calls").json() == before  # no resolver ran, no mutation either


def test_the_refused_fan_out_allocates_nothing(server, client):
    client.post("/graphql", json={"query": "{ hello }"})  # warm: imports, first allocations
    before = server.rss_kib()
    for _ in range(20):
        r = client.post("/graphql", json={"query": fan_out()})
        assert r.status_code == 400
    growth_mib = (server.rss_kib() - before) / 1024
    assert growth_mib < 30, f"RSS grew {growth_mib:.0f} MiB over 20 refused fan-out queries"
    assert client.get("/calls").json()["nested"] == 0


def test_other_requests_are_answered_while_a_graphql_request_is_running(server):
    """A sync resolver runs off the event loop: /ping answers while it waits."""
    result = {}

    def long_query():
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as own:
            result["response"] = own.post("/graphql", json={"query": "{ block }"})

    worker = threading.Thread(target=long_query)
    worker.start()
    try:
        with httpx.Client(base_url=server.url, timeout=5) as other:
            deadline = time.monotonic() + 10
            while not other.get("/started").json()["started"]:
                assert time.monotonic() < deadline, "the resolver never started"
                time.sleep(0.02)
            assert other.get("/ping").text == "pong"  # the loop is free while `block` waits
            assert "response" not in result  # ...and the GraphQL request is still running
            other.get("/release")
    finally:
        worker.join(TIMEOUT)
    assert result["response"].json() == {"data": {"block": "released"}}


F = " fragment F on Query { hello }"


def spreads(count: int) -> str:
    return "{ " + "...F " * count + "}" + F


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: hello" for i in range(count)) + " }"


def same_field(count: int) -> str:
    return "{ " + "hello " * count + "}"


def sized(size: int, query: str = "{ hello }") -> str:
    return query + "," * (size - len(query.encode()))


# (limit, path, payload just under or at the limit, payload just over it)
EDGES = [
    ("max_query_size", "/graphql", {"query": sized(65_536)}, {"query": sized(65_537)}),
    (
        "max_tokens",
        "/graphql",
        {"query": "#\n" * 2997 + "{ hello }"},
        {"query": "#\n" * 2998 + "{ hello }"},
    ),
    ("max_depth", "/graphql", {"query": nested(15)}, {"query": nested(16)}),
    ("max_fields", "/graphql", {"query": spreads(1000)}, {"query": spreads(1001)}),
    ("max_aliases", "/graphql", {"query": aliases(50)}, {"query": aliases(51)}),
    (
        "max_variables_depth",
        "/graphql",
        accepts(json.loads(deep_list(32))),
        accepts(json.loads(deep_list(33))),
    ),
    ("max_variable_values", "/graphql", accepts([0] * 9_999), accepts([0] * 10_000)),
    # graphql-core's unit: two per pair of same-named fields compared, n * (n - 1) in all.
    ("max_validation_cost", "/graphql", {"query": same_field(173)}, {"query": same_field(174)}),
    (
        "max_query_size",
        "/small",
        {"query": sized(200, "{ hello } #é")},
        {"query": sized(201, "{ hello } #é")},
    ),
    (
        "max_tokens",
        "/small",
        {"query": "{ hello }" + "\n#" * 37},
        {"query": "{ hello }" + "\n#" * 38},
    ),
    ("max_depth", "/small", {"query": nested(3)}, {"query": nested(4)}),
    (
        "max_depth",  # a spread is a level of its own
        "/small",
        {"query": "{ nested { ...F } }" + F},
        {"query": "{ nested { nested { ...F } } }" + F},
    ),
    (
        "max_fields",  # counted as the product the spreads expand to
        "/small",
        {"query": "{ ...G ...G } fragment G on Query { ...F ...F ...F ...F }" + F},
        {"query": "{ ...G ...G ...G } fragment G on Query { ...F ...F ...F }" + F},
    ),
    ("max_aliases", "/small", {"query": aliases(2)}, {"query": aliases(3)}),
    ("max_variables_depth", "/small", accepts([[1]]), accepts([[[1]]])),
    ("max_variable_values", "/small", accepts([1, 2, 3, 4]), accepts([1, 2, 3, 4, 5])),
    ("max_validation_cost", "/small", {"query": same_field(4)}, {"query": same_field(5)}),
]


@pytest.mark.parametrize(
    ("limit", "path", "under", "over"),
    EDGES,
    ids=[f"{path}-{limit}-{i}" for i, (limit, path, *_) in enumerate(EDGES)],
)
def test_each_limit_at_its_edge(client, limit, path, under, over):
    assert path == "/graphql" or limit in SMALL_LIMITS
    r = client.post(path, json=under)
    assert r.status_code == 200, r.text[:300]
    assert "errors" not in r.json()
    r = client.post(path, json=over)
    assert r.status_code == 400
    (error,) = r.json()["errors"]
    assert error["message"]


def test_limits_hold_over_get_and_a_raw_socket_too(server):
    query = (
        "query=%7B%20nested%20%7B%20nested%20%7B%20nested%20%7B%20hello%20%7D%20%7D%20%7D%20%7D"
    )
    request = f"GET /small?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = raw_request(server.url, request.encode(), timeout=TIMEOUT)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body)["errors"][0]["message"].startswith("The query is nested 4 levels")
