"""Raw ASGI headers: reading a request's, changing a response's in place.

A leaf module (it imports nothing of ours), so that problem rendering, the
layers and the response can all share one set of header helpers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .types import Scope

__all__ = [
    "RawHeaders",
    "ResponseHeaders",
    "add_vary",
    "get_header",
    "request_header",
    "set_header",
]

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


class ResponseHeaders(dict[str, str]):
    """Response headers: a dict whose keys are case-insensitive (stored lower-case)."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        self.update(items)

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """Case-insensitive ``dict.get``."""
        return super().get(key.lower(), default)

    def pop(self, key: str, *default: Any) -> Any:  # type: ignore[override]
        """Case-insensitive ``dict.pop``."""
        return super().pop(key.lower(), *default)

    def setdefault(self, key: str, default: str = "") -> str:  # type: ignore[override]
        """Case-insensitive ``dict.setdefault``."""
        return super().setdefault(key.lower(), default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Case-insensitive ``dict.update``."""
        for key, value in dict(*args, **kwargs).items():
            self[key] = value
