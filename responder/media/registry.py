"""The media registry: which handler reads and writes which format.

One registry per API (``api.media``). Lookups by content type, by format name
and by ``Accept`` header are cached; the caches are cleared whenever the set of
handlers changes, and bounded so that clients cannot grow them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from .form_handlers import FormHandler, MultipartHandler
from .handlers import JSONHandler, MediaHandler
from .msgpack_handler import MessagePackHandler
from .negotiation import MediaRange, parse_accept, parse_content_type, quality
from .yaml_handler import YAMLHandler

__all__ = ["MediaRegistry", "default_handlers"]

_CACHE_SIZE = 256
V = TypeVar("V")

#: What negotiation picked: the handler, and the exact media type to send.
Choice = tuple[MediaHandler, str]


def default_handlers() -> list[MediaHandler]:
    """The built-in handlers, in their default order of preference."""
    return [JSONHandler(), YAMLHandler(), MessagePackHandler(), FormHandler(), MultipartHandler()]


class MediaRegistry:
    """Handlers by media type and format name, plus response negotiation.

    Args:
        handlers: the handlers to start with (the built-ins when omitted). The
            first one that can send responses is the default: what a client
            that states no preference gets.
    """

    def __init__(self, handlers: Iterable[MediaHandler] | None = None) -> None:
        self._handlers: list[MediaHandler] = []
        self._negotiated: dict[str, Choice | None] = {}
        self._by_content_type: dict[str, MediaHandler | None] = {}
        for handler in default_handlers() if handlers is None else handlers:
            self.register(handler)

    def __iter__(self) -> Iterator[MediaHandler]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)

    @property
    def default(self) -> MediaHandler:
        """The handler used when the client expresses no preference."""
        return next(h for h in self._handlers if h.serializes)

    @property
    def media_types(self) -> list[str]:
        """Every media type some handler reads, in registration order."""
        return [media_type for handler in self._handlers for media_type in handler.media_types]

    @property
    def response_media_types(self) -> list[str]:
        """Every media type a response can be sent in, in order of preference."""
        return [t for h in self._handlers if h.serializes for t in h.media_types]

    def register(self, handler: MediaHandler) -> MediaHandler:
        """Add ``handler``; it replaces any handler with the same format name.

        Raises:
            ValueError: the handler has no media types or no format name.
        """
        if not handler.media_types or not handler.format:
            raise ValueError("A media handler needs media_types and a format name.")
        self._handlers = [h for h in self._handlers if h.format != handler.format]
        self._handlers.append(handler)
        self._changed()
        return handler

    def unregister(self, handler_or_format: MediaHandler | str) -> None:
        """Remove a handler, given itself or its format name.

        Raises:
            ValueError: it would leave no handler able to send responses.
        """
        name = (
            handler_or_format if isinstance(handler_or_format, str) else handler_or_format.format
        )
        remaining = [h for h in self._handlers if h.format != name]
        if not any(h.serializes for h in remaining):
            raise ValueError("At least one handler must be able to send responses.")
        self._handlers = remaining
        self._changed()

    def by_format(self, name: str) -> MediaHandler | None:
        """The handler whose format name is ``name``."""
        return next((h for h in self._handlers if h.format == name), None)

    def for_content_type(self, content_type: str | None) -> MediaHandler | None:
        """The handler that reads a body of this ``Content-Type``.

        Parameters and case are ignored; a structured suffix (``+json``) maps
        to the handler of that suffix.
        """
        mimetype = parse_content_type(content_type)[0]
        try:
            return self._by_content_type[mimetype]
        except KeyError:
            pass
        handler = next((h for h in self._handlers if mimetype in h.media_types), None)
        if handler is None and "+" in mimetype:
            suffix = mimetype.rsplit("+", 1)[1]
            handler = next((h for h in self._handlers if h.suffix == suffix), None)
        _remember(self._by_content_type, mimetype, handler)
        return handler

    def negotiate(self, accept: str | None) -> Choice | None:
        """The best handler and media type for an ``Accept`` header; None when nothing fits.

        RFC 9110 §12.5.1: each type's weight is the q of the most specific
        range that matches it; q=0 excludes; the highest weight wins, ties go
        to the handler registered first. A range with a structured suffix
        (``application/vnd.x+json``) picks that suffix's handler. The media
        type returned is always one a handler registered. A header with no
        valid range counts as no preference. Results are cached by the
        header's text.
        """
        key = accept or ""
        try:
            return self._negotiated[key]
        except KeyError:
            pass
        choice = self._choose(parse_accept(accept) if accept else [])
        _remember(self._negotiated, key, choice)
        return choice

    def _choose(self, ranges: list[MediaRange]) -> Choice | None:
        default = self.default
        if not ranges:
            return default, default.content_type
        best: Choice | None = None
        best_q = 0.0
        for handler in self._handlers:
            if not handler.serializes:
                continue
            for media_type in handler.media_types:
                q = quality(ranges, media_type)
                if q > best_q:
                    best, best_q = (handler, media_type), q
            if handler.suffix:
                # A client asking for application/vnd.x+json gets JSON, labelled as
                # the handler's own type: only registered types are ever sent, never
                # a string copied from the client's header.
                for media_range in ranges:
                    if media_range.q > best_q and media_range.subtype.endswith(
                        "+" + handler.suffix
                    ):
                        best, best_q = (handler, handler.content_type), media_range.q
        return best

    def _changed(self) -> None:
        self._negotiated.clear()
        self._by_content_type.clear()


def _remember(cache: dict[str, V], key: str, value: V) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
