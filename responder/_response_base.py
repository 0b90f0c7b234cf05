"""The state a view sets on a response: status, headers, cookies and one body.

:class:`ResponseBase` holds it; :mod:`responder.response_helpers` adds the
helpers built on it, and :class:`responder.response.Response` renders and
sends it. Split in three so that no module grows past what one can read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._headers import ResponseHeaders
from .after_response import AfterResponse
from .media.negotiation import text_encoding
from .urls import encode_url as _url

if TYPE_CHECKING:
    from datetime import datetime
    from http.cookies import SimpleCookie

    from .media import MediaRegistry
    from .request import Request
    from .sessions import Session

__all__ = ["ResponseBase"]

_TEXT = b"text/plain; charset=utf-8"
_HTML = b"text/html; charset=utf-8"
_UTF8_TYPES = (_TEXT, _HTML)
#: A URL that needs no encoding: printable ASCII, no space, every ``%`` an escape.
_PLAIN_URL = re.compile(r"(?:[!-$&-~]|%[0-9A-Fa-f]{2})*")
_REPRESENTATION_HEADERS = (
    "content-type",
    "content-encoding",
    "content-disposition",
    "content-range",
)


class ResponseBase(AfterResponse):
    """What goes back to the client, passed to every view as ``resp``.

    ``status_code`` starts as ``None`` (sent as 200) so that a before-hook
    that sets it can be told apart from one that does not.
    """

    __slots__ = (
        "_cookies",
        "_encoding",
        "_headers",
        "_kind",
        "_started",
        "_text_types",
        "_value",
        "is_problem",
        "registry",
        "req",
        "status_code",
        "strict_negotiation",
    )

    def __init__(
        self, req: Request, registry: MediaRegistry, *, strict_negotiation: bool = False
    ) -> None:
        self.req = req
        self.registry = registry
        self.strict_negotiation = strict_negotiation
        self.status_code: int | None = None
        self.is_problem = False
        self._after = None  # work queued by resp.background (after_response.py)
        self._headers: ResponseHeaders | None = None
        self._cookies: SimpleCookie | None = None
        self._kind = ""
        self._value: Any = None
        self._encoding = "utf-8"
        # PERF: the text and HTML Content-Types, built when the encoding changes.
        self._text_types = _UTF8_TYPES

    # -- status, headers, cookies -------------------------------------------

    @property
    def started(self) -> bool:
        """Whether the status line and headers have gone to the server.

        From then on the response cannot be replaced: an error can only cut it short.
        """
        # PERF: the slot is set only once something has been sent, not in __init__.
        return getattr(self, "_started", False)

    @property
    def ok(self) -> bool:
        """Whether the status is a success (2xx); an unset status counts as 200."""
        return 200 <= (self.status_code or 200) < 300

    @property
    def headers(self) -> ResponseHeaders:
        """Response headers; names are case-insensitive."""
        if self._headers is None:
            self._headers = ResponseHeaders()
        return self._headers

    @headers.setter
    def headers(self, value: Mapping[str, str]) -> None:
        self._headers = ResponseHeaders(value)

    def forget_representation(self) -> None:
        """Drop the headers that described the view's own body (an error answer replaces it)."""
        if self._headers:
            for name in _REPRESENTATION_HEADERS:
                self._headers.pop(name, None)

    @property
    def session(self) -> Session:
        """The request's session; change it here or on ``req.session``, it is the same dict."""
        return self.req.session

    @property
    def cookies(self) -> SimpleCookie:
        """Cookies to set: ``resp.cookies["name"] = "value"``."""
        if self._cookies is None:
            from http.cookies import SimpleCookie  # with the first cookie set

            self._cookies = SimpleCookie()
        return self._cookies

    def set_cookie(
        self,
        key: str,
        value: str = "",
        expires: datetime | str | int | None = None,
        max_age: int | None = None,
        domain: str | None = None,
        path: str | None = "/",
        secure: bool = False,
        httponly: bool = True,
        samesite: str | None = "lax",
    ) -> None:
        """Set a cookie with its attributes; ``HttpOnly`` and ``SameSite=Lax`` by default."""
        self.cookies[key] = value
        morsel = self.cookies[key]
        if expires is not None:
            morsel["expires"] = _cookie_date(expires)
        if max_age is not None:
            morsel["max-age"] = int(max_age)
        if domain is not None:
            morsel["domain"] = domain
        if path is not None:
            morsel["path"] = path
        morsel["secure"] = secure
        morsel["httponly"] = httponly
        if samesite is not None:
            morsel["samesite"] = samesite

    def clear(self) -> None:
        """Forget the status, headers, cookies and body set so far."""
        self.status_code = None
        self._headers = self._cookies = None
        self._kind, self._value = "", None

    def redirect(self, location: str, *, status_code: int = 301) -> None:
        """Send the client to ``location`` (301 by default) with an empty body.

        A location with characters a header cannot carry (``/☃``, ``café``,
        spaces, line breaks) is percent-encoded, and a non-ASCII host name
        IDNA-encoded; escapes already in it are kept as they are.
        """
        self.status_code = status_code
        self.headers["location"] = location if _PLAIN_URL.fullmatch(location) else _url(location)
        self._kind, self._value = "", None

    # -- the body: the last one set wins -------------------------------------

    @property
    def encoding(self) -> str:
        """How ``str`` bodies become bytes: ``text``, ``html`` and a ``str`` ``content``.

        UTF-8 unless set; read back as the codec's canonical name
        (``"iso8859-1"`` for ``"latin-1"``), which is also the ``charset`` that
        ``text`` and ``html`` bodies are labelled with. Applied when the
        response is sent, so it may be set before or after the body.

        Raises:
            ValueError: (on assignment) no such encoding, or not a text encoding.
        """
        return self._encoding

    @encoding.setter
    def encoding(self, value: str) -> None:
        encoding = text_encoding(value, "resp.encoding")
        self._encoding = encoding
        if encoding == "utf-8":
            self._text_types = _UTF8_TYPES
        else:
            self._text_types = (
                f"text/plain; charset={encoding}".encode("latin-1"),
                f"text/html; charset={encoding}".encode("latin-1"),
            )

    @property
    def text(self) -> str | None:
        """A ``text/plain`` body, encoded with ``encoding`` (UTF-8)."""
        return self._value if self._kind == "text" else None

    @text.setter
    def text(self, value: str) -> None:
        self._kind, self._value = "text", value

    @property
    def html(self) -> str | None:
        """A ``text/html`` body, encoded with ``encoding`` (UTF-8)."""
        return self._value if self._kind == "html" else None

    @html.setter
    def html(self, value: str) -> None:
        self._kind, self._value = "html", value

    @property
    def content(self) -> bytes | str | None:
        """A raw body; ``application/octet-stream`` unless ``Content-Type`` is set.

        A ``str`` is encoded with ``encoding`` (UTF-8) when the response is sent.
        """
        return self._value if self._kind == "content" else None

    @content.setter
    def content(self, value: bytes | str) -> None:
        self._kind, self._value = "content", value

    @property
    def media(self) -> Any:
        """A Python object, encoded in the format the client accepts (JSON by default)."""
        return self._value if self._kind == "media" else None

    @media.setter
    def media(self, value: Any) -> None:
        self._kind, self._value = "media", value


def _cookie_date(expires: datetime | str | int) -> str | int:
    """A cookie's ``Expires``: a datetime (UTC) as an HTTP date, a string or number as given.

    PERF: ``email.utils`` is loaded by the first date: about 5 ms at import,
    for a hello app that never sets one.
    """
    if isinstance(expires, (str, int, float)):
        return expires
    from email.utils import format_datetime

    return format_datetime(expires, usegmt=True)
