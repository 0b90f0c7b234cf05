"""Media handlers: one object per body format, behind one interface.

A handler turns bytes into Python objects (``deserialize``) and back
(``serialize``). The registry in :mod:`responder.media.registry` picks the
handler; handlers never look at requests or responses.
"""

from __future__ import annotations

import json
import math
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar

from .._lazy import compiled_on_first_use, imported_on_first_use
from ..errors import HTTPUnsupportedMediaType, MediaMalformedError
from .decoded import MAX_DEPTH, check_depth, find_unwritable, has_surrogate
from .gc_pause import decode_without_gc
from .negotiation import body_charset
from .plain import encode_error, plain_keys, to_plain

# PERF: orjson is several times faster than the stdlib on both directions. It
# takes about 5 ms to load, and a hello app never needs it: loaded on first use.
if TYPE_CHECKING:
    import orjson
else:
    orjson = imported_on_first_use("orjson", "orjson", globals())

__all__ = [
    "JSONHandler",
    "MediaHandler",
    "bounded_depth",
    "decode_text",
    "empty_body",
    "require_charset",
]


class MediaHandler(ABC):
    """The interface every body format implements.

    Subclasses set ``media_types`` (the first is canonical and is sent as
    ``Content-Type``) and ``format`` (the short name for ``req.media(format)``).

    A handler whose encoder or decoder is heavy overrides ``serialize_async``
    / ``deserialize_async`` to move the work off the event loop (to a thread,
    a process pool); the framework then awaits them for ``resp.media`` and
    ``await req.media()``. A handler that does not override them is called
    through the sync methods directly, at no extra cost.
    """

    media_types: ClassVar[tuple[str, ...]] = ()
    format: ClassVar[str] = ""
    #: A structured syntax suffix (RFC 6839) this handler also reads and writes,
    #: e.g. ``"json"`` for ``application/vnd.api+json``.
    suffix: ClassVar[str | None] = None
    #: Handlers of one family read each other's bodies: ``req.media("form")`` on a
    #: multipart body is read by the multipart handler.
    family: ClassVar[str | None] = None
    #: Whether ``resp.media`` may be sent in this format. Request-only formats
    #: (HTML forms, multipart) say False and are never chosen for responses.
    serializes: ClassVar[bool] = True
    #: Whether ``deserialize`` needs the ``Content-Type`` parameters (``boundary``),
    #: passed as ``parameters=``.
    needs_parameters: ClassVar[bool] = False
    #: Set when the class is defined: whether it overrides ``serialize_async``
    #: (``deserialize_async``), and so has that awaited instead of ``serialize``
    #: (``deserialize``) being called.
    serializes_async: ClassVar[bool] = False
    deserializes_async: ClassVar[bool] = False
    #: Set when the class is defined: whether it overrides ``deserialize_stream``, and
    #: so reads a body that was not read yet chunk by chunk, as it arrives.
    streams: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # PERF: resolved once per class, so a request asks one flag, not the MRO.
        super().__init_subclass__(**kwargs)
        cls.serializes_async = cls.serialize_async is not MediaHandler.serialize_async
        cls.deserializes_async = cls.deserialize_async is not MediaHandler.deserialize_async
        cls.streams = cls.deserialize_stream is not MediaHandler.deserialize_stream

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` this handler sends."""
        return self.media_types[0]

    @property
    def problem_content_type(self) -> str:
        """The ``Content-Type`` of RFC 9457 problem details in this format."""
        return f"application/problem+{self.suffix}" if self.suffix else self.content_type

    @abstractmethod
    def serialize(self, obj: Any) -> bytes:
        """Encode ``obj`` as a response body."""

    @abstractmethod
    def deserialize(self, data: bytes, *, charset: str | None = None) -> Any:
        """Decode a request body; raise ``MediaMalformedError`` when it is bad."""

    async def serialize_async(self, obj: Any) -> bytes:
        """Encode ``obj`` without blocking the loop; override to offload a heavy encoder.

        Awaited for ``resp.media`` (error bodies included) when overridden, e.g.
        ``return await anyio.to_thread.run_sync(self.serialize, obj)``.
        """
        return self.serialize(obj)

    async def deserialize_async(
        self, data: bytes, *, charset: str | None = None, **kw: Any
    ) -> Any:
        """Decode ``data`` without blocking the loop; override to offload a heavy decoder.

        Awaited by ``await req.media()`` when overridden, with the same
        arguments ``deserialize`` gets.
        """
        return self.deserialize(data, charset=charset, **kw)

    async def deserialize_stream(
        self, chunks: AsyncIterator[bytes], *, charset: str | None = None, **kw: Any
    ) -> Any:
        """Decode a body as it arrives; override to parse it without holding it whole.

        Awaited by ``await req.media()`` when overridden and the body was not
        read yet, with ``parameters=`` (the ``Content-Type`` parameters) among
        the keywords. ``chunks`` is ``req.stream()``: ``max_request_size`` is
        enforced as it is read.
        """
        body = b"".join([chunk async for chunk in chunks])
        return await self.deserialize_async(body, charset=charset, **kw)


def _stdlib_dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=to_plain).encode()


def _json_writes(value: Any) -> bool:
    # The leaves JSON writes as they are (integers of any size: the stdlib does).
    return value is None or isinstance(value, (str, int, float))


class JSONHandler(MediaHandler):
    """``application/json``: strict RFC 8259 JSON, UTF-8 on the wire.

    Decoding refuses what JSON does not have (``NaN``, numbers that overflow
    to infinity, lone surrogates) and documents nested deeper than
    ``max_depth``, so that whatever it accepts every format can write back.

    Args:
        max_depth: deepest nesting of arrays and objects accepted; at most
            254, the deepest orjson writes.

    Raises:
        ValueError: ``max_depth`` is over 254 or under 1.
    """

    media_types = ("application/json",)
    format = "json"
    suffix = "json"

    def __init__(self, *, max_depth: int = MAX_DEPTH) -> None:
        self.max_depth = bounded_depth(max_depth)

    def serialize(self, obj: Any) -> bytes:
        """Encode ``obj`` compactly; other types as :mod:`responder.media.plain` says.

        Raises:
            TypeError: part of ``obj`` cannot be written; the message names where.
        """
        if orjson is not None:  # None: the stdlib only (bench/ sets it to compare)
            try:
                # PERF: orjson writes dataclasses, dates, UUIDs and enums itself;
                # to_plain is called only for the rest. Keys that are not str are
                # rare, and allowing them costs every call ~40 ns: only on a retry.
                return orjson.dumps(obj, default=to_plain)
            except TypeError:
                try:
                    return orjson.dumps(obj, default=to_plain, option=orjson.OPT_NON_STR_KEYS)
                except TypeError:
                    # orjson refuses integers over 64 bits, very deep nesting and some
                    # keys (bytes); the stdlib does not. Anything else fails there too.
                    pass
        try:
            return _stdlib_dumps(obj)
        except TypeError:
            pass  # a key the stdlib has no form for (a date, bytes): try plain keys
        except (ValueError, RecursionError) as exc:
            raise encode_error(obj, "JSON", _json_writes, exc) from exc
        try:
            return _stdlib_dumps(plain_keys(obj))
        except (TypeError, ValueError, RecursionError) as exc:
            raise encode_error(obj, "JSON", _json_writes, exc) from exc

    def deserialize(self, data: bytes, *, charset: str | None = None) -> Any:
        """Decode a JSON document; an empty, malformed or unwritable body is a 400."""
        if not data.strip():
            raise empty_body("JSON")
        if charset and require_charset(charset) not in ("utf-8", "ascii"):
            data = decode_text(data, charset).encode()
        try:
            # orjson reads integers beyond 64 bits as floats, losing digits; the
            # stdlib reads them exactly, so bodies that may hold one go there.
            if orjson is not None and _LONG_NUMBER not in data.translate(_DIGITS_AS_ZERO):
                value = decode_without_gc(orjson.loads, data)
            else:
                value = _stdlib_loads(data)
        except (ValueError, RecursionError) as exc:
            raise MediaMalformedError(
                title="Malformed JSON", detail=f"The request body is not valid JSON: {exc}"
            ) from None
        # PERF: a document with no more brackets than the limit cannot nest past it.
        if data.count(b"[") + data.count(b"{") > self.max_depth:
            problem = check_depth(value, self.max_depth)
            if problem:
                raise MediaMalformedError(
                    title="JSON document too deep", detail=f"The document {problem}."
                )
        return value


# PERF: 19 digits in a row, found by mapping every digit to 0 and searching for
# zeros: a tenth of the time a regular expression takes on number-heavy bodies.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
_SURROGATE_ESCAPE: re.Pattern[bytes] = compiled_on_first_use(
    "_SURROGATE_ESCAPE", rb"\\u[dD][89a-fA-F]", globals()
)


def _stdlib_loads(data: bytes) -> Any:
    r"""Parse with the standard library, refusing what it accepts beyond RFC 8259.

    It reads bytes with ``surrogatepass``, ``\ud800`` escapes as lone
    surrogates and ``1e999`` as ``inf``; orjson refuses all three, and so does this.
    """
    text = data.decode("utf-8")  # strict: a UnicodeDecodeError is a ValueError
    value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    if _SURROGATE_ESCAPE.search(data) and find_unwritable(value, _UNBOUNDED, strings=True):
        raise ValueError("a \\u escape is a lone surrogate, which is not text")
    return value


_UNBOUNDED = 1 << 30


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def require_charset(charset: str) -> str:
    """The canonical name of a declared ``charset``; a 415 when it is not one we read.

    Raises:
        HTTPUnsupportedMediaType: an unknown charset, or a codec that is not a
            character set (``zlib``, ``hex``, ``rot13``, ``idna``, ...).
    """
    canonical = body_charset(charset)
    if canonical is None:
        raise HTTPUnsupportedMediaType(
            title="Unsupported charset",
            detail=f"Cannot read a body in the charset {charset[:64]!r}: "
            "it is not a character set this server knows.",
        )
    return canonical


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode a body in its declared charset (UTF-8 by default).

    Raises:
        HTTPUnsupportedMediaType: the charset is not one we read (a 415).
        MediaMalformedError: the bytes are not valid in that charset, or decode
            to lone surrogates (UTF-7 can), which are not text (a 400).
    """
    encoding = "utf-8" if charset is None else require_charset(charset)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise MediaMalformedError(
            title="Undecodable request body", detail=f"Cannot decode the body as {encoding}: {exc}"
        ) from None
    # PERF: Python's UTF-8 and single-byte decoders never produce surrogates.
    if encoding not in ("utf-8", "ascii", "iso8859-1") and has_surrogate(text):
        raise MediaMalformedError(
            title="Undecodable request body",
            detail=f"The body decodes as {encoding} to lone surrogates, which are not text.",
        )
    return text


def bounded_depth(max_depth: int) -> int:
    """Check a handler's ``max_depth``: every encoder must be able to write that deep.

    Raises:
        ValueError: it is over 254 (the deepest orjson writes) or under 1.
    """
    if not 1 <= max_depth <= MAX_DEPTH:
        raise ValueError(f"max_depth must be between 1 and {MAX_DEPTH}, not {max_depth}")
    return max_depth


def empty_body(kind: str) -> MediaMalformedError:
    """The error for an empty body where a document was expected."""
    return MediaMalformedError(
        title="Empty request body", detail=f"Expected a {kind} document; the body is empty."
    )
