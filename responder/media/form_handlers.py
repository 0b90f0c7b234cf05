"""HTML form bodies: ``application/x-www-form-urlencoded`` and ``multipart/form-data``.

Both are request formats: browsers send them, but nobody asks for a response
in them, so neither takes part in response negotiation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlencode

from ..errors import MediaMalformedError
from .handlers import MediaHandler, decode_text

if TYPE_CHECKING:
    from .multipart import PartReader

__all__ = ["FormHandler", "MultipartHandler"]


class FormHandler(MediaHandler):
    """``application/x-www-form-urlencoded``: ``{"name": "value"}``, lists for repeats.

    Args:
        max_fields: the most fields accepted (a 400 beyond).
    """

    media_types: ClassVar[tuple[str, ...]] = ("application/x-www-form-urlencoded",)
    format = "form"
    family = "form"
    serializes = False

    def __init__(self, *, max_fields: int = 1000) -> None:
        self.max_fields = max_fields

    def serialize(self, obj: Any) -> bytes:
        """Encode a mapping of names to values (or lists of values)."""
        return urlencode(obj, doseq=True).encode("ascii")

    def deserialize(self, data: bytes, *, charset: str | None = None, **_: Any) -> Any:
        """Decode the fields; an empty body is an empty form."""
        text = decode_text(data, charset)
        try:
            pairs = parse_qsl(
                text,
                keep_blank_values=True,
                max_num_fields=self.max_fields,
                encoding=charset or "utf-8",
                errors="strict",
            )
        except ValueError as exc:
            raise MediaMalformedError(title="Malformed form", detail=str(exc)) from None
        from .multipart import collect  # the parser loads with the first form body

        return collect(pairs)


class MultipartHandler(MediaHandler):
    """``multipart/form-data``: fields as strings, files as :class:`~responder.UploadFile`.

    The body is parsed as it arrives, never held whole: a file part (one
    with a ``filename``) is written to an ``UploadFile``, in memory up to
    ``spool_size`` bytes and in a temporary file past that; a plain field
    becomes its text. Read it with ``await req.media("files")`` (or ``"form"``).

    Args:
        max_parts: the most parts accepted (a 400 beyond).
        max_field_size: the largest non-file field, in bytes (a 413 beyond).
        spool_size: bytes of one file kept in memory before it goes to disk.
    """

    media_types: ClassVar[tuple[str, ...]] = ("multipart/form-data",)
    format = "files"
    family = "form"
    serializes = False
    needs_parameters = True

    def __init__(
        self,
        *,
        max_parts: int = 1000,
        max_field_size: int = 1024 * 1024,
        spool_size: int = 1024 * 1024,  # uploads.DEFAULT_SPOOL_SIZE, left unimported
    ) -> None:
        self.max_parts = max_parts
        self.max_field_size = max_field_size
        self.spool_size = spool_size

    def serialize(self, obj: Any) -> bytes:
        """Refuse: a multipart body needs its boundary in a header this method cannot set."""
        raise TypeError("multipart/form-data is a request format; send JSON instead.")

    def deserialize(
        self,
        data: bytes,
        *,
        charset: str | None = None,
        parameters: dict[str, str] | None = None,
        **_: Any,
    ) -> Any:
        """Parse a body already in memory; a malformed or truncated body is a 400."""
        reader = self._reader(charset, parameters)
        try:
            reader.feed(data)
            reader.end()
            reader.flush_now()
        except BaseException:
            reader.discard()
            raise
        return reader.result()

    async def deserialize_stream(
        self,
        chunks: AsyncIterator[bytes],
        *,
        charset: str | None = None,
        parameters: dict[str, str] | None = None,
        **_: Any,
    ) -> Any:
        """Parse the body chunk by chunk as it arrives; files spooled, limits kept as it reads."""
        from .multipart import read_parts

        return await read_parts(self._reader(charset, parameters), chunks)

    def _reader(self, charset: str | None, parameters: dict[str, str] | None) -> PartReader:
        boundary = (parameters or {}).get("boundary")
        if not boundary:
            raise MediaMalformedError(
                title="Malformed multipart body", detail="The Content-Type has no boundary."
            )
        # python-multipart and the upload files load with the first multipart body.
        from .multipart import PartReader

        try:
            return PartReader(
                boundary,
                charset or "utf-8",
                max_parts=self.max_parts,
                max_field_size=self.max_field_size,
                spool_size=self.spool_size,
            )
        except ValueError as exc:  # a boundary the parser cannot use
            raise MediaMalformedError(
                title="Malformed multipart body", detail=f"Bad boundary: {exc}"
            ) from None
