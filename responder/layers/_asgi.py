"""Small ASGI helpers shared by the layers: raw headers and Host parsing.

Short answers (a refusal, a redirect) are :func:`responder.problems.send_answer`
and :func:`responder.problems.send_problem`.

Request header names are lower-case (the ASGI spec says so); response header
names may come in any case from middleware, so lookups on responses ignore case.
"""

from __future__ import annotations

import ipaddress
import re

from .._headers import RawHeaders, add_vary, get_header, request_header, set_header
from .._lazy import compiled_on_first_use
from ..types import Message

__all__ = [
    "TEST_CLIENT_HOST",
    "RawHeaders",
    "add_vary",
    "get_header",
    "parse_host",
    "request_header",
    "response_headers",
    "set_header",
]

# RFC 9110 §7.2 host: a registered name or an IP literal, then an optional port.
# Underscores are tolerated (container names use them); anything that could end
# the authority ("/", "?", "#", "@", spaces, control characters) is not.
_NAME = r"(?:[a-z0-9_-]+\.)*[a-z0-9_-]+\.?"
_HOST: re.Pattern[str] = compiled_on_first_use(
    "_HOST", rf"(?P<host>{_NAME}|\[(?P<ipv6>[0-9a-f:.]+)\])(?::(?P<port>[0-9]{{1,5}}))?", globals()
)
_MAX_HOST_LENGTH = 262  # 253 for the name, a trailing dot, ":" and a five-digit port
#: The host of the test client's base URL ``http://;``: not a DNS name, but apps list it in
#: ``allowed_hosts`` so that their tests pass, and an HTTPS redirect must keep it so that the
#: test client can follow. No resolver knows it, so it names no one else's server.
TEST_CLIENT_HOST = ";"


def parse_host(value: str | None) -> tuple[str, str | None] | None:
    """Split a ``Host`` header into a normalised host name and its port.

    The name is lower-cased, loses a trailing dot, and IPv6 literals are
    compressed and keep their brackets (``[::1]``). The test client's ``;`` is
    a host too. None when the header is missing or is not a host.
    """
    if not value or len(value) > _MAX_HOST_LENGTH:
        return None
    if value == TEST_CLIENT_HOST:
        return TEST_CLIENT_HOST, None
    match = _HOST.fullmatch(value.lower())
    if match is None:
        return None
    ipv6 = match["ipv6"]
    if ipv6 is not None:
        try:
            host = f"[{ipaddress.IPv6Address(ipv6).compressed}]"
        except ValueError:
            return None
    else:
        host = match["host"].removesuffix(".")
    return host, match["port"]


def response_headers(message: Message) -> RawHeaders:
    """The headers of a start message, as a list the caller may change in place."""
    headers = [(bytes(key), bytes(value)) for key, value in message.get("headers", ())]
    message["headers"] = headers
    return headers
