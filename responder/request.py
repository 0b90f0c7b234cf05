"""The request: lazy, read-only views over the ASGI scope and body.

Nothing is parsed until a view asks for it: a view that reads no headers pays
for no header parsing. Each view is computed once and cached on the request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from ._lazy import on_first_call
from .errors import HTTPBadRequest, HTTPContentTooLarge, HTTPUnsupportedMediaType
from .media.handlers import require_charset
from .media.negotiation import parse_accept, parse_content_type, quality, text_encoding
from .types import Receive, Scope

if TYPE_CHECKING:
    from starlette.datastructures import URL, Address, Headers, State

    from ._query_params import QueryParams
    from .media import MediaHandler, MediaRegistry
    from .sessions import Session, SessionCodec
    from .uploads import UploadFile
else:
    # starlette.datastructures (with anyio and http.client) loads with the first
    # request that reads its URL, query, headers, client or state.
    URL = on_first_call("starlette.datastructures", "URL", globals())
    Address = on_first_call("starlette.datastructures", "Address", globals())
    Headers = on_first_call("starlette.datastructures", "Headers", globals())
    State = on_first_call("starlette.datastructures", "State", globals())
    QueryParams = on_first_call("responder._query_params", "QueryParams", globals())

__all__ = ["BodyConsumedError", "Request"]

DEFAULT_MAX_REQUEST_SIZE = 10 * 1024 * 1024


class ClientDisconnected(HTTPBadRequest):
    """The client went away before it finished sending the body."""


class BodyConsumedError(RuntimeError):
    """The body was read with ``req.stream()``, so it is gone: nothing kept it to read again."""


class Request:
    """What the client sent, passed to every view as ``req``.

    Args:
        scope: the ASGI connection scope.
        receive: the ASGI receive channel, read once for the body.
        media: the media registry that decodes ``await req.media()``.
        max_request_size: bytes of body accepted before answering 413.
        path_params: the route's converted parameters.
        sessions: gives the session codec, called only when ``session`` is
            first used, so apps that never touch sessions never build one.
    """

    __slots__ = (
        "_body",
        "_charset",
        "_cookies",
        "_headers",
        "_media",
        "_params",
        "_receive",
        "_registry",
        "_sessions",
        "_streamed",
        "_url",
        "loaded_session",
        "max_request_size",
        "path_params",
        "scope",
        "uploads",
    )

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        media: MediaRegistry,
        max_request_size: int = DEFAULT_MAX_REQUEST_SIZE,
        path_params: dict[str, Any] | None = None,
        sessions: Callable[[], SessionCodec] | None = None,
    ) -> None:
        self.scope = scope
        self._receive = receive
        self._registry = media
        self.max_request_size = max_request_size
        self.path_params: dict[str, Any] = {} if path_params is None else path_params
        self._headers: Headers | None = None
        self._params: QueryParams | None = None
        self._cookies: dict[str, str] | None = None
        self._url: URL | None = None
        self._body: bytes | None = None
        self._charset: str | None = None
        self._media: dict[str, Any] | None = None
        self._streamed = False
        #: The files a multipart body was decoded into; closed once the response is sent.
        self.uploads: list[UploadFile] | None = None
        self._sessions = sessions
        #: The session, once a view or hook used ``req.session``; None until then.
        self.loaded_session: Session | None = None

    @property
    def receive_channel(self) -> Receive:
        """The ASGI receive callable (for handing the connection to another ASGI app)."""
        return self._receive

    # -- the request line ---------------------------------------------------

    @property
    def method(self) -> str:
        """The HTTP method, lower-case (``"get"``, ``"post"``, …)."""
        return str(self.scope["method"]).lower()

    @property
    def url(self) -> URL:
        """The parsed URL (``.path``, ``.query``, ``.hostname``, …)."""
        if self._url is None:
            self._url = URL(scope=self.scope)
        return self._url

    @property
    def full_url(self) -> str:
        """The whole URL as a string, query included."""
        return str(self.url)

    @property
    def params(self) -> QueryParams:
        """Query parameters: ``params["q"]`` (last value), ``params.get_list("q")`` (all)."""
        if self._params is None:
            self._params = QueryParams(self.scope.get("query_string", b""))
        return self._params

    # -- headers and friends ------------------------------------------------

    @property
    def headers(self) -> Headers:
        """Request headers, case-insensitive; ``getlist`` for repeated ones."""
        if self._headers is None:
            self._headers = Headers(scope=self.scope)
        return self._headers

    def header(self, name: bytes) -> str | None:
        """Header ``name`` (lower-case bytes), repeated fields joined with commas.

        PERF: read straight from the scope; content negotiation needs one
        header and should not pay for the full header view.
        """
        found: bytes | None = None
        for key, value in self.scope["headers"]:
            if key == name:
                found = value if found is None else found + b", " + value
        return None if found is None else found.decode("latin-1")

    def _first(self, name: bytes) -> str | None:
        """The first ``name`` header (lower-case bytes): what ``req.headers.get`` gives.

        PERF: read straight from the scope, so reading a body, its type or the
        cookies builds no header view (nor loads Starlette's data structures).
        """
        headers: list[tuple[bytes, bytes]] = self.scope["headers"]
        for key, value in headers:
            if key == name:
                return value.decode("latin-1")
        return None

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent by the client; malformed pairs are skipped, never an error."""
        if self._cookies is None:
            self._cookies = _parse_cookies(self._first(b"cookie") or "")
        return self._cookies

    @property
    def session(self) -> Session:
        """The signed-cookie session: a dict; changes are saved in the response."""
        if self.loaded_session is None:
            codec = self._codec()
            self.loaded_session = codec.load(self.cookies.get(codec.cookie_name))
        return self.loaded_session

    def _codec(self) -> SessionCodec:
        if self._sessions is None:
            raise RuntimeError("Sessions are not available outside an API.")
        return self._sessions()

    @property
    def has_session_cookie(self) -> bool:
        """Whether the client sent a session cookie (valid or not): cookie-authenticated."""
        return self._codec().cookie_name in self.cookies

    @property
    def csrf_token(self) -> str:
        """A CSRF token for this session, for a form field or a header (docs/security.md).

        Each read gives a new token, all good for this session; the first
        gives the session a CSRF secret (so the session cookie is written).
        """
        from . import _csrf_token  # hashlib and hmac load with the first token

        return _csrf_token.issue(self.session, self._codec().csrf_key)

    def csrf_token_matches(self, token: str) -> bool:
        """Whether ``token`` was issued (by :attr:`csrf_token`) for this request's session."""
        from . import _csrf_token

        return _csrf_token.verify(self.session, self._codec().csrf_key, token)

    def session_cookie(self) -> bytes | None:
        """The ``Set-Cookie`` value that saves a changed session, else None."""
        session = self.loaded_session
        if session is None or not session.modified or self._sessions is None:
            return None
        return self._sessions().set_cookie_header(session)

    @property
    def client(self) -> Address | None:
        """The client's ``(host, port)``, when the server knows it."""
        client = self.scope.get("client")
        return Address(*client) if client else None

    @property
    def is_secure(self) -> bool:
        """Whether the request came over TLS (``https`` or ``wss``)."""
        return self.scope.get("scheme") in ("https", "wss")

    @property
    def mimetype(self) -> str:
        """The body's media type without parameters, lower-case; ``""`` when absent."""
        return parse_content_type(self._first(b"content-type"))[0]

    @property
    def is_json(self) -> bool:
        """Whether the body is declared as JSON (``application/json`` or ``+json``)."""
        mimetype = self.mimetype
        return mimetype == "application/json" or mimetype.endswith("+json")

    @property
    def state(self) -> State:
        """Per-request scratch space for hooks and views (starts with lifespan state)."""
        return State(self.scope.setdefault("state", {}))

    def accepts(self, media_type: str) -> bool:
        """Whether the client's ``Accept`` header admits ``media_type`` (q > 0)."""
        return quality(parse_accept(self._first(b"accept")), media_type.lower()) > 0

    # -- the body -----------------------------------------------------------

    @property
    def content(self) -> Any:
        """The raw body (awaitable): ``body = await req.content``."""
        return self._read_body()

    @property
    def encoding(self) -> Any:
        """The body's character encoding (awaitable): the declared charset, else UTF-8.

        Assign to override it (``req.encoding = "latin-1"``) for a client that
        sends text without saying its charset; ``req.text`` and the text
        formats of ``req.media()`` then decode with it. ``None`` goes back to
        the declared charset.

        Raises:
            ValueError: (on assignment) no such encoding, or not a text encoding.
            HTTPUnsupportedMediaType: (awaited) the declared charset is not a
                character set we know, and none was assigned.
        """
        return self._encoding()

    @encoding.setter
    def encoding(self, value: str | None) -> None:
        self._charset = None if value is None else text_encoding(value, "req.encoding")

    @property
    def text(self) -> Any:
        """The body decoded to ``str`` (awaitable); undecodable bytes become U+FFFD.

        Raises:
            HTTPUnsupportedMediaType: the declared charset is not a character set
                we know (unless ``req.encoding`` was set).
        """
        return self._text()

    async def _encoding(self) -> str:
        if self._charset is not None:
            return self._charset
        return self._declared_charset() or "utf-8"

    def _declared_charset(self) -> str | None:
        """The canonical name of the body's declared charset, None when it declares none.

        An unknown charset, or a codec that is not one (``zlib``, ``idna``), is
        a 415: guessing would hand the view text the client did not send.
        """
        charset = parse_content_type(self._first(b"content-type"))[1].get("charset")
        return None if charset is None else require_charset(charset)

    async def _text(self) -> str:
        body = await self._read_body()
        return body.decode(await self._encoding(), errors="replace")

    def stream(self) -> AsyncIterator[bytes]:
        """The body as it arrives: ``async for chunk in req.stream()``, nothing kept.

        ``max_request_size`` is enforced as the chunks come (a 413 at the
        first byte past it), and a body that ends shorter or runs longer than
        its ``Content-Length`` is a 400. A body already read (``await
        req.content``, ``await req.media()``) is given from memory instead.

        Raises:
            BodyConsumedError: the body was streamed before, so it is gone.
        """
        if self._body is not None:
            return _replay(self._body)
        self._claim()
        return self._chunks()

    def _claim(self) -> None:
        """Take the body from the connection, which gives it once."""
        if self._streamed:
            raise BodyConsumedError(
                "The request body was already read with req.stream(); it can be read once. "
                "Read it with `await req.content` first to keep it."
            )
        self._streamed = True

    async def _chunks(self) -> AsyncIterator[bytes]:
        declared = self._content_length()
        size = 0
        more = True
        while more:
            message = await self._receive()
            chunk = self._accept(message, size, declared)
            size += len(chunk)
            more = message.get("more_body", False)
            if chunk:
                yield chunk

    def _accept(self, message: Any, size: int, declared: int | None) -> bytes:
        """One message's chunk, after ``size`` bytes: checked against the limit and the length.

        Raises:
            ClientDisconnected: the client went away before the body ended.
            HTTPContentTooLarge: the body passes ``max_request_size`` with this chunk.
            HTTPBadRequest: the body is longer, or ended shorter, than its Content-Length.
        """
        if message["type"] == "http.disconnect":
            raise ClientDisconnected(detail="The client disconnected before the body ended.")
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > self.max_request_size:  # counted as it comes: Content-Length may lie
            raise _too_large(self.max_request_size)
        if declared is not None and (
            size > declared or (size < declared and not message.get("more_body", False))
        ):
            raise HTTPBadRequest(
                detail=f"The body is not the {declared} bytes its Content-Length says."
            )
        return chunk

    def _content_length(self) -> int | None:
        """The declared body length, refused at once (413) when it is over the limit."""
        declared = self._first(b"content-length")
        if declared is None or not declared.isdigit():
            return None
        length = int(declared)
        if length > self.max_request_size:
            raise _too_large(self.max_request_size)
        return length

    async def _read_body(self) -> bytes:
        if self._body is not None:
            return self._body
        self._claim()  # PERF: read here, not through the generator: one frame less per body
        declared = self._content_length()
        message = await self._receive()
        body = self._accept(message, 0, declared)
        if message.get("more_body", False):  # most bodies come in one message
            chunks = [body]
            size = len(body)
            while message.get("more_body", False):
                message = await self._receive()
                chunk = self._accept(message, size, declared)
                size += len(chunk)
                chunks.append(chunk)
            body = b"".join(chunks)
        self._body = body
        return body

    def close_files(self) -> None:
        """Close the uploaded files the body was decoded into (those on disk are deleted)."""
        for upload in self.uploads or ():
            upload.file.close()
        self.uploads = None

    async def media(self, format: str | None = None) -> Any:  # noqa: A002 - the documented name
        """Decode the body: ``await req.media()``, or ``await req.media("json")``.

        Without ``format`` the body's ``Content-Type`` picks the handler (JSON
        when none is given). The result is cached per request.

        Raises:
            HTTPUnsupportedMediaType: no handler reads this ``Content-Type``, or
                its charset is not a character set we know.
            MediaMalformedError: the body does not parse (a 400).
            HTTPContentTooLarge: the body is over ``max_request_size``.
        """
        content_type = self._first(b"content-type")
        handler = self._handler_for(format, content_type)
        cache = self._media
        if cache is not None and handler.format in cache:
            return cache[handler.format]
        parameters = parse_content_type(content_type)[1]
        # Checked here for every handler, so that a custom one is only ever
        # handed the canonical name of a character set.
        charset = self._charset
        if charset is None and "charset" in parameters:
            charset = require_charset(parameters["charset"])
        if handler.streams:  # reads a body not read yet as it arrives, else from memory
            value = await handler.deserialize_stream(
                self.stream(), charset=charset, parameters=parameters
            )
            from .uploads import uploads_in  # loaded already by any handler that made uploads

            self.uploads = [*(self.uploads or ()), *uploads_in(value)]
        else:
            body = await self._read_body()
            if handler.deserializes_async:
                if handler.needs_parameters:
                    value = await handler.deserialize_async(
                        body, charset=charset, parameters=parameters
                    )
                else:
                    value = await handler.deserialize_async(body, charset=charset)
            elif handler.needs_parameters:
                value = handler.deserialize(body, charset=charset, parameters=parameters)  # type: ignore[call-arg]
            else:
                value = handler.deserialize(body, charset=charset)
        if cache is None:
            cache = self._media = {}
        cache[handler.format] = value
        return value

    def replace_media(self, value: Any, format: str | None = None) -> None:  # noqa: A002
        """Make ``await req.media(format)`` return ``value`` (e.g. after validation)."""
        handler = self._handler_for(format, self._first(b"content-type"))
        if self._media is None:
            self._media = {}
        self._media[handler.format] = value

    def _handler_for(self, format: str | None, content_type: str | None) -> MediaHandler:  # noqa: A002
        registry = self._registry
        declared = registry.for_content_type(content_type) if content_type else None
        if format is None:
            if declared is None and content_type:
                raise HTTPUnsupportedMediaType(
                    detail=f"Cannot read a body of type {parse_content_type(content_type)[0]!r}.",
                    accepted=registry.media_types,
                )
            return declared or registry.default
        handler = registry.by_format(format)
        if handler is None:
            raise LookupError(f"No media handler has the format {format!r}.")
        if declared is not None and handler.family and declared.family == handler.family:
            return declared  # "form" and "files" each read both kinds of form body
        return handler


async def _replay(body: bytes) -> AsyncIterator[bytes]:
    """A body already in memory, as the one chunk of a stream."""
    if body:
        yield body


def _too_large(limit: int) -> HTTPContentTooLarge:
    return HTTPContentTooLarge(detail=f"The request body is larger than {limit} bytes.")


def _parse_cookies(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` header tolerantly: bad pairs are dropped, the rest kept."""
    cookies: dict[str, str] = {}
    for chunk in header.split(";"):
        key, sep, value = chunk.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            continue
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = _unquote(value)
        cookies[key] = value
    return cookies


def _unquote(value: str) -> str:
    return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
