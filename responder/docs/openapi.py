"""The OpenAPI document, generated from what routes and resources already say.

Sources: the routes (one operation per documented responder, built by
:mod:`.operations`), the models they validate with and the ones registered
with ``@api.schema`` (:mod:`.models`), and the media registry (every format
the API speaks is listed as content). A 3.0 document is the 3.1 one rewritten
(:mod:`.downgrade`). Nothing here runs per request: the document is rebuilt
only when routes or schemas change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from ..media import MediaRegistry
from ..resources import Route
from .downgrade import downgrade
from .models import ModelSchemas
from .operations import HTTP_METHODS, Context, openapi_path, operations
from .options import DEFAULT_OPENAPI_VERSION, DocsOptions
from .security import SecuritySchemes

__all__ = ["DEFAULT_OPENAPI_VERSION", "SpecSource", "build_spec", "iter_operations"]

_PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["title", "status"],
}


_PARAMETER_ERROR = {
    "type": "object",
    "description": "One value that does not fit: where it was read, its key, what is wrong.",
    "properties": {
        "location": {
            "type": "string",
            "enum": ["path", "query", "header", "cookie", "form", "file", "body"],
        },
        "name": {"type": "string"},
        "message": {"type": "string"},
        "type": {"type": "string"},
    },
    "required": ["location", "name", "message", "type"],
}
_BODY_ERROR = {
    "type": "object",
    "description": "One part of the body that does not fit the request model.",
    "properties": {
        "field": {"type": "string"},
        "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
        "message": {"type": "string"},
    },
    "required": ["field", "loc", "message"],
}


def _invalid(error: dict[str, Any]) -> dict[str, Any]:
    """A 422 problem whose ``errors`` are ``error`` items."""
    schema = copy.deepcopy(_PROBLEM)
    schema["description"] = "RFC 9457 problem details, listing every value that does not fit."
    schema["properties"]["errors"] = {"type": "array", "items": error}
    schema["required"] = ["title", "status", "errors"]
    return schema


class SpecSource(Protocol):
    """What the document is generated from: the routes, schemas and formats.

    A protocol, so that ``docs`` reads the API without importing it: the API
    imports ``docs``, never the other way round. The document's ``info`` and
    version come from the :class:`~.options.DocsOptions` given with it.
    """

    @property
    def routes_version(self) -> int:
        """Bumped whenever routes or schemas change, so a served document knows to rebuild."""

    @property
    def schemas(self) -> Mapping[str, Any]:
        """Models registered with ``@api.schema``, by name."""

    @property
    def router(self) -> Iterable[Route]:
        """The HTTP routes."""

    @property
    def media(self) -> MediaRegistry:
        """The formats the API speaks."""


def build_spec(api: SpecSource, options: DocsOptions) -> dict[str, Any]:
    """Generate the OpenAPI document for ``api`` as a plain dict, as ``options`` describe it.

    Raises:
        ValueError: two operations have the same operationId, or a
            docstring's OpenAPI YAML does not parse.
    """
    version = options.openapi_version or DEFAULT_OPENAPI_VERSION
    info = options.info()
    title, info_version = info.pop("title"), info.pop("version")
    spec = APISpec(
        title=title,
        version=info_version,
        openapi_version=version,
        plugins=[MarshmallowPlugin()],
        info=info,
    )
    models = ModelSchemas(spec)
    for name, schema in api.schemas.items():
        models.register(name, schema)
    models.prepare(api.router)
    # Read, not required: a SpecSource without auth documents none.
    security = SecuritySchemes(getattr(api, "auth", None), version)
    context = Context(models, api.media, version, security)
    spec.components.schema("Problem", _PROBLEM)
    spec.components.schema("InvalidParameters", _invalid(_PARAMETER_ERROR))
    spec.components.schema("InvalidBody", _invalid(_BODY_ERROR))
    paths = [(route.path, operations(route, context)) for route in api.router]
    context.name_the_rest()  # derived ids avoid every id given anywhere in the document
    for path, found in paths:
        if found:
            spec.path(path=openapi_path(path), operations=found)
    for name, entry in security.entries.items():
        spec.components.security_scheme(name, entry)
    document = spec.to_dict()
    models.hoist(document)
    if not version.startswith("3.1"):
        document = downgrade(document)
    # The conventional order, so the served YAML reads top-down.
    order = ("openapi", "info", "servers", "paths", "components", "tags")
    return {key: document[key] for key in order if key in document} | {
        key: value for key, value in document.items() if key not in order
    }


def iter_operations(document: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Every ``(path, method, operation)`` of a document, for tests and tools."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation
