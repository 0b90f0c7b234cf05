"""MessagePack bodies, with bounded container sizes and nesting, and no extension types."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from .._lazy import compiled_on_first_use
from ..errors import MediaMalformedError
from .decoded import MAX_DEPTH, check_depth, find_unwritable
from .gc_pause import decode_without_gc
from .handlers import MediaHandler, bounded_depth, empty_body
from .plain import encode_error, to_plain

__all__ = ["MessagePackHandler"]


class MessagePackHandler(MediaHandler):
    """``application/x-msgpack`` (also ``application/msgpack``).

    Decoding refuses arrays or maps longer than ``max_container_len``, nesting
    deeper than ``max_depth``, trailing bytes, ``inf`` and ``nan`` (which JSON
    cannot carry), and extension types other than timestamps (decoded to aware
    ``datetime``; one outside the years 1 to 9999 is refused too). ``bin``
    values are read as ``bytes``.

    Encoding writes integers beyond 64 bits, which MessagePack has no type
    for, as their decimal text.

    Args:
        max_container_len: the longest array or map accepted.
        max_depth: deepest nesting of arrays and maps accepted; at most 254.

    Raises:
        ValueError: ``max_depth`` is over 254 or under 1.
    """

    media_types: ClassVar[tuple[str, ...]] = ("application/x-msgpack", "application/msgpack")
    format = "msgpack"

    def __init__(self, *, max_container_len: int = 100_000, max_depth: int = MAX_DEPTH) -> None:
        self.max_container_len = max_container_len
        self.max_depth = bounded_depth(max_depth)

    def serialize(self, obj: Any) -> bytes:
        """Encode ``obj``; other types as :mod:`responder.media.plain` says.

        Raises:
            TypeError: part of ``obj`` cannot be written; the message names where.
        """
        import msgpack  # loaded on first use, not at start-up

        try:
            packed: bytes = msgpack.packb(obj, default=_to_packable, use_bin_type=True)
        except (TypeError, ValueError, OverflowError) as exc:
            raise encode_error(obj, "MessagePack", _msgpack_writes, exc) from exc
        return packed

    def _unpack(self, data: bytes) -> Any:
        """One MessagePack object, as the limits allow (raises as ``msgpack.unpackb``)."""
        import msgpack

        return msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=False,
            timestamp=3,
            ext_hook=_refuse_extension,
            max_array_len=self.max_container_len,
            max_map_len=self.max_container_len,
        )

    def deserialize(self, data: bytes, *, charset: str | None = None, **_: Any) -> Any:
        """Decode one MessagePack object; anything malformed or oversized is a 400."""
        if not data:
            raise empty_body("MessagePack")
        import msgpack

        try:
            value = decode_without_gc(self._unpack, data)
        # OverflowError: a timestamp past the year 9999.
        except (ValueError, TypeError, OverflowError, msgpack.UnpackException) as exc:
            reason = str(exc) or type(exc).__name__
            raise MediaMalformedError(
                title="Malformed MessagePack",
                detail=f"The request body is not valid MessagePack: {reason}",
            ) from None
        # PERF: every level opens with a map or array header byte, so a document
        # with fewer such bytes than the limit cannot nest too deep; and inf and
        # nan have one bit pattern each, so bodies without it skip the walk.
        problem = None
        if len(data.translate(None, _NOT_CONTAINER_HEADERS)) > self.max_depth:
            problem = check_depth(value, self.max_depth)
        if problem is None and (_NON_FINITE_64.search(data) or _NON_FINITE_32.search(data)):
            problem = find_unwritable(value, self.max_depth, floats=True)
        if problem:
            raise MediaMalformedError(
                title="MessagePack document not accepted", detail=f"The document {problem}."
            )
        return value


def _msgpack_writes(value: Any) -> bool:
    # Integers of any size: those beyond 64 bits go as text (_to_packable).
    return value is None or isinstance(value, (str, bytes, bytearray, int, float))


#: A float64 (0xcb) or float32 (0xca) whose exponent bits are all ones: inf or nan.
#: The bytes may also occur inside strings; a match only means "look closer".
#: PERF: two patterns, as a pattern that starts with one literal byte is searched for
#: several times faster than an alternation.
_NON_FINITE_64: re.Pattern[bytes] = compiled_on_first_use(
    "_NON_FINITE_64", rb"\xcb[\x7f\xff][\xf0-\xff]", globals()
)
_NON_FINITE_32: re.Pattern[bytes] = compiled_on_first_use(
    "_NON_FINITE_32", rb"\xca[\x7f\xff][\x80-\xff]", globals()
)
#: Every byte but the first bytes of maps and arrays (fixmap, fixarray, map 16/32,
#: array 16/32), for deleting.
_NOT_CONTAINER_HEADERS = bytes(
    b for b in range(256) if not (0x80 <= b <= 0x9F or 0xDC <= b <= 0xDF)
)


def _to_packable(obj: Any) -> Any:
    if isinstance(obj, int):  # only called for an int when it is out of range
        return str(obj)
    return to_plain(obj)


def _refuse_extension(code: int, data: bytes) -> Any:
    raise ValueError(f"extension type {code} is not accepted")
