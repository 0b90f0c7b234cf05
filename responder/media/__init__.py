"""Body formats: the handler interface, the built-in handlers and the registry."""

from .handlers import JSONHandler, MediaHandler
from .registry import MediaRegistry

__all__ = ["JSONHandler", "MediaHandler", "MediaRegistry"]
