"""Responder: a familiar, resource-oriented HTTP service framework for Python."""

# ext is imported so that responder.ext.GraphQLView works after a bare `import responder`;
# it loads graphene only when GraphQLView is first used.
from . import ext, status_codes
from .api import API
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
from .preconditions import conditional
from .request import Request
from .resources.hooks import after, before
from .response import Response
from .routers import Router

__version__ = "0.1.0"

__all__ = [
    "API",
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
    "MediaMalformedError",
    "Request",
    "Response",
    "RouteNotFoundError",
    "Router",
    "__version__",
    "after",
    "before",
    "conditional",
    "ext",
    "status_codes",
]
