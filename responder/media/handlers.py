"""Media handlers: one object per body format, behind one interface.

A handler turns bytes into Python objects (``deserialize``) and back
(``serialize``). The registry in :mod:`responder.media.registry` picks the
handler; handlers never look at requests or responses.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ..errors import MediaMalformedError
from .plain import encode_error, to_plain

try:  # PERF: orjson is several times faster than the stdlib on both directions.
    import orjson
except ImportError:  # pragma: no cover - exercised only without orjson installed
    orjson = None  # type: ignore[assignment]

__all__ = ["JSONHandler", "MediaHandler", "decode_text", "empty_body"]


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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # PERF: resolved once per class, so a request asks one flag, not the MRO.
        super().__init_subclass__(**kwargs)
        cls.serializes_async = cls.serialize_async is not MediaHandler.serialize_async
        cls.deserializes_async = cls.deserialize_async is not MediaHandler.deserialize_async

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


def _stdlib_dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=to_plain).encode()


def _json_writes(value: Any) -> bool:
    # The leaves JSON writes as they are (integers of any size: the stdlib does).
    return value is None or isinstance(value, (str, int, float))


class JSONHandler(MediaHandler):
    """``application/json``: strict RFC 8259 JSON, UTF-8 on the wire."""

    media_types = ("application/json",)
    format = "json"
    suffix = "json"

    def serialize(self, obj: Any) -> bytes:
        """Encode ``obj`` compactly; other types as :mod:`responder.media.plain` says.

        Raises:
            TypeError: part of ``obj`` cannot be written; the message names where.
        """
        if orjson is not None:
            try:
                # PERF: orjson writes dataclasses, dates, UUIDs and enums itself;
                # to_plain is called only for the rest.
                return orjson.dumps(obj, default=to_plain, option=orjson.OPT_NON_STR_KEYS)
            except TypeError:
                # orjson refuses integers over 64 bits and very deep nesting; the
                # stdlib does not. Anything else fails there too, and is reported.
                pass
        try:
            return _stdlib_dumps(obj)
        except (TypeError, ValueError, RecursionError) as exc:
            raise encode_error(obj, "JSON", _json_writes, exc) from exc

    def deserialize(self, data: bytes, *, charset: str | None = None) -> Any:
        """Decode a JSON document; an empty or malformed body is a 400."""
        if not data.strip():
            raise empty_body("JSON")
        if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
            data = _transcode(data, charset)
        try:
            # orjson reads integers beyond 64 bits as floats, losing digits; the
            # stdlib reads them exactly, so bodies that may hold one go there.
            if orjson is not None and not _LONG_NUMBER.search(data):
                return orjson.loads(data)
            return json.loads(data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise MediaMalformedError(
                title="Malformed JSON", detail=f"The request body is not valid JSON: {exc}"
            ) from None


_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _transcode(data: bytes, charset: str) -> bytes:
    return decode_text(data, charset).encode()


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode a body in its declared charset (UTF-8 by default); bad bytes are a 400."""
    try:
        return data.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise MediaMalformedError(
            title="Undecodable request body",
            detail=f"Cannot decode the body as {charset or 'utf-8'}: {exc}",
        ) from None


def empty_body(kind: str) -> MediaMalformedError:
    """The error for an empty body where a document was expected."""
    return MediaMalformedError(
        title="Empty request body", detail=f"Expected a {kind} document; the body is empty."
    )
