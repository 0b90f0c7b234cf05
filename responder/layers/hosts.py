"""Trusted hosts: answer only for the host names the app is deployed under.

A request whose ``Host`` header names any other host is answered **400 Bad
Request** (problem details) before it reaches anything else. This stops
Host-header attacks: poisoned password-reset links, cache poisoning, and
redirects built from an attacker's ``Host``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import HTTPBadRequest
from ..media import MediaRegistry
from ..problems import send_problem
from ..types import ASGIApp, Receive, Scope, Send
from ._asgi import TEST_CLIENT_HOST, parse_host, request_header

__all__ = ["HostPatterns", "TrustedHostLayer"]


def _pattern(pattern: str) -> str | None:
    """One allowed-host pattern, checked: the host, ``.suffix`` for a wildcard, None for ``*``."""
    if not isinstance(pattern, str):
        raise TypeError(f"An allowed host must be a string, not {pattern!r}.")
    if pattern == "*":
        return None
    wildcard = pattern.startswith("*.")
    name = pattern[2:] if wildcard else pattern
    if name.count(":") > 1 and not name.startswith("["):
        name = f"[{name}]"  # a bare IPv6 address
    parsed = parse_host(name)
    if parsed is None or "*" in name or (wildcard and name == TEST_CLIENT_HOST):
        raise ValueError(
            f"Allowed host {pattern!r} is not a host name; use 'example.com', "
            "'*.example.com' (subdomains) or '*' (any host)."
        )
    host, port = parsed
    if port is not None:
        raise ValueError(
            f"Allowed host {pattern!r} names a port; ports are ignored, "
            f"list {pattern.rsplit(':', 1)[0]!r}."
        )
    return "." + host if wildcard else host


@dataclass(frozen=True, init=False)
class HostPatterns:
    """A checked, frozen list of allowed hosts.

    Each pattern is one of:

    - ``"example.com"``: exactly that host (any case, any port, with or
      without a trailing dot);
    - ``"*.example.com"``: any subdomain, at any depth, but not
      ``example.com`` itself (list it too if it is allowed);
    - ``"*"``: every host, i.e. no checking;
    - an IP address: ``"127.0.0.1"``, ``"[::1]"`` (or ``"::1"``);
    - ``";"``: the host of the test client (``http://;``), for apps whose
      tests use ``api.requests``.

    Raises:
        TypeError: ``patterns`` is a string, or holds something that is not one.
        ValueError: a pattern is malformed, or names a port (ports are ignored).
    """

    exact: frozenset[str]
    suffixes: tuple[str, ...]
    allow_any: bool

    def __init__(self, patterns: Iterable[str]) -> None:
        if isinstance(patterns, (str, bytes)):
            raise TypeError(f"allowed_hosts takes a list of host names, not {patterns!r}.")
        exact: set[str] = set()
        suffixes: list[str] = []
        allow_any = False
        for pattern in patterns:
            parsed = _pattern(pattern)
            if parsed is None:
                allow_any = True
            elif parsed.startswith("."):
                suffixes.append(parsed)
            else:
                exact.add(parsed)
        # Frozen: set once, here.
        object.__setattr__(self, "exact", frozenset(exact))
        object.__setattr__(self, "suffixes", tuple(suffixes))
        object.__setattr__(self, "allow_any", allow_any)

    def allows(self, host: str) -> bool:
        """Whether ``host``, as normalised by ``parse_host``, is allowed."""
        if self.allow_any or host in self.exact:
            return True
        return any(host.endswith(suffix) for suffix in self.suffixes)


class TrustedHostLayer:
    """Refuse requests (and WebSocket handshakes) for hosts not in ``allowed_hosts``.

    The port in ``Host`` is ignored. A missing or malformed ``Host`` is refused
    too, unless ``"*"`` is allowed. The refusal is a 400 problem-details
    response in the client's format.

    Args:
        app: the ASGI app to protect.
        allowed_hosts: the patterns, see :class:`HostPatterns` (or one, already checked).
        media: the registry that encodes the problem details (the API's).
    """

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Iterable[str] | HostPatterns,
        media: MediaRegistry | None = None,
    ) -> None:
        self.app = app
        hosts = allowed_hosts
        self.hosts = hosts if isinstance(hosts, HostPatterns) else HostPatterns(hosts)
        self.media = media if media is not None else MediaRegistry()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass trusted requests on; answer the rest with 400."""
        if self.hosts.allow_any or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        parsed = parse_host(request_header(scope, b"host"))
        if parsed is not None and self.hosts.allows(parsed[0]):
            await self.app(scope, receive, send)
            return
        error = HTTPBadRequest(detail="This server does not answer for the host in the request.")
        await send_problem(scope, send, self.media, error)
