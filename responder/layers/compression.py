"""gzip: compress response bodies for clients that accept it.

A response is compressed when all of these hold:

- the client's ``Accept-Encoding`` accepts ``gzip`` (or ``x-gzip``, or ``*``
  when gzip is not named) with a q-value above 0;
- the body is at least :data:`MINIMUM_SIZE` bytes, or is streamed (sent in
  several parts);
- the response has no ``Content-Encoding`` yet, no ``Cache-Control:
  no-transform``, is not a 206 partial response, and its type is not one that
  must stay as it is or is compressed already (:data:`EXCLUDED_TYPES`:
  ``text/event-stream``, images, audio, video, archives, fonts).

Streamed bodies are compressed part by part, each part flushed as it comes, so
a stream reaches the client as promptly as without gzip. Every response whose
encoding depends on ``Accept-Encoding`` says so with ``Vary: Accept-Encoding``,
whether or not this client got it compressed. A compressed response loses its
``Content-Length`` when streamed (it gets the compressed length otherwise), and
a strong ``ETag`` becomes weak (``W/"..."``), since the bytes differ from the
uncompressed ones.
"""

from __future__ import annotations

import re
import zlib

from .._concurrency import run_sync
from ..types import ASGIApp, Message, Receive, Scope, Send
from ._asgi import add_vary, get_header, request_header, response_headers, set_header

__all__ = [
    "COMPRESSION_LEVEL",
    "EXCLUDED_TYPES",
    "MINIMUM_SIZE",
    "GZipLayer",
    "accepts_gzip",
]

#: Bodies shorter than this (in bytes) are sent as they are: gzip would not pay off.
MINIMUM_SIZE = 500
#: The zlib level: 6 is zlib's own default, most of level 9's gain at a fraction of its cost.
COMPRESSION_LEVEL = 6
#: Parts at least this large are compressed in a worker thread, off the event loop.
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
_Q_VALUE = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)
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


def _compressible(message: Message) -> bool:
    """Whether a response, from its start message, may be compressed at all."""
    status = message["status"]
    if status < 200 or status in (204, 206, 304):
        return False
    headers = message.get("headers", ())
    if get_header(headers, b"content-encoding") is not None:
        return False
    cache_control = (get_header(headers, b"cache-control") or b"").lower()
    if b"no-transform" in cache_control:
        return False
    content_type = (get_header(headers, b"content-type") or b"").decode("latin-1")
    media_type = content_type.partition(";")[0].strip().lower()
    return not (media_type in EXCLUDED_TYPES or media_type.startswith(_EXCLUDED_FAMILIES))


class GZipLayer:
    """Compress large or streamed responses with gzip when the client accepts it.

    Args:
        app: the ASGI app.
        minimum_size: the smallest body compressed, in bytes.
        level: the zlib compression level, 1 (fast) to 9 (small).
    """

    def __init__(
        self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE, level: int = COMPRESSION_LEVEL
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, compressing what it sends when that is worth it and allowed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepted = accepts_gzip(request_header(scope, b"accept-encoding"))
        await self.app(scope, receive, _Compressor(send, accepted, self).send)


class _Compressor:
    """The ``send`` of one response: holds the start message until the first body part."""

    def __init__(self, send: Send, accepted: bool, layer: GZipLayer) -> None:
        self.downstream = send
        self.accepted = accepted
        self.layer = layer
        self.start: Message | None = None  # held until the first body part decides
        self.passing = False  # sending everything unchanged
        self.zlib: zlib._Compress | None = None

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if self.passing:
            await self.downstream(message)
        elif kind == "http.response.start":
            if _compressible(message):
                self.start = message
            else:
                self.passing = True
                await self.downstream(message)
        elif kind != "http.response.body":
            # e.g. pathsend, which is never compressed: let the start go first.
            self.passing = True
            if self.start is not None:
                await self.downstream(self.start)
            await self.downstream(message)
        elif self.zlib is not None:
            await self.downstream(await self.compress(message))
        else:
            await self.begin(message)

    async def begin(self, message: Message) -> None:
        """The first body part: decide, fix the headers, send both."""
        start = self.start
        assert start is not None, "http.response.body before http.response.start"
        body = message.get("body", b"")
        more = message.get("more_body", False)
        self.start = None
        if not more and len(body) < self.layer.minimum_size:
            self.passing = True
            await self.downstream(start)
            await self.downstream(message)
            return
        headers = response_headers(start)
        add_vary(headers, "Accept-Encoding")
        if not self.accepted:
            self.passing = True
            await self.downstream(start)
            await self.downstream(message)
            return
        self.zlib = zlib.compressobj(self.layer.level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        compressed = await self.compress(message)
        set_header(headers, b"content-encoding", b"gzip")
        if more or start.get("trailers", False):
            headers[:] = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        else:
            set_header(headers, b"content-length", str(len(compressed["body"])).encode())
        etag = get_header(headers, b"etag")
        if etag is not None and etag.startswith(b'"'):
            set_header(headers, b"etag", b"W/" + etag)
        await self.downstream(start)
        await self.downstream(compressed)

    async def compress(self, message: Message) -> Message:
        """A body message carrying this part compressed (the stream ends with the last part)."""
        body = bytes(message.get("body", b""))
        more = bool(message.get("more_body", False))
        if len(body) >= THREAD_MINIMUM_SIZE:
            data = await run_sync(self._compress, body, more)
        else:
            data = self._compress(body, more)
        return {"type": "http.response.body", "body": data, "more_body": more}

    def _compress(self, body: bytes, more: bool) -> bytes:
        assert self.zlib is not None
        flush = zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH
        return self.zlib.compress(body) + self.zlib.flush(flush)
