"""Body formats: the handler interface, the built-in handlers and the registry."""

from .form_handlers import FormHandler, MultipartHandler
from .handlers import JSONHandler, MediaHandler
from .msgpack_handler import MessagePackHandler
from .registry import MediaRegistry, default_handlers
from .yaml_handler import YAMLHandler

__all__ = [
    "FormHandler",
    "JSONHandler",
    "MediaHandler",
    "MediaRegistry",
    "MessagePackHandler",
    "MultipartHandler",
    "YAMLHandler",
    "default_handlers",
]
