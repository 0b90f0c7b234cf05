"""Schemas for the models an API validates with: pydantic types and marshmallow schemas.

pydantic types (models, ``list[Model]``, unions, dataclasses, ``TypedDict``,
anything a ``TypeAdapter`` takes) are generated in one batch, so that a
sub-model shared by several routes becomes one component, referenced with
``$ref``; marshmallow schemas go through apispec's plugin. Both end up in
``components/schemas``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from apispec import APISpec

from ..resources import Route
from ..resources.validation import Model

__all__ = ["Mode", "ModelSchemas"]

Mode = Literal["validation", "serialization"]

_REF = "#/components/schemas/"


class ModelSchemas:
    """The schema of each model in each mode, with pydantic's ``$defs`` hoisted.

    Call :meth:`register` for named models, then :meth:`prepare` once with the
    routes, then :meth:`reference` per use and :meth:`hoist` at the end.
    """

    def __init__(self, spec: APISpec) -> None:
        self.spec = spec
        self._marshmallow: dict[Any, str] = {}
        self._pydantic: list[tuple[Any, Mode, Any]] = []  # (model, mode, adapter)
        self._named: dict[str, Any] = {}
        self._schemas: dict[tuple[int, Mode], dict[str, Any]] = {}
        self._definitions: dict[str, Any] = {}
        self._values: list[Any] = []  # the plans' values models
        self._properties: dict[int, dict[str, Any]] = {}
        self._hidden: set[str] = set()  # the plans' definitions, kept out of the components

    def register(self, name: str, schema: Any) -> None:
        """List ``schema`` in the components under ``name``."""
        if Model(schema).is_marshmallow:
            self._marshmallow_name(schema, name)
        else:
            self._add_pydantic(schema, "validation")
            self._named[name] = schema

    def prepare(self, routes: Iterable[Route]) -> None:
        """Generate every pydantic schema the routes use, in one batch.

        A handler's response model is the one it checks answers against: the
        route's ``response_model=`` or the responder's return annotation.
        """
        for route in routes:
            for handler in route.explicit.values():
                for model, mode in _models_of(handler):
                    if model not in (None, False) and not Model(model).is_marshmallow:
                        self._add_pydantic(model, mode)
                for plan in handler.plans:
                    values = plan.values_model[0]
                    if values is not None and all(v is not values for v in self._values):
                        self._add_pydantic(values, "validation")
                        self._values.append(values)
        if not self._pydantic:
            return
        from pydantic import TypeAdapter

        by_key, definitions = TypeAdapter.json_schemas(
            [(id(model), mode, adapter) for model, mode, adapter in self._pydantic],
            ref_template=_REF + "{model}",
        )
        self._schemas = dict(by_key)
        self._definitions = definitions.get("$defs", {})
        for values in self._values:  # a plan's values are parameters, not a component
            found = self._schemas[(id(values), "validation")]
            name = str(found.get("$ref", "")).removeprefix(_REF)
            # not popped: pydantic may give two plans with the same fields one definition
            self._hidden.add(name)
            self._properties[id(values)] = self._definitions.get(name, found).get("properties", {})

    def properties(self, values: Any) -> dict[str, Any]:
        """The schema of each field of a plan's values model, by field name."""
        return copy.deepcopy(self._properties.get(id(values), {}))

    def resolved(self, schema: Any) -> dict[str, Any]:
        """``schema``, or the definition it points to when it is a ``$ref``."""
        return copy.deepcopy(self._resolved(schema))

    def reference(self, schema: Any, mode: Mode) -> dict[str, Any]:
        """A schema (usually a ``$ref``) for ``schema`` used in ``mode``."""
        if Model(schema).is_marshmallow:
            return {"$ref": _REF + self._marshmallow_name(schema)}
        return copy.deepcopy(self._schemas[(id(schema), mode)])

    def reads_as_form(self, schema: Any) -> bool:
        """Whether a form (urlencoded or multipart) can carry a valid body for ``schema``.

        A form is flat and every value in it is text, so it can only fill an
        object whose fields take a string: pydantic checks bodies strictly
        (``"5"`` is no integer), and a field that may be null, a number, a
        list or a nested object cannot be written in a form. marshmallow
        converts text itself, so any field that is not a container will do.
        """
        if Model(schema).is_marshmallow:
            return _flat_marshmallow(schema)
        found = self._resolved(self._schemas[(id(schema), "validation")])
        properties = found.get("properties")
        if found.get("type") != "object" or not isinstance(properties, dict):
            return False
        return all(_only_text(self._resolved(p)) for p in properties.values())

    def hoist(self, document: dict[str, Any]) -> None:
        """Put pydantic's definitions (and named models) into the components."""
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in self._definitions.items():
            if name not in self._hidden:
                components.setdefault(name, schema)
        for name, model in self._named.items():
            components.setdefault(
                name, _resolve(self._schemas[(id(model), "validation")], components)
            )

    def _resolved(self, schema: Any) -> dict[str, Any]:
        """``schema``, or the definition it points to when it is a ``$ref``."""
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref", "")
        if isinstance(ref, str) and ref.startswith(_REF):
            found = self._definitions.get(ref.removeprefix(_REF))
            return found if isinstance(found, dict) else {}
        return schema

    def _add_pydantic(self, model: Any, mode: Mode) -> None:
        if not any(m is model and md == mode for m, md, _ in self._pydantic):
            self._pydantic.append((model, mode, Model(model).adapter))

    def _marshmallow_name(self, schema: Any, name: str | None = None) -> str:
        cls = schema if isinstance(schema, type) else type(schema)
        if cls not in self._marshmallow:
            name = name or cls.__name__.removesuffix("Schema") or cls.__name__
            self._marshmallow[cls] = name
            self.spec.components.schema(name, schema=cls)
        return self._marshmallow[cls]


def _models_of(handler: Any) -> Iterator[tuple[Any, Mode]]:
    """The models a handler validates or serializes with: the route's, its body parameter's."""
    spec = handler.spec
    if spec is not None:
        yield spec.request_model, "validation"
        yield handler.response_model, "serialization"
        yield spec.params_model, "validation"
    for plan in handler.plans:
        if plan.body is not None:
            yield plan.body.annotation, "validation"


def _only_text(schema: dict[str, Any]) -> bool:
    """Whether every value ``schema`` allows is a string (no null, no number, no list)."""
    if "enum" in schema:
        return all(isinstance(value, str) for value in schema["enum"])
    if "const" in schema:
        return isinstance(schema["const"], str)
    return schema.get("type") == "string"


def _flat_marshmallow(schema: Any) -> bool:
    from marshmallow import fields

    instance = schema() if isinstance(schema, type) else schema
    containers = (fields.Nested, fields.List, fields.Tuple, fields.Mapping)
    declared = instance.fields.values()
    return bool(declared) and not any(isinstance(field, containers) for field in declared)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith(_REF) and len(schema) == 1:
        return dict(components[ref.rsplit("/", 1)[1]])
    return schema
