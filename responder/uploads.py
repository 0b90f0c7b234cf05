"""Uploaded files: the file parts of a multipart body, kept in memory or spooled to disk.

A part is written to a :class:`tempfile.SpooledTemporaryFile` as it arrives:
in memory up to the handler's ``spool_size``, on disk past it, so an upload
of any size costs the server a bounded amount of memory. Writes that go to
disk, and :meth:`UploadFile.save`, run on the worker threads so a slow disk
never holds the event loop. The request closes its files once the response
is sent, which deletes any that went to disk.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from ._concurrency import run_sync

__all__ = ["DEFAULT_SPOOL_SIZE", "UploadFile", "uploads_in"]

#: Bytes of one file kept in memory before it is moved to a temporary file on disk.
DEFAULT_SPOOL_SIZE = 1024 * 1024
#: Bytes copied at a time by :meth:`UploadFile.save`.
COPY_CHUNK = 1024 * 1024
_KEYS = ("filename", "content_type", "content")


class UploadFile(Mapping[str, Any]):
    """A file sent in a ``multipart/form-data`` body, readable and savable in chunks.

    It is also a read-only mapping of ``filename``, ``content_type`` and
    ``content`` (all its bytes), the shape file parts had in Responder 3.3,
    so ``files["doc"]["content"]`` keeps working; that reads the whole file
    into memory, where ``await doc.save(path)`` or ``await doc.read(n)`` do not.

    Args:
        filename: the name the client gave the file (client text: never use it
            as a path as it is).
        content: the file's bytes, for a file made by hand (tests, fixtures).
        content_type: its declared media type.
        spool_size: bytes kept in memory before the file moves to disk.

    Attributes:
        file: the underlying binary file object (synchronous; it blocks when
            the file is on disk).
    """

    __slots__ = ("_size", "_spool_size", "content_type", "file", "filename")

    def __init__(
        self,
        filename: str,
        content: bytes = b"",
        content_type: str = "application/octet-stream",
        *,
        spool_size: int = DEFAULT_SPOOL_SIZE,
    ) -> None:
        self.filename, self.content_type = filename, content_type
        self._spool_size = spool_size
        self.file: IO[bytes] = SpooledTemporaryFile(max_size=spool_size)  # noqa: SIM115 - closed with the request
        self._size = 0
        if content:
            self.append([content])
            self.file.seek(0)

    @property
    def size(self) -> int:
        """The file's length in bytes."""
        return self._size

    @property
    def on_disk(self) -> bool:
        """Whether the file outgrew ``spool_size`` and lives in a temporary file."""
        return self._size > self._spool_size

    @property
    def content(self) -> bytes:
        """All the file's bytes, read into memory (blocking when the file is on disk)."""
        position = self.file.tell()
        self.file.seek(0)
        try:
            return self.file.read()
        finally:
            self.file.seek(position)

    def append(self, pieces: list[bytes]) -> None:
        """Write ``pieces`` at the end of the file (blocking once the file is on disk)."""
        write = self.file.write
        for piece in pieces:
            write(piece)
            self._size += len(piece)

    async def extend(self, pieces: list[bytes]) -> None:
        """Append ``pieces``; off the event loop when the file is, or now goes, to disk."""
        if self._size + sum(map(len, pieces)) > self._spool_size:
            await run_sync(self.append, pieces)
        else:
            self.append(pieces)

    async def write(self, data: bytes) -> None:
        """Append ``data``; off the event loop when the file is, or now goes, to disk."""
        await self.extend([data])

    async def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes from the current position (all that is left by default)."""
        if self.on_disk:
            return await run_sync(self.file.read, size)
        return self.file.read(size)

    async def seek(self, offset: int) -> None:
        """Move to ``offset`` bytes from the start of the file."""
        self.file.seek(offset)

    async def save(self, path: str | os.PathLike[str]) -> None:
        """Copy the whole file to ``path`` (created or replaced), in chunks, off the event loop.

        Whatever was already read, the copy starts at the first byte; the
        position is back at the start afterwards.
        """
        await run_sync(self._save, os.fspath(path))

    def _save(self, path: str) -> None:
        self.file.flush()
        self.file.seek(0)
        with open(path, "wb") as target:
            if not (
                self.on_disk and _kernel_copy(self.file.fileno(), target.fileno(), self._size)
            ):
                target.seek(0)
                target.truncate()
                shutil.copyfileobj(self.file, target, COPY_CHUNK)
        self.file.seek(0)

    async def close(self) -> None:
        """Close the file (a file on disk is deleted); the request does this after responding."""
        self.file.close()

    def __del__(self) -> None:
        # A file made outside a request (a test, a handler called directly) has
        # nobody to close it: close it with its last reference, quietly.
        file = getattr(self, "file", None)
        if file is not None:
            file.close()

    # -- the 3.3 mapping: {"filename", "content_type", "content"} ---------------

    def __getitem__(self, key: str) -> Any:
        if key == "content":
            return self.content
        if key in ("filename", "content_type"):
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    def __repr__(self) -> str:
        return f"UploadFile({self.filename!r}, {self.size} bytes, {self.content_type!r})"

    @classmethod
    def from_part(cls, value: Any) -> UploadFile:
        """The file a multipart part decoded to (or a dict with ``filename`` and ``content``).

        Raises:
            ValueError: the value is a plain field, not a file.
        """
        if isinstance(value, UploadFile):
            return value
        if isinstance(value, dict) and isinstance(value.get("content"), bytes):
            return cls(
                str(value.get("filename", "")),
                value["content"],
                str(value.get("content_type") or "application/octet-stream"),
            )
        raise ValueError("Expected an uploaded file")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Let pydantic read a multipart file part into an ``UploadFile``."""
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.from_part,
            json_schema_input_schema=core_schema.bytes_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        """Describe an upload in OpenAPI as a binary string."""
        return {"type": "string", "format": "binary"}


def _kernel_copy(source: int, target: int, size: int) -> bool:
    """Copy ``size`` bytes between file descriptors inside the kernel; False where it cannot.

    PERF: a file on disk is copied by ``os.sendfile`` (file to file on Linux),
    so saving a large upload costs no bytes through Python and a fraction of
    the CPU of ``shutil.copyfileobj``.
    """
    sendfile = getattr(os, "sendfile", None)
    if sendfile is None:
        return False
    offset = 0
    try:
        while offset < size:
            sent = sendfile(target, source, offset, size - offset)
            if sent == 0:
                return False
            offset += sent
    except OSError:  # a platform or file system that refuses file-to-file sendfile
        return False
    return True


def uploads_in(form: Any) -> list[UploadFile]:
    """The uploaded files in a decoded form (values, or lists of values, by name)."""
    found: list[UploadFile] = []
    if isinstance(form, dict):
        for value in form.values():
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, UploadFile):
                    found.append(item)
    return found
