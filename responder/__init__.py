"""Responder: a familiar, resource-oriented HTTP service framework for Python."""

# ext is imported so that responder.ext.GraphQLView works after a bare `import responder`;
# it loads graphene only when GraphQLView is first used.
from . import ext, status_codes
from ._version import __version__
from .api import API
from .broadcast import Broadcast
from .csrf import CSRF, CSRFError, csrf_exempt
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
from .params import Body, Cookie, File, Form, Header, Path, Query, UploadFile
from .preconditions import conditional
from .request import Request
from .resources.hooks import after, before
from .response import Response
from .routers import Router
from .session_stores import MemorySessions, RedisSessions

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
    "status_codes",
]
