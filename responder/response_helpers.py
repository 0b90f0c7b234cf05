"""Response helpers built on the state of :class:`~._response_base.ResponseBase`.

Bodies that stream (files, generators, server-sent events) and the
shorthands for common answers. Mixed into :class:`responder.response.Response`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ._response_base import ResponseBase
from .errors import HTTPNotFound

__all__ = ["ResponseHelpers"]


class ResponseHelpers(ResponseBase):
    """Setters for streamed bodies and helpers for common answers (see the methods)."""

    __slots__ = ()

    # -- bodies that stream ------------------------------------------------------

    def file(self, path: str | os.PathLike[str], content_type: str | None = None) -> None:
        """Send a file from disk, streamed in chunks.

        The type is guessed from the file name unless given. ``ETag`` and
        ``Last-Modified`` are set; conditional requests get 304 and ``Range``
        requests 206 (or 416).

        Raises:
            HTTPNotFound: there is no such file.
        """
        if not os.path.isfile(path):
            raise HTTPNotFound(detail="The requested file does not exist.")
        self._kind, self._value = "file", (path, content_type)

    def stream_file(self, path: str | os.PathLike[str], content_type: str | None = None) -> None:
        """Send a large file; the same as :meth:`file`, which never loads a whole file."""
        self.file(path, content_type)

    def stream(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Send the chunks (``str`` or ``bytes``) that a generator function yields.

        Use as a decorator in a view: ``@resp.stream`` on an async (or sync)
        generator function. ``text/plain; charset=utf-8`` unless a
        ``Content-Type`` header is set.
        """
        self._kind, self._value = "stream", (func, args, kwargs)
        return func

    def sse(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Send server-sent events: a generator yielding strings or event dicts.

        Dicts may hold ``data``, ``event``, ``id``, ``retry`` and ``comment``;
        see :func:`responder.streaming.encode_event` for how line breaks are kept
        from injecting frames.
        """
        self._kind, self._value = "sse", (func, args, kwargs)
        return func
