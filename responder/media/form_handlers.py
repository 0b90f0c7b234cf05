"""HTML form bodies: ``application/x-www-form-urlencoded`` and ``multipart/form-data``.

Both are request formats: browsers send them, but nobody asks for a response
in them, so neither takes part in response negotiation.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode

from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import HTTPContentTooLarge, MediaMalformedError
from .handlers import MediaHandler, decode_text

__all__ = ["FormHandler", "MultipartHandler"]


def _collect(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Pairs to a dict; a name sent more than once maps to the list of its values."""
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name not in fields:
            fields[name] = value
        elif isinstance(fields[name], list):
            fields[name].append(value)
        else:
            fields[name] = [fields[name], value]
    return fields


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
        return _collect(pairs)


class MultipartHandler(MediaHandler):
    """``multipart/form-data``: fields as strings, files as dicts.

    A file part (one with a ``filename``) becomes ``{"filename": ...,
    "content_type": ..., "content": b"..."}``; a plain field becomes its text.
    Read it with ``await req.media("files")`` (or ``"form"``).

    Args:
        max_parts: the most parts accepted (a 400 beyond).
        max_field_size: the largest non-file field, in bytes (a 413 beyond).
    """

    media_types: ClassVar[tuple[str, ...]] = ("multipart/form-data",)
    format = "files"
    family = "form"
    serializes = False
    needs_parameters = True

    def __init__(self, *, max_parts: int = 1000, max_field_size: int = 1024 * 1024) -> None:
        self.max_parts = max_parts
        self.max_field_size = max_field_size

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
        """Parse every part of the body; a malformed or truncated body is a 400."""
        boundary = (parameters or {}).get("boundary")
        if not boundary:
            raise MediaMalformedError(
                title="Malformed multipart body", detail="The Content-Type has no boundary."
            )
        reader = _PartReader(self, charset or "utf-8")
        try:
            parser = MultipartParser(boundary, reader.callbacks())
            parser.write(data)
            parser.finalize()
        except (MediaMalformedError, HTTPContentTooLarge):
            raise
        except Exception as exc:  # noqa: BLE001 - the parser's errors are all the client's
            raise MediaMalformedError(
                title="Malformed multipart body", detail=f"Cannot parse the body: {exc}"
            ) from None
        if not reader.finished:
            raise MediaMalformedError(
                title="Malformed multipart body", detail="The body ends before its last boundary."
            )
        return _collect(reader.parts)


class _PartReader:
    """Collects parts from the parser's callbacks."""

    def __init__(self, handler: MultipartHandler, charset: str) -> None:
        self.handler = handler
        self.charset = charset
        self.parts: list[tuple[str, Any]] = []
        self.finished = False
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._chunks: list[bytes] = []
        self._size = 0

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._begin,
            "on_part_data": self._data,
            "on_part_end": self._end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_end": self._finish,
        }

    def _begin(self) -> None:
        if len(self.parts) >= self.handler.max_parts:
            raise MediaMalformedError(
                title="Too many parts",
                detail=f"A multipart body may have at most {self.handler.max_parts} parts.",
            )
        self._headers, self._chunks, self._size = {}, [], 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._size += end - start
        self._chunks.append(data[start:end])

    def _end(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in options:
            raise MediaMalformedError(
                title="Malformed multipart body",
                detail="Every part needs 'Content-Disposition: form-data; name=...'.",
            )
        name = options[b"name"].decode(self.charset, errors="replace")
        content = b"".join(self._chunks)
        if b"filename" in options:
            value: Any = {
                "filename": options[b"filename"].decode(self.charset, errors="replace"),
                "content_type": self._headers.get(b"content-type", b"application/octet-stream")
                .decode("latin-1")
                .strip(),
                "content": content,
            }
        else:
            if self._size > self.handler.max_field_size:
                raise HTTPContentTooLarge(
                    detail=f"Field {name!r} is over {self.handler.max_field_size} bytes."
                )
            value = decode_text(content, self.charset)
        self.parts.append((name, value))

    def _finish(self) -> None:
        self.finished = True
