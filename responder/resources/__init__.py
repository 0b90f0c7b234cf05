"""Resources and routing: templates, the router, adapters and hooks."""

from .adapters import METHODS, Handler
from .hooks import after, before
from .route import Route
from .routing import CONVERTORS, PathTemplate, Router, TemplateError
from .spec import RouteSpec

__all__ = [
    "CONVERTORS",
    "METHODS",
    "Handler",
    "PathTemplate",
    "Route",
    "RouteSpec",
    "Router",
    "TemplateError",
    "after",
    "before",
]
