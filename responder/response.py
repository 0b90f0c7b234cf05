"""The response: mutated by views, rendered once to ASGI messages.

A view sets one body (``text``, ``html``, ``content`` or ``media``; the last
one set wins), a status code, headers and cookies. Rendering happens after the
view and the after-hooks have run, so ``resp.media`` is encoded exactly once,
by the handler that content negotiation picks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from email.utils import format_datetime
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from .after_response import AfterResponse
from .errors import HTTPNotAcceptable, HTTPNotFound
from .layers.compression import MINIMUM_SIZE, compress_rendered, compressing_send
from .media.negotiation import text_encoding
from .problems import problem_handler
from .types import Message, Send
from .urls import encode_url as _url

if TYPE_CHECKING:
    from .media import MediaHandler, MediaRegistry
    from .request import Request
    from .sessions import Session

__all__ = ["Response", "ResponseHeaders"]

_TEXT = b"text/plain; charset=utf-8"
_HTML = b"text/html; charset=utf-8"
_UTF8_TYPES = (_TEXT, _HTML)
_BINARY = b"application/octet-stream"
#: A URL that needs no encoding: printable ASCII, no space, every ``%`` an escape.
_PLAIN_URL = re.compile(r"(?:[!-$&-~]|%[0-9A-Fa-f]{2})*")
_REPRESENTATION_HEADERS = (
    "content-type",
    "content-encoding",
    "content-disposition",
    "content-range",
)
_NO_BODY_STATUSES = frozenset({204, 205, 304})


class EncodeAsync(Exception):  # a signal from render to send_to, not an error
    """``render`` met a handler that encodes in ``serialize_async``: the caller awaits it."""

    def __init__(self, handler: MediaHandler) -> None:
        super().__init__(handler)
        self.handler = handler


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


class Response(AfterResponse):
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
            morsel["expires"] = (
                format_datetime(expires, usegmt=True) if isinstance(expires, datetime) else expires
            )
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

    # -- bodies that stream ------------------------------------------------------

    def file(self, path: str | os.PathLike[str], content_type: str | None = None) -> None:
        """Send a file from disk, streamed in chunks.

        The type is guessed from the file name unless given. ``ETag`` and
        ``Last-Modified`` are set; conditional requests get 304 and ``Range``
        requests 206 (or 416).

        Raises:
            HTTPNotFound: there is no such file.
        """
        if not os.path.isfile(path):
            raise HTTPNotFound(detail="The requested file does not exist.")
        self._kind, self._value = "file", (path, content_type)

    def stream_file(self, path: str | os.PathLike[str], content_type: str | None = None) -> None:
        """Send a large file; the same as :meth:`file`, which never loads a whole file."""
        self.file(path, content_type)

    def stream(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Send the chunks (``str`` or ``bytes``) that a generator function yields.

        Use as a decorator in a view: ``@resp.stream`` on an async (or sync)
        generator function. ``text/plain; charset=utf-8`` unless a
        ``Content-Type`` header is set.
        """
        self._kind, self._value = "stream", (func, args, kwargs)
        return func

    def sse(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Send server-sent events: a generator yielding strings or event dicts.

        Dicts may hold ``data``, ``event``, ``id``, ``retry`` and ``comment``;
        see :func:`responder.streaming.encode_event` for how line breaks are kept
        from injecting frames.
        """
        self._kind, self._value = "sse", (func, args, kwargs)
        return func

    # -- rendering ------------------------------------------------------------

    def negotiate(self) -> tuple[MediaHandler, str]:
        """The handler that will encode ``media`` and the type to label it with.

        Chosen from the request's ``Accept`` header; when nothing fits, the
        default format (JSON), unless negotiation is strict. Problem details
        are chosen by :func:`responder.problems.problem_handler`, never strictly.

        Raises:
            HTTPNotAcceptable: nothing fits and negotiation is strict.
        """
        registry = self.registry
        if self.is_problem:  # chosen, and labelled, as every other error answer is
            handler = problem_handler(registry, self.req.header(b"accept"))
            return handler, handler.problem_content_type
        choice = registry.negotiate(self.req.header(b"accept"))
        if choice is None:
            if self.strict_negotiation:
                types = ", ".join(registry.response_media_types)
                raise HTTPNotAcceptable(detail=f"This resource can be sent as {types}.")
            default = registry.default
            choice = default, default.content_type
        return choice

    def render(
        self, media_body: bytes | None = None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The status, raw headers and body to send.

        Args:
            media_body: ``media`` as the handler's ``serialize_async`` encoded it.

        Raises:
            ValueError: a header holds a line break (a bug in the app, not the client).
            EncodeAsync: ``media`` is to be encoded by a handler's ``serialize_async``
                and ``media_body`` is not given: await it, then render again.
        """
        status = self.status_code or 200
        raw: list[tuple[bytes, bytes]] = []
        kind = self._kind
        custom = self._headers
        content_type: bytes | None
        if kind == "text":
            body, content_type = self._value.encode(self._encoding), self._text_types[0]
        elif kind == "media":
            handler, mime = self.negotiate()
            if not handler.serializes_async:
                body = handler.serialize(self._value)
            elif media_body is None:
                raise EncodeAsync(handler)
            else:
                body = media_body
            content_type = mime.encode("latin-1")
            raw.append((b"vary", b"Accept"))
        elif kind == "html":
            body, content_type = self._value.encode(self._encoding), self._text_types[1]
        elif kind == "content":
            value = self._value
            body = value.encode(self._encoding) if isinstance(value, str) else bytes(value)
            content_type = _BINARY
        else:
            body, content_type = b"", None
        if status < 200 or status in _NO_BODY_STATUSES:
            body = b""
        else:
            if content_type is not None and not (custom and "content-type" in custom):
                raw.append((b"content-type", content_type))
            raw.append((b"content-length", str(len(body)).encode()))
        # PERF: a request that never touched its session skips the session check.
        if custom or self._cookies or self.req.loaded_session is not None:
            self._extend_headers(raw)
        return status, raw, body

    async def _send_streaming(self, send: Send, head: bool, gzip: bool) -> None:
        from . import streaming

        raw: list[tuple[bytes, bytes]] = []
        self._extend_headers(raw)
        custom_type = self._headers.get("content-type") if self._headers else None
        status = self.status_code or 200
        send = self._marking_started(send)
        app: Any
        if self._kind == "file":
            path, content_type = self._value
            raw = [(k, v) for k, v in raw if k != b"content-type"]
            if gzip:  # a file has a known length: compressed like any other body
                header = self.req.header
                send = compressing_send(
                    send, header(b"accept-encoding"), head, header(b"if-none-match")
                )
            app = streaming.file_app(
                path,
                status=status,
                content_type=custom_type or content_type,
                headers=raw,
                request_headers=self.req.headers,
            )
        else:
            func, args, kwargs = self._value
            default_type = "text/event-stream" if self._kind == "sse" else _TEXT.decode()
            if custom_type is None:  # a Content-Type the view set is sent as it is
                raw.append((b"content-type", default_type.encode("latin-1")))
            if head:  # headers only: the generator is never started
                await send({"type": "http.response.start", "status": status, "headers": raw})
                await send({"type": "http.response.body", "body": b""})
                return
            events = self._kind == "sse"
            app = streaming.stream_app(
                func, args, kwargs, status=status, headers=raw, events=events
            )
        await app(self.req.scope, self.req.receive_channel, send)

    def _marking_started(self, send: Send) -> Send:
        """``send``, noting in :attr:`started` that the first message went to the server.

        Wraps the server's own ``send``: a start message that a compressor holds
        back has not gone out, and the response can still become a 500.
        """

        async def marking(message: Message) -> None:
            self._started = True
            await send(message)

        return marking

    def _extend_headers(self, raw: list[tuple[bytes, bytes]]) -> None:
        for name, value in (self._headers or {}).items():
            if name == "content-length":
                continue
            text = str(value)
            if "\n" in text or "\r" in text:
                raise ValueError(f"Header {name!r} contains a line break.")
            raw.append((name.encode("latin-1"), text.encode("latin-1")))
        for morsel in (self._cookies or {}).values():
            raw.append((b"set-cookie", morsel.OutputString().encode("latin-1")))
        session_cookie = self.req.session_cookie()
        if session_cookie is not None:
            raw.append((b"set-cookie", session_cookie))

    # PERF: head and gzip are positional: the app passes them on every request, and a
    # keyword call costs a coroutine about 100 ns more.
    async def send_to(self, send: Send, head: bool = False, gzip: bool = False) -> None:
        """Render and send: one start message, one body message (or a stream).

        With ``gzip``, a body of 500 bytes or more is compressed when the
        client accepts it (see :mod:`responder.layers.compression`); a HEAD
        request gets the same headers, compressed ``Content-Length`` included.
        Streams and server-sent events are never compressed.
        """
        if self._kind in ("file", "stream", "sse"):
            await self._send_streaming(send, head, gzip)
            return
        try:
            status, headers, body = self.render()
        except EncodeAsync as pending:
            # PERF: only handlers that override serialize_async get here; for the rest
            # (the built-in ones) render stays one sync call with no await.
            media_body = await pending.handler.serialize_async(self._value)
            status, headers, body = self.render(media_body)
        # PERF: a small body costs two comparisons; only large ones look at Accept-Encoding.
        if gzip and (len(body) >= MINIMUM_SIZE or status == 304):
            body = await compress_rendered(status, headers, body, self.req.header)
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if head else body})
        except BaseException:
            self._started = True  # the server may have the headers: no second response
            raise
