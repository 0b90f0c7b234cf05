"""The OpenAPI document, generated from what routes and resources already say.

Sources, merged per operation: the path template (typed path parameters),
the responder's docstring (summary, description, and OpenAPI YAML after a
``---`` line), ``request_model`` / ``response_model``, schemas registered with
``@api.schema``, and the media registry (every format the API speaks is listed
as content). Nothing here runs per request: the document is rebuilt only when
routes or schemas change.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from ..media import MediaRegistry
from ..resources import Handler, Route, RouteSpec
from ..resources.validation import BODY_METHODS, Model
from .options import DEFAULT_OPENAPI_VERSION, DocsOptions

__all__ = ["DEFAULT_OPENAPI_VERSION", "SpecSource", "build_spec", "iter_operations"]

Mode = Literal["validation", "serialization"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number", "minimum": 0},
    "str": {"type": "string", "pattern": "^[^/]+$"},
    "uuid": {"type": "string", "format": "uuid"},
    "path": {"type": "string"},
}

_PROBLEM_REF = "#/components/schemas/Problem"
_PROBLEM = {
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
    """Generate the OpenAPI document for ``api`` as a plain dict, as ``options`` describe it."""
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
    models = _ModelSchemas(spec)
    for name, schema in api.schemas.items():
        models.register(name, schema)
    models.prepare(api.router)
    context = _Context(models, api.media.response_media_types, _problem_media_types(api))
    spec.components.schema("Problem", _PROBLEM)
    for route in api.router:
        operations = _operations(route, context)
        if operations:
            spec.path(path=_openapi_path(route.path), operations=operations)
    document = spec.to_dict()
    models.hoist(document)
    if not version.startswith("3.1"):
        document = _downgrade(document)
    # The conventional order, so the served YAML reads top-down.
    order = ("openapi", "info", "servers", "paths", "components", "tags")
    return {key: document[key] for key in order if key in document} | {
        key: value for key, value in document.items() if key not in order
    }


def _problem_media_types(api: SpecSource) -> list[str]:
    types = []
    for handler in api.media:
        if handler.serializes and handler.problem_content_type not in types:
            types.append(handler.problem_content_type)
    return types


def _openapi_path(template: str) -> str:
    """``/items/{id:int}`` → ``/items/{id}``."""
    return re.sub(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_]+)?}", r"{\1}", template)


class _Context:
    """What every operation of one document is built with."""

    __slots__ = ("media_types", "models", "operation_ids", "problem_types")

    def __init__(
        self, models: _ModelSchemas, media_types: list[str], problem_types: list[str]
    ) -> None:
        self.models, self.media_types, self.problem_types = models, media_types, problem_types
        self.operation_ids: set[str] = set()


def _operations(route: Route, context: _Context) -> dict[str, Any]:
    """The OpenAPI operations of ``route``, by lower-case method."""
    operations: dict[str, Any] = {}
    for method, handler in route.explicit.items():
        spec = handler.spec or RouteSpec(route.path)
        if not spec.include_in_schema:
            continue
        summary, description, extra = _parse_docstring(_doc_of(handler))
        documented = _documented_methods(spec, extra)
        if documented is not None and method.lower() not in documented:
            continue
        if method == "HEAD" and "GET" in route.explicit and "head" not in extra:
            continue  # HEAD answered by the GET responder is not an operation of its own
        own = extra.get(method.lower()) if _keyed_by_method(extra) else extra
        operation = copy.deepcopy(own) if isinstance(own, dict) else {}
        _describe(operation, spec, summary, description)
        operation["parameters"] = _parameters(route, operation.get("parameters", []))
        if not operation["parameters"]:
            del operation["parameters"]
        _request_body(operation, method, spec, context)
        _responses(operation.setdefault("responses", {}), spec, context)
        operation.setdefault(
            "operationId", _operation_id(route, method, handler, context.operation_ids)
        )
        operations[method.lower()] = operation
    return operations


def _doc_of(handler: Handler) -> str | None:
    """The responder's docstring, or its resource's when the responder has none."""
    responder = handler.responder
    doc = inspect.getdoc(responder) if responder is not None else None
    if not doc and handler.resource is not None and responder is not handler.resource:
        doc = inspect.getdoc(handler.resource)
    return doc


def _describe(operation: dict[str, Any], spec: RouteSpec, summary: str, description: str) -> None:
    """Fill in what the docstring's YAML left out: the route's fields, then the prose."""
    if spec.summary:
        operation.setdefault("summary", spec.summary)
    if summary:
        operation.setdefault("summary", summary)
    if description:
        operation.setdefault("description", description)
    if spec.tags:
        operation.setdefault("tags", list(spec.tags))
    if spec.deprecated:
        operation.setdefault("deprecated", True)


def _request_body(
    operation: dict[str, Any], method: str, spec: RouteSpec, context: _Context
) -> None:
    """Describe the body ``request_model`` validates, unless the docstring already does."""
    model = spec.request_model
    if model is None or "requestBody" in operation:
        return
    if method not in BODY_METHODS and method != "DELETE":
        return
    schema = context.models.reference(model, "validation")
    operation["requestBody"] = {
        "required": method != "DELETE",  # a DELETE is validated only if it has a body
        "content": {t: {"schema": schema} for t in context.media_types},
    }


def _responses(responses: dict[Any, Any], spec: RouteSpec, context: _Context) -> None:
    """Add the route's declared responses, its model's success and the problem default."""
    declared = {str(code) for code in responses}
    for code, response in spec.responses.items():
        if str(code) not in declared:
            responses[str(code)] = copy.deepcopy(response)
    if spec.response_model not in (None, False) and not _has_success(responses):
        schema = context.models.reference(spec.response_model, "serialization")
        responses["2XX"] = {
            "description": "Success",
            "content": {t: {"schema": schema} for t in context.media_types},
        }
    if not _has_success(responses):
        responses["200"] = {"description": "Success"}
    responses.setdefault(
        "default",
        {
            "description": "An error, as RFC 9457 problem details.",
            "content": {t: {"schema": {"$ref": _PROBLEM_REF}} for t in context.problem_types},
        },
    )


def _documented_methods(spec: RouteSpec, extra: dict[str, Any]) -> set[str] | None:
    """For a function view with no ``methods=``: what its docs say it answers."""
    if not spec.all_methods:
        return None
    if _keyed_by_method(extra):
        return set(extra)
    return {"get", "post"} if spec.request_model is not None else {"get"}


def _keyed_by_method(extra: dict[str, Any]) -> bool:
    return bool(extra) and all(key in HTTP_METHODS for key in extra)


def _has_success(responses: dict[Any, Any]) -> bool:
    return any(str(code).startswith("2") for code in responses)


def _parameters(route: Route, declared: list[dict[str, Any]]) -> list[dict[str, Any]]:
    parameters = [p for p in declared if p.get("in") != "path"]
    described = {p.get("name"): p for p in declared if p.get("in") == "path"}
    for name in route.template.param_names:
        convertor = route.template.convertors[name].name
        parameter = {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(_PARAMETER_SCHEMAS[convertor]),
        }
        parameter.update(described.get(name, {}))  # what the docstring says wins
        parameters.append(parameter)
    return parameters


def _operation_id(route: Route, method: str, handler: Handler, taken: set[str]) -> str:
    resource = handler.resource
    if resource is not None and resource is not handler.responder:
        name = resource.__name__ if isinstance(resource, type) else type(resource).__name__
    else:
        name = getattr(handler.responder, "__name__", "") or route.path
    base = re.sub(r"[^A-Za-z0-9_]+", "_", f"{method.lower()}_{name}").strip("_")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _parse_docstring(doc: str | None) -> tuple[str, str, dict[str, Any]]:
    """Split a docstring into summary, description and the YAML after ``---``."""
    if not doc:
        return "", "", {}
    text, _, tail = doc.partition("\n---")
    extra: Any = {}
    if tail.strip():
        try:
            extra = yaml.safe_load(tail) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"The OpenAPI YAML in a docstring does not parse: {exc}") from None
    lines = text.strip().splitlines()
    summary = lines[0].strip() if lines else ""
    description = "\n".join(lines[1:]).strip()
    return summary, description, extra if isinstance(extra, dict) else {}


class _ModelSchemas:
    """Schemas for pydantic models and marshmallow schemas, with ``$defs`` hoisted.

    pydantic schemas are generated in one batch (``prepare``) so that shared
    sub-models become one component each.
    """

    def __init__(self, spec: APISpec) -> None:
        self.spec = spec
        self._marshmallow: dict[Any, str] = {}
        self._pydantic: list[tuple[Any, Mode, Any]] = []  # (model, mode, adapter)
        self._named: dict[str, Any] = {}
        self._schemas: dict[tuple[int, Mode], dict[str, Any]] = {}
        self._definitions: dict[str, Any] = {}

    def register(self, name: str, schema: Any) -> None:
        """List ``schema`` in the components under ``name``."""
        if Model(schema).is_marshmallow:
            self._marshmallow_name(schema, name)
        else:
            self._add_pydantic(schema, "validation")
            self._named[name] = schema

    def prepare(self, routes: Iterable[Route]) -> None:
        """Generate every pydantic schema the routes use, in one batch."""
        for route in routes:
            for handler in route.explicit.values():
                spec = handler.spec
                if spec is None:
                    continue
                for model, mode in (
                    (spec.request_model, "validation"),
                    (spec.response_model, "serialization"),
                ):
                    if model not in (None, False) and not Model(model).is_marshmallow:
                        self._add_pydantic(model, mode)  # type: ignore[arg-type]
        if not self._pydantic:
            return
        from pydantic import TypeAdapter

        by_key, definitions = TypeAdapter.json_schemas(
            [(id(model), mode, adapter) for model, mode, adapter in self._pydantic],
            ref_template="#/components/schemas/{model}",
        )
        self._schemas = dict(by_key)
        self._definitions = definitions.get("$defs", {})

    def reference(self, schema: Any, mode: Mode) -> dict[str, Any]:
        """A schema (usually a ``$ref``) for ``schema`` used in ``mode``."""
        if Model(schema).is_marshmallow:
            return {"$ref": f"#/components/schemas/{self._marshmallow_name(schema)}"}
        return copy.deepcopy(self._schemas[(id(schema), mode)])

    def hoist(self, document: dict[str, Any]) -> None:
        """Put pydantic's definitions (and named models) into the components."""
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in self._definitions.items():
            components.setdefault(name, schema)
        for name, model in self._named.items():
            components.setdefault(
                name, _resolve(self._schemas[(id(model), "validation")], components)
            )

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


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/") and len(schema) == 1:
        return dict(components[ref.rsplit("/", 1)[1]])
    return schema


def _downgrade(node: Any) -> Any:
    """Rewrite JSON Schema 2020-12 constructs that OpenAPI 3.0 does not know."""
    if isinstance(node, list):
        return [_downgrade(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _downgrade(value) for key, value in node.items()}
    _nullable_union(node)
    _nullable_type_list(node)
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if isinstance(node.get("examples"), list):
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node[bound], bool):
            node[plain] = node[bound]
            node[bound] = True
    return node


def _nullable_union(node: dict[str, Any]) -> None:
    """``anyOf: [X, {type: null}]`` → X with ``nullable: true``."""
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if not (isinstance(options, list) and {"type": "null"} in options):
            continue
        rest = [option for option in options if option != {"type": "null"}]
        del node[key]
        node["nullable"] = True
        if len(rest) == 1 and "$ref" not in rest[0]:
            node.update(rest[0])
        else:
            node[key] = rest


def _nullable_type_list(node: dict[str, Any]) -> None:
    """``type: [string, "null"]`` → ``type: string`` with ``nullable: true``."""
    kind = node.get("type")
    if isinstance(kind, list):
        types = [t for t in kind if t != "null"]
        if len(types) < len(kind):
            node["nullable"] = True
        node["type"] = types[0] if len(types) == 1 else types


def iter_operations(document: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Every ``(path, method, operation)`` of a document, for tests and tools."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation
