"""Raw ASGI headers: reading a request's, changing a response's in place.

A leaf module (it imports nothing of ours), so that problem rendering, the
layers and the response can all share one set of header helpers.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import Scope

__all__ = ["RawHeaders", "add_vary", "get_header", "request_header", "set_header"]

RawHeaders = list[tuple[bytes, bytes]]


def request_header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (several lines joined with ``", "``); None when absent."""
    values = [value for key, value in scope.get("headers", ()) if key == name]
    if not values:
        return None
    return b", ".join(values).decode("latin-1")


def get_header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The first value of response header ``name`` (lower-case), in any case."""
    return next((value for key, value in headers if key.lower() == name), None)


def set_header(headers: RawHeaders, name: bytes, value: bytes) -> None:
    """Replace every ``name`` header (lower-case) with one line holding ``value``."""
    headers[:] = [(key, val) for key, val in headers if key.lower() != name]
    headers.append((name, value))


def add_vary(headers: RawHeaders, *names: str) -> None:
    """Merge ``names`` into the ``Vary`` header, once each; ``Vary: *`` is left alone."""
    current = [
        token.strip()
        for key, value in headers
        if key.lower() == b"vary"
        for token in value.decode("latin-1").split(",")
        if token.strip()
    ]
    seen = {token.lower() for token in current}
    if "*" in seen:
        return
    missing = [name for name in names if name.lower() not in seen]
    if missing:
        set_header(headers, b"vary", ", ".join(current + missing).encode("latin-1"))
