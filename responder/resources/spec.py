"""The typed description of one HTTP registration, read by routing, validation and OpenAPI.

A :class:`RouteSpec` is built once, when a route is added, and stored on every
handler the registration produces; nothing reads it per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RouteSpec"]


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """What one ``add_route`` said about its endpoint, in one typed place.

    Attributes:
        path: the template as written, e.g. ``/items/{id:int}``.
        methods: the methods a function view answers (upper case), or None
            when it was not restricted (or the endpoint is a resource).
        name: the endpoint's name, what ``url_for("name")`` finds.
        request_model, response_model: the pydantic model or marshmallow
            schema that validates request bodies and serializes responses.
        tags, summary, deprecated, responses: the operation's OpenAPI fields;
            the docstring's YAML wins where it says the same thing.
        include_in_schema: whether the OpenAPI document lists the route.
        params_model: the model that validates the whole query string.
        dependencies: the route's ``Depends(...)`` guards, outermost first
            (a group's before the route's own; the API's own run before all).
        all_methods: a function view registered with no ``methods=``: it
            answers everything, so its docs say which methods it means.
    """

    path: str
    methods: tuple[str, ...] | None = None
    name: str | None = None
    request_model: Any = None
    response_model: Any = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    deprecated: bool = False
    responses: Mapping[Any, Any] = field(default_factory=dict)
    include_in_schema: bool = True
    all_methods: bool = False
    params_model: Any = None
    dependencies: tuple[Any, ...] = ()

    @property
    def validates(self) -> bool:
        """Whether request or response bodies are checked against a model."""
        return self.request_model is not None or self.response_model is not None
