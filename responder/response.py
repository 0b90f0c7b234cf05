"""The response: mutated by views, rendered once to ASGI messages.

A view sets one body (``text``, ``html``, ``content`` or ``media``; the last
one set wins), a status code, headers and cookies. Rendering happens after the
view and the after-hooks have run, so ``resp.media`` is encoded exactly once,
by the handler that content negotiation picks.

The state lives in :class:`~._response_base.ResponseBase`, the helpers in
:class:`~.response_helpers.ResponseHelpers`; this module renders and sends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._headers import ResponseHeaders, add_vary, get_header, set_header
from ._lazy import on_first_call
from ._response_base import _TEXT
from .errors import HTTPNotAcceptable
from .layers.options import GZIP_MINIMUM_SIZE as MINIMUM_SIZE
from .response_helpers import ResponseHelpers
from .types import Message, Send

if TYPE_CHECKING:
    from .layers.compression import compress_rendered, compressing_send
    from .media import MediaHandler
    from .problems import problem_handler
    from .validators import body_etag, evaluate, not_modified_headers, parse_http_date
else:  # PERF: loaded by the first error answer or response with validators; then direct
    problem_handler = on_first_call("responder.problems", "problem_handler", globals())
    compress_rendered = on_first_call(
        "responder.layers.compression", "compress_rendered", globals()
    )
    compressing_send = on_first_call("responder.layers.compression", "compressing_send", globals())
    body_etag = on_first_call("responder.validators", "body_etag", globals())
    evaluate = on_first_call("responder.validators", "evaluate", globals())
    not_modified_headers = on_first_call("responder.validators", "not_modified_headers", globals())
    parse_http_date = on_first_call("responder.validators", "parse_http_date", globals())

__all__ = ["Response", "ResponseHeaders"]

_BINARY = b"application/octet-stream"
_NO_BODY_STATUSES = frozenset({204, 205, 304})
_has = dict.__contains__  # PERF: ResponseHeaders keys are lower-case; skip its lower()


class EncodeAsync(Exception):  # a signal from render to send_to, not an error
    """``render`` met a handler that encodes in ``serialize_async``: the caller awaits it."""

    def __init__(self, handler: MediaHandler) -> None:
        super().__init__(handler)
        self.handler = handler


class Response(ResponseHelpers):
    """What goes back to the client, passed to every view as ``resp``.

    ``status_code`` starts as ``None`` (sent as 200) so that a before-hook
    that sets it can be told apart from one that does not.
    """

    __slots__ = ()

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
            if name == "vary":  # one Vary, merged with the Accept that negotiation added
                _merge_vary(raw, text)
                continue
            raw.append((name.encode("latin-1"), text.encode("latin-1")))
        for morsel in (self._cookies or {}).values():
            raw.append((b"set-cookie", morsel.OutputString().encode("latin-1")))
        session_cookie = self.req.session_cookie()
        if session_cookie is not None:
            raw.append((b"set-cookie", session_cookie))

    async def _revalidate(
        self, headers: list[tuple[bytes, bytes]], body: bytes, auto_etag: bool
    ) -> tuple[int, bytes]:
        """A 200 to GET or HEAD, as a 304 when the client holds this version; else as it is.

        The validators are the response's own ``ETag`` and ``Last-Modified``;
        with ``auto_etag`` and no ``ETag``, one is made from the body's bytes.
        """
        method = self.req.scope["method"]
        if method not in ("GET", "HEAD"):
            return 200, body
        raw_etag = get_header(headers, b"etag")
        if raw_etag is not None:
            etag: str | None = raw_etag.decode("latin-1")
        elif auto_etag:
            etag = await body_etag(body)
            headers.append((b"etag", etag.encode("ascii")))
        else:
            etag = None
        modified = get_header(headers, b"last-modified")
        last_modified = parse_http_date(modified.decode("latin-1")) if modified else None
        if evaluate(method, self.req.header, etag, last_modified) != 304:
            return 200, body
        headers[:] = not_modified_headers(headers)
        return 304, b""

    # PERF: head, gzip and auto_etag are positional: the app passes them on every
    # request, and a keyword call costs a coroutine about 100 ns more.
    async def send_to(
        self, send: Send, head: bool = False, gzip: bool = False, auto_etag: bool = False
    ) -> None:
        """Render and send: one start message, one body message (or a stream).

        A 200 to GET or HEAD that carries ``ETag`` or ``Last-Modified`` (or,
        with ``auto_etag``, any such 200: the ETag is then a hash of the body)
        becomes a 304 with no body when the client's copy is current.
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
        # PERF: a response with no headers of its own, and no auto_etag, pays two tests.
        custom = self._headers
        if status == 200 and (
            auto_etag or (custom and (_has(custom, "etag") or _has(custom, "last-modified")))
        ):
            status, body = await self._revalidate(headers, body, auto_etag)
        # PERF: a small body costs two comparisons; only large ones look at Accept-Encoding.
        if gzip and (len(body) >= MINIMUM_SIZE or status == 304):
            body = await compress_rendered(status, headers, body, self.req.header)
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if head else body})
        except BaseException:
            self._started = True  # the server may have the headers: no second response
            raise


def _merge_vary(raw: list[tuple[bytes, bytes]], value: str) -> None:
    """Merge a ``Vary`` the view set into ``raw``; ``*`` stands alone."""
    names = [token.strip() for token in value.split(",") if token.strip()]
    if "*" in names:
        set_header(raw, b"vary", b"*")
    else:
        add_vary(raw, *names)
