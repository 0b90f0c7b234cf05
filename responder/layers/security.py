"""Security headers: the response headers that tell browsers to be strict, set once.

``API(security_headers=True)`` sends, on every HTTP response that does not
already carry them::

    X-Content-Type-Options: nosniff
    X-Frame-Options: DENY
    Referrer-Policy: strict-origin-when-cross-origin

A mapping changes that set, keyed by header name (any case): a string is the
value to send, ``True`` asks for our default value (the three above, and
:data:`DEFAULT_CSP`, :data:`DEFAULT_PERMISSIONS_POLICY`, ``same-origin`` for
``Cross-Origin-Opener-Policy``), ``False`` or ``None`` sends nothing::

    API(security_headers={"Content-Security-Policy": True, "X-Frame-Options": "SAMEORIGIN"})

A header the view (or a mounted app, or an inner layer) set is never replaced:
the response's own choice wins, which is how a page that needs a looser policy
(the docs page) says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..types import ASGIApp, Message, Receive, Scope, Send
from ._asgi import response_headers

__all__ = [
    "DEFAULT_CSP",
    "DEFAULT_PERMISSIONS_POLICY",
    "SecurityHeaders",
    "SecurityHeadersLayer",
    "extend_policy",
]

#: Everything from this site only; no plugins, no framing, no foreign form targets.
DEFAULT_CSP = (
    "default-src 'self'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'"
)
#: The powerful browser features an API's pages rarely need, all off.
DEFAULT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
#: Sent by ``security_headers=True``.
BASIC = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
#: What ``True`` means for each header we have a default for.
DEFAULTS = {
    **BASIC,
    "content-security-policy": DEFAULT_CSP,
    "permissions-policy": DEFAULT_PERMISSIONS_POLICY,
    "cross-origin-opener-policy": "same-origin",
}
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VALUE = re.compile(r"[\t\x20-\x7e]*")


@dataclass(frozen=True)
class SecurityHeaders:
    """The headers to add, checked once: lower-case name → value.

    Attributes:
        headers: what every response gets unless it has its own.
    """

    headers: tuple[tuple[str, str], ...]

    @property
    def csp(self) -> str | None:
        """The ``Content-Security-Policy`` sent, if any (the docs page extends it)."""
        return dict(self.headers).get("content-security-policy")

    @classmethod
    def from_setting(cls, setting: bool | Mapping[str, Any] | None) -> SecurityHeaders | None:
        """The headers for ``API(security_headers=...)``; None when off.

        Raises:
            ValueError: a header name is not a token, a value has a line
                break or non-ASCII text, or ``True`` names a header we have no
                default for.
            TypeError: the setting is neither a bool nor a mapping, or a value
                is neither a string, a bool nor None.
        """
        if setting is None or setting is False:
            return None
        if setting is True:
            return cls(tuple(BASIC.items()))
        if not isinstance(setting, Mapping):
            raise TypeError(
                f"security_headers must be True or a mapping, not {type(setting).__name__}."
            )
        chosen = dict(BASIC)
        for name, value in setting.items():
            key = _checked_name(name)
            if value is None or value is False:
                chosen.pop(key, None)
            else:
                chosen[key] = _value_for(key, value)
        return cls(tuple(chosen.items())) if chosen else None


def _checked_name(name: Any) -> str:
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise ValueError(f"security_headers: {name!r} is not a header name.")
    return name.lower()


def _value_for(key: str, value: Any) -> str:
    if value is True:
        if key not in DEFAULTS:
            raise ValueError(f"security_headers: there is no default for {key!r}; give a value.")
        return DEFAULTS[key]
    if not isinstance(value, str):
        raise TypeError(f"security_headers: the value of {key!r} must be a str, True or None.")
    if not _VALUE.fullmatch(value) or not value.strip():
        raise ValueError(f"security_headers: {value!r} is not a valid value for {key!r}.")
    return value.strip()


def extend_policy(policy: str, extra: Mapping[str, tuple[str, ...]]) -> str:
    """``policy`` with ``extra`` sources added to its directives.

    A directive the policy does not name starts from its ``default-src``
    sources (what the browser would have used for it), so extending a policy
    never loosens anything but what ``extra`` names.
    """
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    fallback = directives.get("default-src", [])
    for name, sources in extra.items():
        current = directives.setdefault(name, [s for s in fallback if s != "'none'"])
        if current == ["'none'"]:
            current.clear()
        current.extend(s for s in sources if s not in current)
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersLayer:
    """Add the configured security headers to every HTTP response that lacks them.

    Args:
        app: the ASGI app.
        options: the checked headers.
    """

    def __init__(self, app: ASGIApp, options: SecurityHeaders) -> None:
        self.app = app
        self.headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in options.headers
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add what is missing to the response's headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = response_headers(message)
                present = {key.lower() for key, _ in headers}
                headers.extend(item for item in wanted if item[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)
