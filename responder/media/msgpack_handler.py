"""MessagePack bodies, with bounded container sizes and no extension types."""

from __future__ import annotations

from typing import Any, ClassVar

import msgpack

from ..errors import MediaMalformedError
from .handlers import MediaHandler, empty_body
from .plain import encode_error, to_plain

__all__ = ["MessagePackHandler"]


class MessagePackHandler(MediaHandler):
    """``application/x-msgpack`` (also ``application/msgpack``).

    Decoding refuses arrays or maps longer than ``max_container_len``, nesting
    past the unpacker's stack limit, trailing bytes, and extension types other
    than timestamps (decoded to aware ``datetime``).

    Args:
        max_container_len: the longest array or map accepted.
    """

    media_types: ClassVar[tuple[str, ...]] = ("application/x-msgpack", "application/msgpack")
    format = "msgpack"

    def __init__(self, *, max_container_len: int = 100_000) -> None:
        self.max_container_len = max_container_len

    def serialize(self, obj: Any) -> bytes:
        """Encode ``obj``; other types as :mod:`responder.media.plain` says.

        Raises:
            TypeError: part of ``obj`` cannot be written; the message names where.
        """
        try:
            packed: bytes = msgpack.packb(obj, default=to_plain, use_bin_type=True)
        except (TypeError, ValueError, OverflowError) as exc:
            raise encode_error(obj, "MessagePack", _msgpack_writes, exc) from exc
        return packed

    def deserialize(self, data: bytes, *, charset: str | None = None, **_: Any) -> Any:
        """Decode one MessagePack object; anything malformed or oversized is a 400."""
        if not data:
            raise empty_body("MessagePack")
        try:
            return msgpack.unpackb(
                data,
                raw=False,
                strict_map_key=False,
                timestamp=3,
                ext_hook=_refuse_extension,
                max_array_len=self.max_container_len,
                max_map_len=self.max_container_len,
            )
        except (ValueError, TypeError, msgpack.UnpackException) as exc:
            reason = str(exc) or type(exc).__name__
            raise MediaMalformedError(
                title="Malformed MessagePack",
                detail=f"The request body is not valid MessagePack: {reason}",
            ) from None


def _msgpack_writes(value: Any) -> bool:
    if isinstance(value, int):  # bool included
        return -(2**63) <= value < 2**64
    return value is None or isinstance(value, (str, bytes, bytearray, float))


def _refuse_extension(code: int, data: bytes) -> Any:
    raise ValueError(f"extension type {code} is not accepted")
