"""Fetching a URL target of ``responder run``: a capped, timed download of one ``.py`` file.

``http(s)://`` goes through ``urllib``; any other scheme through ``fsspec``
when it is installed. Every failure is a :class:`DownloadError` whose text is
the one line ``responder run`` prints.
"""

from __future__ import annotations

import importlib
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import PurePosixPath
from typing import Any

__all__ = ["DOWNLOAD_TIMEOUT", "MAX_DOWNLOAD_BYTES", "DownloadError", "download"]

#: The largest file a URL target may be.
MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024
#: Seconds for a whole download (connect, and every byte).
DOWNLOAD_TIMEOUT = 30.0


class DownloadError(Exception):
    """The target could not be fetched; the message is the whole story, on one line."""


def download(url: str, *, user_agent: str) -> tuple[str, bytes]:
    """The file name a URL names and its bytes.

    Raises:
        DownloadError: the URL names no ``.py`` file, or fetching it failed.
    """
    filename = _url_filename(url)
    scheme = url.split("://", 1)[0].lower()
    fetch = _download_http if scheme in ("http", "https") else _download_fsspec
    return filename, fetch(url, user_agent)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _url_filename(url: str) -> str:
    rest = url.split("://", 1)[1].split("?", 1)[0]
    name = urllib.parse.unquote(PurePosixPath("/" + rest).name)
    if not name.endswith(".py"):
        raise DownloadError(f"URL {url!r} does not name a .py file")
    return name


def _read_capped(stream: Any, url: str, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_DOWNLOAD_BYTES:
            limit = MAX_DOWNLOAD_BYTES // (1024 * 1024)
            raise DownloadError(f"could not download {url!r}: larger than {limit} MiB")
        if deadline is not None and time.monotonic() > deadline:
            raise DownloadError(
                f"could not download {url!r}: timed out after {DOWNLOAD_TIMEOUT:g}s"
            )
        chunks.append(chunk)


def _download_http(url: str, user_agent: str) -> bytes:
    # The scheme is http or https, checked by the caller.
    headers = {"User-Agent": user_agent}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    deadline = time.monotonic() + DOWNLOAD_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310
            return _read_capped(response, url, deadline)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"could not download {url!r}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, str) else _one_line(exc.reason)
        raise DownloadError(f"could not download {url!r}: {reason}") from None
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs, bad responses
        raise DownloadError(f"could not download {url!r}: {_one_line(exc)}") from None


def _download_fsspec(url: str, user_agent: str) -> bytes:
    # user_agent is unused: each fsspec backend identifies itself.
    scheme = url.split("://", 1)[0]
    try:
        fsspec = importlib.import_module("fsspec")
    except ImportError:
        raise DownloadError(
            f"{scheme}:// URLs are fetched with fsspec, which is not installed: pip install fsspec"
        ) from None
    try:
        with fsspec.open(url, "rb") as stream:
            return _read_capped(stream, url, None)
    except DownloadError:
        raise
    except Exception as exc:  # noqa: BLE001 - every backend has its own errors; all are one line
        raise DownloadError(f"could not fetch {url!r}: {_one_line(exc)}") from None
