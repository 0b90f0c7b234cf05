"""The media registry: which handler reads and writes which format.

One registry per API (``api.media``). Lookups by content type, by format name
and by ``Accept`` header are cached; the caches are cleared whenever the set of
handlers changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .handlers import JSONHandler, MediaHandler
from .negotiation import parse_accept, parse_content_type, quality

__all__ = ["MediaRegistry"]

# Bounds the per-Accept-header cache so that clients cannot grow it forever.
_NEGOTIATION_CACHE_SIZE = 256


class MediaRegistry:
    """Handlers by media type and format name, plus response negotiation.

    Args:
        handlers: the handlers to start with; JSON when omitted. The first
            registered handler is the default for responses when the client
            does not say what it wants.

    """

    def __init__(self, handlers: Iterable[MediaHandler] | None = None) -> None:
        self._handlers: list[MediaHandler] = []
        self._negotiated: dict[str, MediaHandler | None] = {}
        for handler in handlers if handlers is not None else (JSONHandler(),):
            self.register(handler)

    def __iter__(self) -> Iterator[MediaHandler]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)

    @property
    def default(self) -> MediaHandler:
        """The handler used when the client expresses no preference."""
        return self._handlers[0]

    @property
    def media_types(self) -> list[str]:
        """Every media type some handler speaks, in registration order."""
        return [media_type for handler in self._handlers for media_type in handler.media_types]

    def register(self, handler: MediaHandler) -> MediaHandler:
        """Add ``handler``; it replaces any handler with the same format name."""
        if not handler.media_types or not handler.format:
            raise ValueError("A media handler needs media_types and a format name.")
        self._handlers = [h for h in self._handlers if h.format != handler.format]
        self._handlers.append(handler)
        self._changed()
        return handler

    def unregister(self, handler_or_format: MediaHandler | str) -> None:
        """Remove a handler, given itself or its format name."""
        name = (
            handler_or_format if isinstance(handler_or_format, str) else handler_or_format.format
        )
        self._handlers = [h for h in self._handlers if h.format != name]
        self._changed()

    def by_format(self, name: str) -> MediaHandler | None:
        """The handler whose format name is ``name``."""
        for handler in self._handlers:
            if handler.format == name:
                return handler
        return None

    def for_content_type(self, content_type: str | None) -> MediaHandler | None:
        """The handler that reads a body of this ``Content-Type`` (parameters ignored)."""
        mimetype, _ = parse_content_type(content_type)
        for handler in self._handlers:
            if mimetype in handler.media_types:
                return handler
        return None

    def negotiate(self, accept: str | None) -> MediaHandler | None:
        """The best handler for an ``Accept`` header, or None when nothing fits."""
        key = accept or ""
        try:
            return self._negotiated[key]
        except KeyError:
            pass
        chosen = self._best(accept)
        if len(self._negotiated) >= _NEGOTIATION_CACHE_SIZE:
            self._negotiated.clear()
        self._negotiated[key] = chosen
        return chosen

    def _best(self, accept: str | None) -> MediaHandler | None:
        if not accept:
            return self.default
        ranges = parse_accept(accept)
        best: MediaHandler | None = None
        best_q = 0.0
        for handler in self._handlers:
            q = max(quality(ranges, media_type) for media_type in handler.media_types)
            if q > best_q:  # ties keep the earlier-registered handler
                best, best_q = handler, q
        return best

    def _changed(self) -> None:
        self._negotiated.clear()
