"""Responder: a familiar, resource-oriented HTTP service framework for Python."""

import importlib
from typing import TYPE_CHECKING, Any

from . import status_codes
from ._version import __version__
from .api import API
from .dependencies import (
    DependencyCycleError,
    DependencyError,
    DependencyResolutionError,
    DependencyScopeError,
    Depends,
)
from .errors import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPContentTooLarge,
    HTTPError,
    HTTPForbidden,
    HTTPGone,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPNotAcceptable,
    HTTPNotFound,
    HTTPPreconditionFailed,
    HTTPPreconditionRequired,
    HTTPServiceUnavailable,
    HTTPTooManyRequests,
    HTTPUnauthorized,
    HTTPUnprocessableEntity,
    HTTPUnsupportedMediaType,
    MediaMalformedError,
    RouteNotFoundError,
)
from .params import Body, Cookie, File, Form, Header, Path, Query
from .request import Request
from .resources.hooks import after, before
from .response import Response

if TYPE_CHECKING:
    from . import ext, log
    from .broadcast import Broadcast
    from .csrf import CSRF, CSRFError, csrf_exempt
    from .preconditions import conditional
    from .routers import Router
    from .session_stores import MemorySessions, RedisSessions
    from .uploads import UploadFile

#: Names whose modules load on first access: a hello app never imports them.
_LAZY = {
    "Broadcast": "broadcast",
    "CSRF": "csrf",
    "CSRFError": "csrf",
    "csrf_exempt": "csrf",
    "MemorySessions": "session_stores",
    "RedisSessions": "session_stores",
    "Router": "routers",
    "UploadFile": "uploads",
    "conditional": "preconditions",
}

__all__ = [
    "API",
    "CSRF",
    "Body",
    "Broadcast",
    "CSRFError",
    "Cookie",
    "DependencyCycleError",
    "DependencyError",
    "DependencyResolutionError",
    "DependencyScopeError",
    "Depends",
    "File",
    "Form",
    "HTTPBadRequest",
    "HTTPConflict",
    "HTTPContentTooLarge",
    "HTTPError",
    "HTTPForbidden",
    "HTTPGone",
    "HTTPInternalServerError",
    "HTTPMethodNotAllowed",
    "HTTPNotAcceptable",
    "HTTPNotFound",
    "HTTPPreconditionFailed",
    "HTTPPreconditionRequired",
    "HTTPServiceUnavailable",
    "HTTPTooManyRequests",
    "HTTPUnauthorized",
    "HTTPUnprocessableEntity",
    "HTTPUnsupportedMediaType",
    "Header",
    "MediaMalformedError",
    "MemorySessions",
    "Path",
    "Query",
    "RedisSessions",
    "Request",
    "Response",
    "RouteNotFoundError",
    "Router",
    "UploadFile",
    "__version__",
    "after",
    "before",
    "conditional",
    "csrf_exempt",
    "ext",
    "log",
    "status_codes",
]


#: Subpackages and modules used as ``responder.<name>.x`` that load on first access.
_SUBMODULES = frozenset({"ext", "log"})


def __getattr__(name: str) -> Any:
    """``responder.Broadcast``, the other ``_LAZY`` names, ``ext`` and ``log``, when asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    if name in _SUBMODULES:  # responder.log.get_logger works after a bare `import responder`
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The package's names, the lazy ones included (as before they were lazy)."""
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
