"""Resources and routing: templates, the router, adapters and hooks."""

from .adapters import METHODS, Handler
from .hooks import after, before
from .route import Route
from .routing import CONVERTORS, PathTemplate, Router, TemplateError

__all__ = [
    "CONVERTORS",
    "METHODS",
    "Handler",
    "PathTemplate",
    "Route",
    "Router",
    "TemplateError",
    "after",
    "before",
]
