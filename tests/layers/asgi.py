"""Raw ASGI calls, for what the test client cannot send (CR/LF, no Host, repeated headers)."""

from __future__ import annotations

import asyncio
from typing import Any

import responder
from responder.app import App


def http_scope(
    method: str = "GET",
    path: str = "/",
    headers: list[tuple[bytes, bytes]] | None = None,
    scheme: str = "https",
    query: bytes = b"",
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"example.com")] if headers is None else headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 443),
    }


def call(app: Any, scope: dict[str, Any], body: bytes = b"") -> list[dict[str, Any]]:
    """Run one request through ``app``; return every message it sent."""
    messages: list[dict[str, Any]] = []
    inbox = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if inbox:
            return inbox.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    return messages


def start_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m for m in messages if m["type"].endswith("response.start"))


def headers_of(messages: list[dict[str, Any]]) -> dict[bytes, bytes]:
    """The start message's headers, lower-cased names; asserts there are no duplicates."""
    raw = [(bytes(k).lower(), bytes(v)) for k, v in start_of(messages)["headers"]]
    names = [k for k, _ in raw]
    assert len(names) == len(set(names)), f"duplicated headers: {raw}"
    return dict(raw)


def body_of(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"].endswith("response.body"))


def stack_types(api: responder.API) -> list[type]:
    """The layers of the built stack, outermost first, down to the app."""
    layer = api.middleware_stack
    found = []
    while not isinstance(layer, App):
        found.append(type(layer))
        layer = layer.app
    return found


def cors_headers(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("access-control-")}
