"""Uploaded files: the file parts of a multipart body, kept in memory or spooled to disk.

A part is written to an :class:`UploadFile` as it arrives: in memory up to
the handler's ``spool_size``, past it in a temporary file of its own in the
temp directory, so an upload of any size costs the server a bounded amount
of memory. On Linux that file has no name (``O_TMPFILE``): a server killed
mid-upload leaves nothing behind. Writes that go to disk, and
:meth:`UploadFile.save`, run on the worker threads so a slow disk never
holds the event loop. ``save`` links or renames the temporary file into
place when it can (same file system), so a large upload is written to disk
once, not twice. The request closes its files once the response is sent,
which frees those not saved.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ._concurrency import run_sync

__all__ = ["DEFAULT_SPOOL_SIZE", "UploadFile", "uploads_in"]

#: Bytes of one file kept in memory before it is moved to a temporary file on disk.
DEFAULT_SPOOL_SIZE = 1024 * 1024
#: Bytes copied at a time by :meth:`UploadFile.save`.
COPY_CHUNK = 1024 * 1024
_KEYS = ("filename", "content_type", "content")
#: How the temporary files of uploads are named (in ``tempfile.gettempdir()``).
TEMP_PREFIX = "responder-upload-"
_pwritev = getattr(os, "pwritev", None)  # Linux, BSDs, macOS 11+
#: The most buffers one ``pwritev`` call takes.
_IOV_MAX = max(16, os.sysconf("SC_IOV_MAX") if "SC_IOV_MAX" in os.sysconf_names else 16)


class _SpoolFile(io.BufferedRandom):
    """An upload's temporary file on disk, gone when closed unless ``save`` put it in place.

    Where the system allows (Linux, ``O_TMPFILE``), the file has no name at
    all until ``save`` links it into place: the kernel frees it when it is
    closed or the process ends, even by ``SIGKILL``. Elsewhere it is a named
    file in the temp directory, deleted on close.

    Attributes:
        temp_path: its name in the temp directory, while it has one and the
            upload owns it; None for an unnamed file, and once saved.
        owned: still the upload's own temporary file; False once
            :meth:`UploadFile.save` put it at the caller's path.
    """

    temp_path: str | None
    owned: bool

    def close(self) -> None:
        """Close the file, and delete it if it is still the upload's own named temporary file."""
        super().close()
        path, self.temp_path, self.owned = self.temp_path, None, False
        if path is not None:
            # Already gone (a tidy-up of the temp directory): nothing left to free.
            with contextlib.suppress(OSError):
                os.unlink(path)


#: ``os.O_TMPFILE`` where the system has it: a file with no name in a directory.
_O_TMPFILE: int | None = getattr(os, "O_TMPFILE", None)


def _spool_file() -> _SpoolFile:
    """A new, empty temporary file, readable only by this user until it is saved."""
    path: str | None = None
    fd = _unnamed_file(tempfile.gettempdir())
    if fd is None:
        fd, path = tempfile.mkstemp(prefix=TEMP_PREFIX)
    file = _SpoolFile(io.FileIO(fd, "r+"))
    file.temp_path, file.owned = path, True
    return file


def _unnamed_file(directory: str) -> int | None:
    """An owner-only file with no name in ``directory``; None where that is not supported."""
    if _O_TMPFILE is None:
        return None
    try:
        return os.open(directory, _O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except OSError:  # a file system without it (EOPNOTSUPP), or an older kernel (EISDIR)
        return None


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
            the file is on disk). After a ``save`` that renamed it, it is the
            saved file itself: read from it, but write through the upload,
            which copies it first.
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
        self.file: IO[bytes] = io.BytesIO()
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
        """Whether the file outgrew ``spool_size`` and lives on disk (its own temporary file)."""
        return isinstance(self.file, _SpoolFile)

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
        file = self.file
        if isinstance(file, _SpoolFile):
            if not file.owned:  # save put it at the caller's path: leave that as saved
                file = self._copy_to_disk(file)
        elif self._size + sum(map(len, pieces)) > self._spool_size:
            file = self._copy_to_disk(file)
        else:
            file.seek(0, os.SEEK_END)
            for piece in pieces:
                self._size += file.write(piece)
            return
        self._size += _append_to(file, pieces)

    def _copy_to_disk(self, source: IO[bytes]) -> _SpoolFile:
        """Make the upload's file a new temporary file holding ``source``'s bytes.

        Used when the bytes held in memory outgrow ``spool_size``, and when a
        file ``save`` moved into place is written to (the copy is written to).
        """
        disk = _spool_file()
        source.seek(0)
        shutil.copyfileobj(source, disk, COPY_CHUNK)
        source.close()
        self.file = disk
        return disk

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
        """Put the whole file at ``path`` (created or replaced), off the event loop.

        Whatever was already read, the file saved starts at its first byte;
        the position is back at the start afterwards. A file on disk is
        renamed to ``path`` when both are on one file system (no bytes
        copied): the upload then reads the saved file itself, and a later
        write to the upload copies it first, so the saved file stays as
        saved. Otherwise the bytes are copied.
        """
        await run_sync(self._save, os.fspath(path))

    def _save(self, path: str) -> None:
        file = self.file
        file.flush()
        if not (isinstance(file, _SpoolFile) and (_move(file, path) or _is_file_at(file, path))):
            file.seek(0)
            with open(path, "wb") as target:
                if not (self.on_disk and _kernel_copy(file.fileno(), target.fileno(), self._size)):
                    target.seek(0)
                    target.truncate()
                    shutil.copyfileobj(file, target, COPY_CHUNK)
        file.seek(0)

    async def close(self) -> None:
        """Close the file (a temporary file is deleted); the request does this after responding."""
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


def _append_to(file: _SpoolFile, pieces: list[bytes]) -> int:
    """Write ``pieces`` at the end of ``file``, a batch per system call; the bytes written.

    PERF: ``os.pwritev`` writes a batch of chunks (1 MiB from the parser) in
    one call where ``file.write`` took one per chunk, each dropping and
    retaking the GIL against the event loop's thread: about 0.1 s less CPU
    per GiB uploaded over HTTP (bench/README.md, "Uploads"). The file object
    is moved to the new end afterwards; seeking from the end also drops any
    read-ahead it held.
    """
    end = file.seek(0, os.SEEK_END)
    fd, written = file.fileno(), 0
    for start in range(0, len(pieces), _IOV_MAX):
        batch = pieces[start : start + _IOV_MAX]
        size = sum(map(len, batch))
        done = _pwritev(fd, batch, end + written) if _pwritev is not None else 0
        if done < size:  # a short write (or no pwritev here): the rest the plain way
            file.seek(end + written + done)
            file.write(b"".join(batch)[done:])
        written += size
    file.seek(0, os.SEEK_END)
    return written


def _move(file: _SpoolFile, path: str) -> bool:
    """Put the upload's temporary file at ``path``; False where it cannot (another disk).

    PERF: a rename (or, for an unnamed file, a link), so saving a 1 GiB
    upload costs no second write of its bytes. ``path`` is resolved first,
    so that a symlink there is written through, as ``open(path, "wb")``
    would. The file then gets the mode a newly created file gets (``0o666``
    less the umask), not the owner-only mode it had in the temp directory
    (set once in place: never readable by others in there).
    """
    mode = _new_file_mode()
    if not file.owned or mode is None:
        return False
    target = os.path.realpath(path)
    try:
        if file.temp_path is not None:
            os.replace(file.temp_path, target)
        else:
            _link_into_place(file.fileno(), target)
    except OSError:  # another file system (EXDEV), or a path the copy will report on
        return False
    file.temp_path, file.owned = None, False
    os.fchmod(file.fileno(), mode)
    return True


def _link_into_place(fd: int, target: str) -> None:
    """Give the unnamed file ``fd`` the name ``target``, replacing whatever is there in one step.

    Linking ``/proc/self/fd/<fd>`` with its link followed is how Linux names
    an ``O_TMPFILE`` file; the directory is passed as ``src_dir_fd`` so that
    ``os.link`` calls ``linkat`` (a plain ``link`` would not follow it).
    ``link`` never replaces, so when ``target`` exists the file is linked
    beside it and renamed over it.
    """
    descriptors = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            os.link(str(fd), target, src_dir_fd=descriptors, follow_symlinks=True)
            return
        except FileExistsError:
            pass
        beside = f"{target}.{os.urandom(8).hex()}.part"
        os.link(str(fd), beside, src_dir_fd=descriptors, follow_symlinks=True)
    finally:
        os.close(descriptors)
    try:
        os.replace(beside, target)
    except OSError:
        os.unlink(beside)
        raise


def _new_file_mode() -> int | None:
    """The mode ``open(path, "w")`` gives a new file here; None where the umask is unknown.

    Read from ``/proc/self/status`` (Linux): setting the umask to read it
    would race other threads creating files.
    """
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return None


def _is_file_at(file: IO[bytes], path: str) -> bool:
    """Whether ``path`` is ``file`` itself (saved there before): there is nothing to copy."""
    try:
        here, there = os.fstat(file.fileno()), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


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
