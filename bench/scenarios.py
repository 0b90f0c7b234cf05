"""Benchmark scenarios: one request/response contract shared by every framework.

A scenario says what to send and what must come back.  Each app module in
``bench.apps`` adds a route per scenario; the drivers verify the response once
before timing so a broken app can never look fast.  To add a scenario, append
it to ``SCENARIOS`` and add the matching route to each app module (or list it
in that module's ``UNSUPPORTED``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgpack
import yaml

#: Inspects (lower-cased response headers, body); returns an error or None.
Check = Callable[[Mapping[str, str], bytes], str | None]


@dataclass(frozen=True)
class Scenario:
    """One request and the response every framework must produce for it."""

    name: str
    method: str
    path: str
    status: int
    check: Check
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    description: str = ""

    def verify(
        self,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
    ) -> str | None:
        """Return why the response is wrong, or None when it is right."""
        if status != self.status:
            return f"expected status {self.status}, got {status} (body {body[:80]!r})"
        return self.check(headers, body)


def _content_type_error(headers: Mapping[str, str], expected: str) -> str | None:
    got = headers.get("content-type", "")
    if got.split(";", 1)[0].strip().lower() != expected:
        return f"expected content-type {expected}, got {got!r}"
    return None


def text_body(expected: str, content_type: str = "text/plain") -> Check:
    """Check for an exact text body with the given media type."""

    def check(headers: Mapping[str, str], body: bytes) -> str | None:
        if body != expected.encode():
            return f"expected body {expected!r}, got {body[:80]!r}"
        return _content_type_error(headers, content_type)

    return check


def json_body(expected: object, content_type: str = "application/json") -> Check:
    """Check for a JSON body equal to ``expected`` (whitespace may differ)."""

    def check(headers: Mapping[str, str], body: bytes) -> str | None:
        try:
            got = json.loads(body)
        except ValueError:
            return f"expected JSON, got {body[:80]!r}"
        if got != expected:
            return f"expected JSON {expected!r}, got {got!r}"
        return _content_type_error(headers, content_type)

    return check


def _decoded_body(
    kind: str, decode: Callable[[bytes], Any], expected: object, content_type: str
) -> Check:
    def check(headers: Mapping[str, str], body: bytes) -> str | None:
        try:
            got = decode(body)
        except Exception:  # noqa: BLE001 - any decoding failure is a wrong answer
            return f"expected {kind}, got {body[:80]!r}"
        if got != expected:
            return f"expected {kind} {expected!r}, got {got!r}"
        return _content_type_error(headers, content_type)

    return check


def yaml_body(expected: object, content_type: str = "application/x-yaml") -> Check:
    """Check for a YAML body that loads (safely) to ``expected``."""
    return _decoded_body("YAML", yaml.safe_load, expected, content_type)


def msgpack_body(expected: object, content_type: str = "application/x-msgpack") -> Check:
    """Check for a MessagePack body that unpacks to ``expected``."""
    return _decoded_body("MessagePack", msgpack.unpackb, expected, content_type)


def varies_by_accept(check: Check) -> Check:
    """Also require ``Vary: Accept``, as any negotiated response must send."""

    def checked(headers: Mapping[str, str], body: bytes) -> str | None:
        vary = {token.strip().lower() for token in headers.get("vary", "").split(",")}
        if "accept" not in vary and "*" not in vary:
            return f"expected Vary: Accept, got {headers.get('vary')!r}"
        return check(headers, body)

    return checked


def gzipped(check: Check) -> Check:
    """Require a gzip-compressed body with ``Vary: Accept-Encoding``; check it decompressed."""

    def checked(headers: Mapping[str, str], body: bytes) -> str | None:
        if headers.get("content-encoding") != "gzip":
            return f"expected Content-Encoding: gzip, got {headers.get('content-encoding')!r}"
        vary = {token.strip().lower() for token in headers.get("vary", "").split(",")}
        if "accept-encoding" not in vary:
            return f"expected Vary: Accept-Encoding, got {headers.get('vary')!r}"
        try:
            plain = gzip.decompress(body)
        except (OSError, EOFError) as exc:
            return f"expected a gzip body: {exc}"
        return check(headers, plain)

    return checked


def any_body(headers: Mapping[str, str], body: bytes) -> str | None:
    """Accept any body (used where only the status matters)."""
    return None


ECHO_PAYLOAD = {"hello": "world", "n": [1, 2, 3]}
DATA = {"message": "Hello, world!", "items": [1, 2, 3]}
YAML = "application/x-yaml"
MSGPACK = "application/x-msgpack"
#: About 30 KB of JSON (a page of a product listing): the kind of body gzip is for.
BIG_ITEMS = [
    {
        "id": i,
        "name": f"Item {i}",
        "description": f"A sturdy item number {i}, made to last and easy to carry.",
        "price": round(3.5 + i * 0.25, 2),
        "tags": ["new", "sale"] if i % 3 == 0 else ["classic"],
        "in_stock": i % 4 != 0,
    }
    for i in range(200)
]
#: The typed scenario's JSON body, and what every app must answer to it.
TYPED_ITEM = {"name": "widget", "price": 9.5, "tags": ["a", "b"]}
TYPED_REPLY = {"q": "abc", "limit": 10, "item": TYPED_ITEM, "db": "ok"}
#: What a browser-ish client that prefers JSON might send.
BROWSER_ACCEPT = "application/json;q=0.9, application/x-yaml;q=0.5, */*;q=0.1"

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "text",
        "GET",
        "/text",
        200,
        text_body("Hello, world!"),
        description="plain-text hello world",
    ),
    Scenario(
        "json",
        "GET",
        "/json",
        200,
        json_body({"message": "Hello, world!"}),
        description="JSON hello world",
    ),
    Scenario(
        "param",
        "GET",
        "/items/42",
        200,
        json_body({"id": 42}),
        description="int path parameter converted by the router",
    ),
    Scenario(
        "resource",
        "GET",
        "/resource",
        200,
        text_body("resource"),
        description="class-based resource / endpoint",
    ),
    Scenario(
        "instance",
        "GET",
        "/instance",
        200,
        text_body("instance"),
        description="a resource instance shared by every request",
    ),
    Scenario(
        "echo",
        "POST",
        "/echo",
        200,
        json_body(ECHO_PAYLOAD),
        headers=(("content-type", "application/json"),),
        body=json.dumps(ECHO_PAYLOAD).encode(),
        description="parse a JSON request body and echo it back",
    ),
    Scenario(
        "notfound",
        "GET",
        "/missing",
        404,
        any_body,
        description="router miss",
    ),
    Scenario(
        "sync",
        "GET",
        "/sync",
        200,
        text_body("sync"),
        description="synchronous (def) view, run in a thread pool",
    ),
    Scenario(
        "sync-inline",
        "GET",
        "/sync-inline",
        200,
        text_body("sync"),
        description="synchronous (def) view run on the event loop, by explicit opt-in",
    ),
    Scenario(
        "yaml",
        "GET",
        "/data",
        200,
        varies_by_accept(yaml_body(DATA)),
        headers=(("accept", YAML),),
        description="resp.media negotiated to YAML by Accept",
    ),
    Scenario(
        "msgpack",
        "GET",
        "/data",
        200,
        varies_by_accept(msgpack_body(DATA)),
        headers=(("accept", MSGPACK),),
        description="resp.media negotiated to MessagePack by Accept",
    ),
    Scenario(
        "negotiated-json",
        "GET",
        "/data",
        200,
        varies_by_accept(json_body(DATA)),
        headers=(("accept", BROWSER_ACCEPT),),
        description="q-valued Accept with several types, JSON wins",
    ),
    Scenario(
        "yaml-echo",
        "POST",
        "/echo-any",
        200,
        varies_by_accept(yaml_body(ECHO_PAYLOAD)),
        headers=(("content-type", YAML), ("accept", YAML)),
        body=yaml.safe_dump(ECHO_PAYLOAD, sort_keys=False).encode(),
        description="YAML request body decoded by Content-Type, echoed as YAML",
    ),
    Scenario(
        "msgpack-echo",
        "POST",
        "/echo-any",
        200,
        varies_by_accept(msgpack_body(ECHO_PAYLOAD)),
        headers=(("content-type", MSGPACK), ("accept", MSGPACK)),
        body=msgpack.packb(ECHO_PAYLOAD, use_bin_type=True),
        description="MessagePack request body echoed as MessagePack",
    ),
    Scenario(
        "big",
        "GET",
        "/big",
        200,
        gzipped(json_body(BIG_ITEMS)),
        headers=(("accept-encoding", "gzip"),),
        description="~30 KB JSON list, gzip-compressed for a client that accepts it",
    ),
    Scenario(
        "typed",
        "POST",
        "/typed/items?limit=10&q=abc",
        200,
        json_body(TYPED_REPLY),
        headers=(("content-type", "application/json"),),
        body=json.dumps(TYPED_ITEM).encode(),
        description="two typed query parameters, a pydantic JSON body and one dependency",
    ),
)

BY_NAME: dict[str, Scenario] = {s.name: s for s in SCENARIOS}


def select(names: Iterable[str] | None) -> list[Scenario]:
    """Return the named scenarios in declaration order (all when ``names`` is None)."""
    if names is None:
        return list(SCENARIOS)
    wanted = set(names)
    unknown = wanted - BY_NAME.keys()
    if unknown:
        raise ValueError(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return [s for s in SCENARIOS if s.name in wanted]
