"""The client's address from the ASGI scope, or from the headers a trusted proxy sets.

Each proxy *appends* one entry to ``Forwarded`` (RFC 7239: ``for=`` of the peer
it saw) or ``X-Forwarded-For``; whatever the client sent comes first. So the
entry that says who the client is is the ``proxies``-th one from the right:
the one the outermost of your proxies wrote. Entries to its left are the
client's to choose, and are never used while there are enough entries.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from ...types import Scope

__all__ = ["HEADERS", "TrustForwarded", "forwarded_client", "peer_address"]

TrustForwarded = bool | Literal["forwarded", "x-forwarded-for"]

#: The headers read for each ``trust_forwarded`` setting, the one that wins first.
HEADERS: dict[TrustForwarded, tuple[bytes, ...]] = {
    False: (),
    True: (b"forwarded", b"x-forwarded-for"),
    "forwarded": (b"forwarded",),
    "x-forwarded-for": (b"x-forwarded-for",),
}


def peer_address(scope: Scope) -> str:
    """The address of the peer the server saw, or ``"unknown"``."""
    client = scope.get("client")
    return str(client[0]) if client and client[0] else "unknown"


def forwarded_client(scope: Scope, headers: tuple[bytes, ...], proxies: int) -> str:
    """The client's address from the first of ``headers`` present; ``""`` when none says.

    Several lines of one header are one list, in order. With fewer entries
    than ``proxies``, the leftmost is used (the request passed fewer proxies).
    """
    for name in headers:
        lines = [value for key, value in scope.get("headers", ()) if key == name]
        if not lines:
            continue
        text = b",".join(lines).decode("latin-1")
        entries = [entry for entry in text.split(",") if entry.strip()]
        if not entries:
            continue
        entry = entries[-proxies] if len(entries) >= proxies else entries[0]
        node = _for_node(entry) if name == b"forwarded" else entry
        return _normal(node) if node else ""
    return ""


def _for_node(element: str) -> str:
    """The ``for=`` value of one ``Forwarded`` element; ``""`` when it has none."""
    for pair in element.split(";"):
        name, _, value = pair.partition("=")
        if name.strip().lower() == "for":
            return value
    return ""


def _normal(node: str) -> str:
    """A node without quotes, brackets or port; IP addresses in their canonical form."""
    host = node.strip().strip('"').strip()
    if host.startswith("["):  # [v6] or [v6]:port
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:  # v4:port or name:port (a bare v6 address has several)
        host = host.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:  # "unknown", an obfuscated "_name", or junk: one bucket each
        return host.lower()
