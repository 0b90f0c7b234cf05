"""gzip: compress response bodies for clients that accept it (on by default).

A response is compressed when all of these hold:

- the client's ``Accept-Encoding`` accepts ``gzip`` (or ``x-gzip``, or ``*``
  when gzip is not named) with a q-value above 0;
- its length is known before it is sent (one body, or a ``Content-Length``)
  and is at least :data:`MINIMUM_SIZE` bytes. A body sent in several parts
  without a length is a stream (``resp.stream``, ``resp.sse``, a streaming
  response of a mounted app) and is never compressed, so that every part
  reaches the client the moment it is sent;
- the response has no ``Content-Encoding`` yet, no ``Cache-Control:
  no-transform``, is not a 206 partial response (nor 304, 204, 1xx), and its
  type is not one that is compressed already (:data:`EXCLUDED_TYPES`: images,
  audio, video, archives, fonts) or must never be (``text/event-stream``).

Every response that would be compressed for a client that accepts gzip says
so with ``Vary: Accept-Encoding``, whether or not this client got it
compressed. A compressed response gets the compressed ``Content-Length`` when
its body comes in one piece (files sent in chunks lose theirs), and a strong
``ETag`` becomes weak (``W/"..."``), since the bytes differ from the
uncompressed ones. A HEAD request gets the headers its GET would get; where
the compressed length cannot be known without reading the body (a file, a
mounted app), ``Content-Length`` is left out, as RFC 9110 §9.3.2 allows.

Responses rendered from ``resp.text``/``html``/``content``/``media`` are
compressed by :func:`compress_rendered`, where the body is already in hand;
files (``resp.file``) and mounted apps go through :class:`GZipLayer` /
:func:`compressing_send`, which look at the ASGI messages as they pass.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable

from .._concurrency import run_sync
from .._lazy import compiled_on_first_use
from ..types import ASGIApp, Message, Receive, Scope, Send
from ._asgi import (
    RawHeaders,
    add_vary,
    get_header,
    request_header,
    response_headers,
    set_header,
)
from .options import GZIP_MINIMUM_SIZE

__all__ = [
    "COMPRESSION_LEVEL",
    "EXCLUDED_TYPES",
    "MINIMUM_SIZE",
    "GZipLayer",
    "accepts_gzip",
    "compress_rendered",
    "compressing_send",
]

#: Bodies shorter than this (in bytes) are sent as they are: gzip would not pay off.
MINIMUM_SIZE = GZIP_MINIMUM_SIZE
#: The zlib level. 1 is zlib's fastest: on JSON and HTML bodies of 20-40 KB it
#: compresses about twice as fast as the default 6 and four times as fast as 9,
#: for output 5-15% larger (nginx's ``gzip_comp_level`` defaults to 1 too).
COMPRESSION_LEVEL = 1
#: Bodies at least this large are compressed in a worker thread, off the event loop.
THREAD_MINIMUM_SIZE = 256 * 1024
#: Media types never compressed: streams that must not be buffered, and compressed formats.
EXCLUDED_TYPES = frozenset(
    {
        "text/event-stream",
        "application/gzip",
        "application/x-gzip",
        "application/zip",
        "application/zstd",
        "application/x-7z-compressed",
        "application/x-bzip2",
        "application/x-xz",
        "application/grpc",
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/avif",
        "font/woff",
        "font/woff2",
    }
)
_EXCLUDED_FAMILIES = ("audio/", "video/")
_NOT_COMPRESSED_STATUSES = frozenset({204, 206, 304})
_Q_VALUE: re.Pattern[str] = compiled_on_first_use(
    "_Q_VALUE", r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", globals(), re.IGNORECASE
)
_MAX_CODINGS = 32


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value lets the response be gzip-compressed.

    ``gzip`` (or ``x-gzip``) with q > 0 accepts; ``gzip;q=0`` refuses even when
    ``*`` is accepted; ``*`` with q > 0 accepts when gzip is not named. An
    invalid q-value counts as 0.
    """
    if not accept_encoding:
        return False
    gzip_q: float | None = None
    any_q: float | None = None
    for item in accept_encoding.split(",")[:_MAX_CODINGS]:
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            param = param.strip().replace(" ", "")
            if param[:2].lower() == "q=":
                match = _Q_VALUE.fullmatch(param)
                q = float(match.group(1)) if match else 0.0
        if coding in ("gzip", "x-gzip"):
            gzip_q = q if gzip_q is None else max(gzip_q, q)
        elif coding == "*":
            any_q = q
    if gzip_q is not None:
        return gzip_q > 0
    return any_q is not None and any_q > 0


# PERF: clients send a handful of distinct values; a bounded cache cannot be grown by them.
_accepts_cached = functools.lru_cache(maxsize=256)(accepts_gzip)


def _client_accepts(accept_encoding: str | None) -> bool:
    """:func:`accepts_gzip`, remembered per header text."""
    return accept_encoding is not None and _accepts_cached(accept_encoding)


def compressible(status: int, headers: RawHeaders) -> bool:
    """Whether a response with this status and these headers may be compressed at all."""
    if status < 200 or status in _NOT_COMPRESSED_STATUSES:
        return False
    if get_header(headers, b"content-encoding") is not None:
        return False
    cache_control = (get_header(headers, b"cache-control") or b"").lower()
    if b"no-transform" in cache_control:
        return False
    content_type = (get_header(headers, b"content-type") or b"").decode("latin-1")
    media_type = content_type.partition(";")[0].strip().lower()
    return not (media_type in EXCLUDED_TYPES or media_type.startswith(_EXCLUDED_FAMILIES))


def _mark_compressed(headers: RawHeaders, length: int | None) -> None:
    """Headers of the compressed representation: its encoding, its length, a weak ETag."""
    set_header(headers, b"content-encoding", b"gzip")
    if length is None:
        headers[:] = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    else:
        set_header(headers, b"content-length", str(length).encode())
    etag = get_header(headers, b"etag")
    if etag is not None and etag.startswith(b'"'):
        set_header(headers, b"etag", b"W/" + etag)


def _gzip(body: bytes) -> bytes:
    return zlib.compress(body, COMPRESSION_LEVEL, 16 + zlib.MAX_WBITS)


async def _gzip_off_loop(body: bytes) -> bytes:
    """The body gzip-compressed; large ones in a worker thread so the loop keeps serving."""
    if len(body) >= THREAD_MINIMUM_SIZE:
        return await run_sync(_gzip, body)
    return _gzip(body)


async def compress_rendered(
    status: int, headers: RawHeaders, body: bytes, request_header: Callable[[bytes], str | None]
) -> bytes:
    """The body to send for a rendered response of :data:`MINIMUM_SIZE` bytes or more, or a 304.

    Called only for those (PERF: other responses never get here), with the
    headers about to be sent, which it updates in place: ``Vary``, and for a
    compressed body ``Content-Encoding``, ``Content-Length`` and a weak
    ``ETag``. Returns the body compressed when allowed and accepted, else as
    is. ``request_header(name)`` reads a request header.
    """
    if status == 304:
        _confirm_compressed_copy(headers, request_header(b"if-none-match"))
        return body
    if not compressible(status, headers):
        return body
    add_vary(headers, "Accept-Encoding")
    if not _client_accepts(request_header(b"accept-encoding")):
        return body
    compressed = await _gzip_off_loop(body)
    _mark_compressed(headers, len(compressed))
    return compressed


def compressing_send(
    send: Send, accept_encoding: str | None, head: bool, if_none_match: str | None
) -> Send:
    """A ``send`` that compresses what passes through it when that is allowed and worth it.

    For responses whose messages are produced elsewhere: files and mounted
    apps. ``if_none_match`` is the request's header: a 304 confirming a
    compressed copy (``W/"x"``) carries that weak ETag back.
    """
    return _Compressor(send, _client_accepts(accept_encoding), head, if_none_match).send


def _confirm_compressed_copy(headers: RawHeaders, if_none_match: str | None) -> None:
    """Make a 304 name the ETag the client holds when that is our compressed copy's.

    The 200 gave out ``W/"x"`` for the compressed bytes; the app that says 304
    only knows its strong ``"x"``. Sending ``"x"`` back would tell a cache its
    gzip copy is byte-identical to the plain one (and so fit for ``If-Range``).
    """
    etag = get_header(headers, b"etag")
    if if_none_match and etag is not None and etag.startswith(b'"'):
        weak = b"W/" + etag
        if weak.decode("latin-1") in (tag.strip() for tag in if_none_match.split(",")):
            set_header(headers, b"etag", weak)
            add_vary(headers, "Accept-Encoding")


class GZipLayer:
    """Compress what an ASGI app sends, by the rules above; put around mounted apps.

    Args:
        app: the ASGI app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, compressing its HTTP responses when that is worth it and allowed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept_encoding = request_header(scope, b"accept-encoding")
        head = scope["method"] == "HEAD"
        if_none_match = request_header(scope, b"if-none-match")
        await self.app(
            scope, receive, compressing_send(send, accept_encoding, head, if_none_match)
        )


class _Compressor:
    """The ``send`` of one response: holds the start message until the body decides."""

    def __init__(self, send: Send, accepted: bool, head: bool, if_none_match: str | None) -> None:
        self.downstream = send
        self.accepted = accepted
        self.head = head
        self.if_none_match = if_none_match
        self.start: Message | None = None  # held until the first body part decides
        self.length: int | None = None  # the Content-Length announced, if any
        self.received = 0  # bytes of body compressed so far, checked against length
        self.passing = False  # sending everything unchanged
        self.zlib: zlib._Compress | None = None

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if self.passing:
            await self.downstream(message)
        elif kind == "http.response.start":
            await self.begin(message)
        elif kind != "http.response.body":
            # e.g. pathsend, which is never compressed: let the start go first.
            await self.pass_through(message)
        elif self.zlib is not None:
            await self.downstream(await self.compress(message))
        else:
            await self.first_body(message)

    async def pass_through(self, message: Message) -> None:
        """Give up on this response: send what is held, then everything as it comes."""
        self.passing = True
        if self.start is not None:
            await self.downstream(self.start)
            self.start = None
        await self.downstream(message)

    async def begin(self, start: Message) -> None:
        """The start message: pass it on, or hold it until the body is seen."""
        headers = response_headers(start)
        if start["status"] == 304:
            _confirm_compressed_copy(headers, self.if_none_match)
        if not compressible(start["status"], headers):
            await self.pass_through(start)
            return
        length = get_header(headers, b"content-length")
        self.length = int(length) if length is not None and length.isdigit() else None
        if not self.head:
            self.start = start
            return
        # HEAD: no body will come, so the announced length decides, as it would for GET.
        if self.length is not None and self.length >= MINIMUM_SIZE:
            add_vary(headers, "Accept-Encoding")
            if self.accepted:
                _mark_compressed(headers, None)  # the compressed length is unknown
        await self.pass_through(start)

    async def first_body(self, message: Message) -> None:
        """The first body part: a whole body, a body in parts with a length, or a stream."""
        start = self.start
        assert start is not None, "http.response.body before http.response.start"
        more = message.get("more_body", False)
        size = self.length if more else len(message.get("body", b""))
        # A body that is not the length announced goes out as it is, for the server to
        # refuse: compressed, it would get a new length and no one could tell.
        misfit = not more and self.length is not None and size != self.length
        if size is None or size < MINIMUM_SIZE or misfit:  # small, or a stream of unknown length
            await self.pass_through(message)
            return
        headers = start["headers"]
        add_vary(headers, "Accept-Encoding")
        if not self.accepted:
            await self.pass_through(message)
            return
        self.start = None
        if more or start.get("trailers", False):
            self.zlib = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            compressed = await self.compress(message)
            _mark_compressed(headers, None)
        else:
            body = await _gzip_off_loop(bytes(message.get("body", b"")))
            compressed = {"type": "http.response.body", "body": body}
            _mark_compressed(headers, len(body))
        await self.downstream(start)
        await self.downstream(compressed)

    async def compress(self, message: Message) -> Message:
        """A body message carrying this part compressed (the stream ends with the last part)."""
        body = bytes(message.get("body", b""))
        more = bool(message.get("more_body", False))
        self._check_length(len(body), more)
        if len(body) >= THREAD_MINIMUM_SIZE:
            data = await run_sync(self._compress, body, more)
        else:
            data = self._compress(body, more)
        return {"type": "http.response.body", "body": data, "more_body": more}

    def _check_length(self, size: int, more: bool) -> None:
        """Refuse a body that turns out longer or shorter than the ``Content-Length`` announced.

        The compressed response has no length of its own, so the server cannot
        see the difference: finishing the gzip stream would pass a file cut
        short while it was sent (a log rotated, say) for the whole of it.

        Raises:
            RuntimeError: the body is not the length its start message announced; the
                server then cuts the response short.
        """
        self.received += size
        if self.length is None:
            return
        if self.received > self.length:
            raise RuntimeError(
                f"The response body is longer than the {self.length} bytes "
                "its Content-Length announced."
            )
        if not more and self.received < self.length:
            raise RuntimeError(
                f"The response body ended after {self.received} of the {self.length} bytes "
                "its Content-Length announced."
            )

    def _compress(self, body: bytes, more: bool) -> bytes:
        # The length was known up front, so this is a file, not a live stream: no flush
        # between parts, which lets zlib find matches across them.
        assert self.zlib is not None
        data = self.zlib.compress(body)
        return data if more else data + self.zlib.flush(zlib.Z_FINISH)
