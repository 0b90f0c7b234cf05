"""CSRF protection for cookie-authenticated unsafe requests: ``API(csrf=True)``.

A browser sends cookies with every request to a site, including the ones a
page on another site makes it send (a hidden form that posts itself). With
``csrf=`` on, a POST, PUT, PATCH or DELETE (any method but GET, HEAD,
OPTIONS and TRACE) that carries the session cookie must pass two checks
before the route's own hooks, guards and view run:

1. **Where it came from.** ``Origin``, when sent, must be this site's own
   origin (the scheme and ``Host`` the request came with) or one of
   ``trusted_origins``; ``Origin: null`` never passes. Without ``Origin``,
   ``Sec-Fetch-Site`` must be ``same-origin`` or ``none`` (the user's own
   navigation); ``same-site`` (a sibling subdomain) passes only through an
   ``Origin`` listed in ``trusted_origins``. With neither header (not a
   browser, or a very old one) the token alone decides.
2. **The token.** ``req.csrf_token`` (``{{ csrf_token() }}`` or
   ``{{ csrf_input() }}`` in a template) issued for this session, sent back
   in the ``X-CSRF-Token`` header or the ``csrf_token`` field of a form.
   Reading the field decodes the form once; ``await req.media()`` in the
   view gets that same decoded form.

A request without the session cookie is not checked: without ambient
credentials there is nothing to forge (a JSON API called with
``Authorization: Bearer ...`` is unaffected). A failure is a 403 problem in
the client's format, its ``reason`` one of ``cross-origin``,
``missing-token`` or ``bad-token``. ``@csrf_exempt`` on a view, a resource
class or one of its responders turns the check off there (a webhook signed
by its sender, say).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import HTTPForbidden
from .layers._asgi import parse_host

if TYPE_CHECKING:
    from markupsafe import Markup

    from .request import Request

__all__ = [
    "CSRF",
    "SAFE_METHODS",
    "TEMPLATE_GLOBALS",
    "CSRFError",
    "csrf_exempt",
    "csrf_input",
    "csrf_token",
    "current",
    "is_exempt",
]

T = TypeVar("T")
#: Methods that must not change state, so never checked.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_EXEMPT = "__responder_csrf_exempt__"
_ORIGIN = re.compile(r"(https?)://([a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::([0-9]{1,5}))?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_Origin = tuple[str, str, str]  # scheme, host, port (the default port written out)

#: The request being answered and its API's settings, for the template functions.
current: contextvars.ContextVar[tuple[Request, CSRF] | None] = contextvars.ContextVar(
    "responder_csrf", default=None
)


class CSRFError(HTTPForbidden):
    """A 403: an unsafe, cookie-authenticated request failed the CSRF check.

    Attributes:
        reason: ``cross-origin``, ``missing-token`` or ``bad-token`` (also in the body).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail=detail, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class CSRF:
    """The CSRF check's settings, checked once: ``API(csrf=CSRF(...))``.

    Attributes:
        trusted_origins: other origins whose pages may post here, each
            ``scheme://host[:port]`` (e.g. ``https://admin.example.com``).
        field_name: the form field that carries the token.
        header_name: the header that carries the token (for ``fetch``).

    Raises:
        ValueError: an origin is not ``http(s)://host[:port]``, or a name is empty
            or not a header name.
    """

    trusted_origins: tuple[str, ...] = ()
    field_name: str = "csrf_token"
    header_name: str = "X-CSRF-Token"
    _trusted: frozenset[_Origin] = field(init=False, repr=False, compare=False)
    _header: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        origins = self.trusted_origins
        if isinstance(origins, str):
            raise ValueError("trusted_origins is a list of origins, not one string.")
        object.__setattr__(self, "trusted_origins", tuple(origins))
        object.__setattr__(self, "_trusted", frozenset(_checked_origin(o) for o in origins))
        if not isinstance(self.field_name, str) or not self.field_name:
            raise ValueError(f"field_name must be a non-empty str, not {self.field_name!r}.")
        if not isinstance(self.header_name, str) or not _HEADER_NAME.fullmatch(self.header_name):
            raise ValueError(f"header_name {self.header_name!r} is not a header name.")
        object.__setattr__(self, "_header", self.header_name.lower().encode("latin-1"))

    @classmethod
    def from_setting(cls, setting: bool | CSRF | None) -> CSRF | None:
        """The settings for ``API(csrf=...)``: True for the defaults; None when off.

        Raises:
            TypeError: the setting is neither a bool nor a :class:`CSRF`.
        """
        if setting is None or setting is False:
            return None
        if setting is True:
            return cls()
        if not isinstance(setting, CSRF):
            raise TypeError(f"csrf must be True or a responder.CSRF, not {setting!r}.")
        return setting

    async def check(self, req: Request) -> None:
        """Refuse ``req`` (an unsafe request) unless it passes; see the module's docs.

        Raises:
            CSRFError: it came from elsewhere, or has no token or a bad one.
        """
        if not req.has_session_cookie:
            return
        self._check_origin(req)
        token = req.header(self._header)
        if token is None and req.mimetype in _FORM_TYPES:
            form = await req.media("form")
            token = form.get(self.field_name) if isinstance(form, dict) else None
            if token is not None and not isinstance(token, str):
                raise CSRFError("bad-token", f"The {self.field_name} field must be sent once.")
        if token is None:
            raise CSRFError(
                "missing-token",
                f"This request needs a CSRF token, in the {self.header_name} header "
                f"or the {self.field_name} form field.",
            )
        if not req.csrf_token_matches(token.strip()):
            raise CSRFError(
                "bad-token", "The CSRF token is not valid for this session; reload the page."
            )

    def _check_origin(self, req: Request) -> None:
        origin = req.header(b"origin")
        if origin is not None:
            key = _origin_key(origin.strip().lower())
            if key is not None and (key in self._trusted or key == _own_origin(req)):
                return
            raise CSRFError(
                "cross-origin", f"The request came from {origin[:100]!r}, not from this site."
            )
        site = req.header(b"sec-fetch-site")
        if site is not None and site.strip().lower() not in ("same-origin", "none"):
            raise CSRFError(
                "cross-origin", f"The browser says this request is {site[:20]!r}, with no Origin."
            )


def _origin_key(value: str) -> _Origin | None:
    """``scheme://host[:port]`` as (scheme, host, port); None when it is not one."""
    match = _ORIGIN.fullmatch(value)
    if match is None:
        return None
    scheme, host, port = match.groups()
    return scheme, host.removesuffix("."), port or _DEFAULT_PORTS[scheme]


def _checked_origin(origin: Any) -> _Origin:
    key = _origin_key(origin.strip().lower()) if isinstance(origin, str) else None
    if key is None:
        raise ValueError(
            f"trusted_origins: {origin!r} is not an origin (scheme://host[:port], no path)."
        )
    return key


def _own_origin(req: Request) -> _Origin | None:
    """The origin ``req`` was sent to: its scheme and ``Host`` (None without a usable Host)."""
    scheme = str(req.scope.get("scheme") or "http")
    host = parse_host(req.header(b"host"))
    if host is None or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, host[0], host[1] or _DEFAULT_PORTS[scheme]


def csrf_exempt(view: T) -> T:
    """Decorate a view, resource class or responder so that ``csrf=`` never checks it."""
    setattr(view, _EXEMPT, True)
    return view


def is_exempt(*things: Any) -> bool:
    """Whether any of ``things`` was marked with :func:`csrf_exempt`."""
    return any(getattr(thing, _EXEMPT, False) for thing in things)


def _active() -> tuple[Request, CSRF]:
    found = current.get()
    if found is None:
        raise RuntimeError(
            "csrf_token() and csrf_input() work while a route answers a request, "
            "in an API made with csrf=True."
        )
    return found


def csrf_token() -> str:
    """In a template: a token for the session of the request being answered."""
    req, _ = _active()
    return req.csrf_token


def csrf_input() -> Markup:
    """In a template: the hidden form field that carries :func:`csrf_token`."""
    from markupsafe import Markup, escape  # with Jinja2, which depends on it

    req, options = _active()
    field, token = escape(options.field_name), escape(req.csrf_token)
    return Markup(f'<input type="hidden" name="{field}" value="{token}">')  # noqa: S704 - escaped


#: What every template rendered by the API sees.
TEMPLATE_GLOBALS: dict[str, Callable[[], Any]] = {
    "csrf_token": csrf_token,
    "csrf_input": csrf_input,
}
