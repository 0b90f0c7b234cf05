"""CORS: which other web origins may call the API from a browser, and how.

The defaults allow nothing: ``cors=True`` alone lets no origin in. List the
origins (and the methods beyond GET, and the request headers) the API is
meant to serve. A browser's preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) is answered here, without reaching the
app. Responses to an origin that is not allowed carry no CORS headers at all,
so the browser keeps them from the calling page.

CORS protects browser users' data from other sites; it is not access control:
a request from a disallowed origin still reaches the app (only the page cannot
read the answer), and non-browser clients ignore CORS entirely. WebSocket
handshakes are not covered by CORS: check ``ws.headers["origin"]`` yourself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import HTTPForbidden
from ..media import MediaRegistry
from ..problems import send_answer, send_problem
from ..types import ASGIApp, Message, Receive, Scope, Send
from ._asgi import (
    RawHeaders,
    add_vary,
    request_header,
    response_headers,
    set_header,
)

__all__ = ["CORS_PARAMS", "CORSLayer", "CORSOptions"]

#: The keys ``cors_params`` accepts.
CORS_PARAMS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "expose_headers",
    "max_age",
)

# Request headers a page may always send (the CORS-safelisted names, RFC: Fetch §2.2.2).
_SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})
_PREFLIGHT_VARY = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 §5.6.2


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"cors_params[{name!r}] must be a list of strings, not {value!r}.")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"cors_params[{name!r}] must hold strings, not {item!r}.")
    return items


def _origin(value: str) -> str:
    if value in ("*", "null"):
        return value
    parts = urlsplit(value)
    rebuilt = f"{parts.scheme}://{parts.netloc}"
    if not (parts.scheme and parts.netloc) or "@" in parts.netloc or value != rebuilt:
        raise ValueError(
            f"CORS origin {value!r} is not an origin: write 'https://example.com' "
            "(scheme, host and optional port; no path and no trailing slash)."
        )
    return value.lower()


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"cors_params['allow_origin_regex'] is not a valid regex: {exc}") from exc


def _tokens(name: str, values: tuple[str, ...]) -> None:
    for value in values:
        if value != "*" and not _TOKEN.fullmatch(value):
            raise ValueError(f"cors_params[{name!r}] holds {value!r}, which is not a name.")


@dataclass(frozen=True, init=False)
class CORSOptions:
    """A checked, frozen CORS configuration; the keyword arguments are the ``cors_params`` keys.

    Built once, when the API is created (``API(cors=True, cors_params=...)``);
    the layer only reads it.

    Args:
        allow_origins: origins allowed to read responses, e.g.
            ``["https://app.example.com"]``; ``["*"]`` for any origin. Default: none.
        allow_methods: methods cross-origin pages may use; ``["*"]`` for any.
            Default ``("GET",)``. GET implies HEAD.
        allow_headers: request headers pages may send besides the safelisted
            ones (``Accept``, ``Accept-Language``, ``Content-Language``,
            ``Content-Type``); ``["*"]`` for any. Default: none.
        allow_credentials: whether pages may send cookies and HTTP auth, and
            read the answers. Default False.
        allow_origin_regex: origins matching this regular expression (the
            whole origin) are allowed too, e.g. ``"https://[a-z]+[.]example[.]com"``.
        expose_headers: response headers pages may read besides the safelisted ones.
        max_age: seconds a browser may cache a preflight answer. Default 600.

    Attributes:
        origins, origin_regex, any_origin: the allowed origins, normalised.
        methods, any_method: the allowed methods, upper case.
        headers, any_header: the allowed request headers (safelisted ones included).
        credentials, expose, max_age: as given (``expose`` as one header value).

    Raises:
        ValueError: unknown keys (with :meth:`from_params`), a malformed origin,
            method or header name, a negative ``max_age``, or ``"*"`` origins
            together with ``allow_credentials=True``.
        TypeError: a value of the wrong type, such as one origin string
            instead of a list.
    """

    origins: frozenset[str]
    origin_regex: re.Pattern[str] | None
    any_origin: bool
    methods: tuple[str, ...]
    any_method: bool
    headers: frozenset[str]
    any_header: bool
    credentials: bool
    expose: str
    max_age: int

    def __init__(
        self,
        *,
        allow_origins: Iterable[str] = (),
        allow_methods: Iterable[str] = ("GET",),
        allow_headers: Iterable[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: str | None = None,
        expose_headers: Iterable[str] = (),
        max_age: int = 600,
    ) -> None:
        origins = {_origin(origin) for origin in _strings("allow_origins", allow_origins)}
        methods = tuple(m.upper() for m in _strings("allow_methods", allow_methods))
        headers = tuple(h.lower() for h in _strings("allow_headers", allow_headers))
        exposed = _strings("expose_headers", expose_headers)
        _tokens("allow_methods", methods)
        _tokens("allow_headers", headers)
        _tokens("expose_headers", exposed)
        if not isinstance(allow_credentials, bool):
            raise TypeError(
                f"cors_params['allow_credentials'] must be a bool, not {allow_credentials!r}."
            )
        if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
            raise ValueError(
                f"cors_params['max_age'] must be a whole number of seconds, not {max_age!r}."
            )
        if allow_origin_regex is not None and not isinstance(allow_origin_regex, str):
            raise TypeError(
                f"cors_params['allow_origin_regex'] must be a string, not {allow_origin_regex!r}."
            )
        any_origin = "*" in origins
        if any_origin and allow_credentials:
            raise ValueError(
                "CORS cannot allow any origin ('*') together with allow_credentials=True: "
                "every site on the web could then act as the signed-in user. "
                "List the origins that need credentials instead."
            )
        values = {
            "any_origin": any_origin,
            "origins": frozenset(origins - {"*"}),
            "origin_regex": _compile(allow_origin_regex) if allow_origin_regex else None,
            "any_method": "*" in methods,
            "methods": tuple(dict.fromkeys(m for m in methods if m != "*")),
            "any_header": "*" in headers,
            "headers": frozenset(headers) | _SAFELISTED_HEADERS,
            "credentials": allow_credentials,
            "expose": ", ".join(dict.fromkeys(exposed)),
            "max_age": max_age,
        }
        for name, value in values.items():  # frozen: set once, here
            object.__setattr__(self, name, value)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CORSOptions:
        """Build from the ``cors_params`` dict, refusing keys it does not know."""
        unknown = sorted(set(params) - set(CORS_PARAMS))
        if unknown:
            raise ValueError(
                f"Unknown cors_params key(s): {', '.join(map(repr, unknown))}; "
                f"the keys are {', '.join(CORS_PARAMS)}."
            )
        return cls(**params)

    def allows_origin(self, origin: str) -> bool:
        """Whether pages from ``origin`` may read responses."""
        if self.any_origin:
            return True
        origin = origin.lower()
        if origin in self.origins:
            return True
        return self.origin_regex is not None and self.origin_regex.fullmatch(origin) is not None

    def allows_method(self, method: str) -> bool:
        """Whether cross-origin pages may use ``method``."""
        method = method.upper()
        if self.any_method or method in self.methods:
            return True
        return method == "HEAD" and "GET" in self.methods

    def refused_headers(self, requested: list[str]) -> list[str]:
        """The requested header names (lower-case) that are not allowed."""
        return [
            name
            for name in requested
            if not (_TOKEN.fullmatch(name) and (self.any_header or name in self.headers))
        ]

    def allow_origin_value(self, origin: str) -> bytes:
        """The ``Access-Control-Allow-Origin`` value for an allowed ``origin``."""
        return b"*" if self.any_origin else origin.encode("latin-1")


class CORSLayer:
    """Answer CORS preflights and add CORS headers to responses for allowed origins.

    Every HTTP response passing through gets ``Vary: Origin``, because what it
    carries depends on the request's ``Origin``.

    A preflight is answered **204** with the allowed origin, methods, the
    requested headers, ``Max-Age`` (and credentials) when the origin, the
    method and every requested header are allowed; otherwise **403** problem
    details naming what was refused, without CORS headers.

    Args:
        app: the ASGI app.
        media: the registry that encodes problem details (the API's).
        options: the checked settings (what the API built from ``cors_params``).
        **params: or the ``cors_params`` keys, checked here (see :class:`CORSOptions`).
    """

    def __init__(
        self,
        app: ASGIApp,
        media: MediaRegistry | None = None,
        options: CORSOptions | None = None,
        **params: Any,
    ) -> None:
        self.app = app
        self.policy = options if options is not None else CORSOptions.from_params(params)
        self.media = media if media is not None else MediaRegistry()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights; tag other responses."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policy
        origin = request_header(scope, b"origin")
        method = scope["method"]
        if origin is not None and method == "OPTIONS":
            requested = request_header(scope, b"access-control-request-method")
            if requested is not None:
                await self.preflight(scope, send, origin, requested)
                return
        reader = None
        if origin is not None and policy.allows_origin(origin) and policy.allows_method(method):
            reader = origin

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = response_headers(message)
                add_vary(headers, "Origin")
                if reader is not None:
                    self.tag(headers, reader)
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def tag(self, headers: RawHeaders, origin: str) -> None:
        """Add the headers that let the page at ``origin`` read this response."""
        policy = self.policy
        set_header(headers, b"access-control-allow-origin", policy.allow_origin_value(origin))
        if policy.credentials:
            set_header(headers, b"access-control-allow-credentials", b"true")
        if policy.expose:
            set_header(headers, b"access-control-expose-headers", policy.expose.encode("latin-1"))

    async def preflight(self, scope: Scope, send: Send, origin: str, method: str) -> None:
        """Answer a preflight request."""
        policy = self.policy
        listed = request_header(scope, b"access-control-request-headers") or ""
        requested = [name.strip().lower() for name in listed.split(",") if name.strip()]
        if not policy.allows_origin(origin):
            refused = "this origin is not allowed"
        elif not (_TOKEN.fullmatch(method) and policy.allows_method(method)):
            refused = f"the method {method!r} is not allowed"
        elif policy.refused_headers(requested):
            names = ", ".join(policy.refused_headers(requested))
            refused = f"the request header(s) {names} are not allowed"
        else:
            refused = ""
        headers: RawHeaders = []
        add_vary(headers, *_PREFLIGHT_VARY)
        if refused:
            error = HTTPForbidden(
                detail=f"CORS preflight refused: {refused}.", headers=dict(_decode(headers))
            )
            await send_problem(scope, send, self.media, error)
            return
        self.tag(headers, origin)
        methods = method if policy.any_method else ", ".join(policy.methods)
        headers.append((b"access-control-allow-methods", methods.encode("latin-1")))
        if requested:
            allowed = ", ".join(requested).encode("latin-1")
            headers.append((b"access-control-allow-headers", allowed))
        headers.append((b"access-control-max-age", str(policy.max_age).encode("latin-1")))
        await send_answer(scope, send, 204, headers)


def _decode(headers: RawHeaders) -> list[tuple[str, str]]:
    return [(key.decode("latin-1"), value.decode("latin-1")) for key, value in headers]
