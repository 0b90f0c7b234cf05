"""OpenAPI parameters and request bodies from the call plans made when routes were added.

A responder's plan (:class:`responder.params.Plan`) says where each of its
parameters comes from; its values model is the pydantic model that checks
them per request, so the schemas documented here are the ones validated:
types, constraints, defaults and descriptions. Path parameters combine the
route's convertor with a ``Path`` marker's constraints; a ``Query`` typed
with a model and a route's ``params_model=`` list the model's fields as query
parameters; a body parameter gives the ``requestBody`` in every format that
reads it, and ``Form``/``File`` parameters a form body.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..params import Parameter, Plan
from ..params.markers import Header
from ..resources import Handler

__all__ = [
    "FORM_TYPES",
    "PARAMETER_SCHEMAS",
    "body_parameter",
    "form_parameters",
    "path_parameter",
    "plan_parameters",
    "reads_body",
    "typed_inputs",
]

#: What each route convertor matches, as a schema.
PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number", "minimum": 0},
    "str": {"type": "string", "pattern": "^[^/]+$"},
    "uuid": {"type": "string", "format": "uuid"},
    "path": {"type": "string"},
}

URLENCODED, MULTIPART = "application/x-www-form-urlencoded", "multipart/form-data"
FORM_TYPES = (URLENCODED, MULTIPART)

#: Where a planned value is an OpenAPI parameter.
_PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")


def plans_of(handler: Handler) -> tuple[Plan, ...]:
    """The handler's plans (``on_request``'s, then the responder's)."""
    return tuple(getattr(handler, "plans", ()))


def typed_inputs(handler: Handler) -> bool:
    """Whether a request to ``handler`` can be refused with the parameters' 422."""
    return any(p.location != "dependency" for plan in plans_of(handler) for p in plan.parameters)


def reads_body(handler: Handler) -> tuple[bool, bool]:
    """Whether the handler's signature reads the body, and whether it must be sent."""
    found = [
        p
        for plan in plans_of(handler)
        for p in plan.parameters
        if p.location in ("body", "form", "file")
    ]
    return bool(found), any(p.required for p in found)


def body_parameter(handler: Handler) -> Parameter | None:
    """The parameter that receives the whole body, if the handler has one."""
    return next((plan.body for plan in plans_of(handler) if plan.body is not None), None)


def plan_parameters(
    handler: Handler, schemas: Any, params_model: Any = None
) -> Iterator[dict[str, Any]]:
    """The OpenAPI parameters of the handler's plans, then of ``params_model``'s fields.

    ``schemas`` is a :class:`.models.ModelSchemas`, prepared with the routes.
    Path parameters come out with their own schema, to be merged with the
    convertor's by :func:`path_parameter`.
    """
    for parameter, schema in _values(handler, schemas, _PARAMETER_LOCATIONS):
        whole = schemas.resolved(schema)
        if parameter.location == "query" and "properties" in whole and _is_model(parameter):
            yield from _model_fields(whole)
            continue
        yield _parameter(parameter, schema)
    if params_model is not None:
        yield from _model_fields(schemas.resolved(schemas.reference(params_model, "validation")))


def _values(
    handler: Handler, schemas: Any, locations: Iterable[str]
) -> Iterator[tuple[Parameter, dict[str, Any]]]:
    """Each planned value read from one of ``locations``, with its schema (no derived title)."""
    for plan in plans_of(handler):
        model, fields = plan.values_model
        if model is None:
            continue
        properties = schemas.properties(model)
        for field, parameter in fields:
            if parameter.location in locations:
                schema = dict(properties.get(field, {}))
                if getattr(parameter.marker, "title", None) is None:
                    schema.pop("title", None)
                yield parameter, schema


def _is_model(parameter: Parameter) -> bool:
    from ..params.plan import is_body_type

    return is_body_type(parameter.annotation)


def _parameter(parameter: Parameter, schema: dict[str, Any]) -> dict[str, Any]:
    """One planned value as an OpenAPI parameter, its documentation lifted out of the schema."""
    marker = parameter.marker
    found: dict[str, Any] = {
        "name": _name(parameter),
        "in": parameter.location,
        "required": parameter.required or parameter.location == "path",
    }
    description = schema.pop("description", None)
    if description:
        found["description"] = description
    if getattr(marker, "deprecated", None):
        found["deprecated"] = True
    found["schema"] = schema
    if parameter.many and parameter.location == "query":
        found["style"], found["explode"] = "form", True
    return found


def _name(parameter: Parameter) -> str:
    """The key the client sends; a header as it is usually written (``User-Agent``)."""
    marker = parameter.marker
    if not isinstance(marker, Header):
        return parameter.key
    if marker.alias:
        return marker.alias
    if not marker.convert_underscores:
        return parameter.key
    return "-".join(part.capitalize() for part in parameter.key.split("-"))


def _model_fields(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A model's fields, each a query parameter (``?page=2&size=10``)."""
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        field = dict(field)
        field.pop("title", None)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        description = field.pop("description", None)
        if description:
            parameter["description"] = description
        parameter["schema"] = field
        if field.get("type") == "array":
            parameter["style"], parameter["explode"] = "form", True
        yield parameter


def path_parameter(name: str, convertor: str, planned: dict[str, Any] | None) -> dict[str, Any]:
    """A route value: the convertor's schema, narrowed by what the responder declares.

    When both are numbers (or both strings) the bounds and formats add up;
    when the responder converts the text to another type (``{n}`` read as
    ``int``) the declared type is what a client must send.
    """
    matched = dict(PARAMETER_SCHEMAS.get(convertor, {"type": "string"}))
    if planned is None:
        return {"name": name, "in": "path", "required": True, "schema": matched}
    found = dict(planned)
    found["schema"] = _narrowed(matched, dict(planned["schema"]))
    return found


def _narrowed(matched: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
    numbers = {"integer", "number"}
    kinds = {matched.get("type"), declared.get("type")}
    if not (kinds <= numbers or kinds == {"string"}):
        return declared
    if matched.get("type") == "integer":
        declared["type"] = "integer"  # the convertor hands over whole numbers only
    for key, value in matched.items():
        if key == "minimum" and isinstance(declared.get(key), (int, float)):
            declared[key] = max(declared[key], value)
        elif key == "pattern" and "pattern" in declared and declared[key] != value:
            declared.setdefault("allOf", []).append({"pattern": value})
        else:
            declared.setdefault(key, value)
    return declared


def form_parameters(
    handler: Handler, schemas: Any, registered: Iterable[str], version: str
) -> tuple[dict[str, Any], bool] | None:
    """The form body of the handler's ``Form`` and ``File`` parameters, and if it is required.

    None when the handler reads no form fields. Files need multipart; a form
    with no file is also listed urlencoded. Each media type is listed only if
    the API's registry reads it.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    files = False
    for parameter, schema in _values(handler, schemas, ("form", "file")):
        if parameter.location == "file":
            files = True
            if version.startswith("3.1"):
                _binary_31(schema)
        properties[parameter.key] = schema
        if parameter.required:
            required.append(parameter.key)
    if not properties:
        return None
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    kinds = [t for t in ((MULTIPART,) if files else FORM_TYPES) if t in set(registered)]
    return {t: {"schema": schema} for t in kinds}, bool(required)


def _binary_31(schema: dict[str, Any]) -> None:
    """Mark uploads the 3.1 way too (``contentMediaType``), keeping 3.0's ``format: binary``."""
    target = schema.get("items", schema) if schema.get("type") == "array" else schema
    if isinstance(target, dict) and target.get("format") == "binary":
        target["contentMediaType"] = "application/octet-stream"
