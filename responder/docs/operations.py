"""One OpenAPI operation per documented responder, from what the code already says.

Sources, merged per operation (the first one that says a thing wins): the
responder's docstring YAML (after a ``---`` line), the route's keywords
(``summary=``, ``description=``, ``tags=``, ``operation_id=``, ...), the
docstring's prose, then what is derived: path parameters from convertors,
the request body from ``request_model`` in every format that can carry it,
the success response from the response model, keyed by its real status, the
problem-details default, and what ``@conditional`` answers (:mod:`.conditional`).
"""

from __future__ import annotations

import copy
import http
import inspect
import re
from typing import Any

import yaml

from ..media import MediaRegistry
from ..resources import Handler, Route, RouteSpec
from ..resources.validation import BODY_METHODS
from .conditional import describe_conditional
from .models import ModelSchemas
from .parameters import (
    body_parameter,
    form_parameters,
    path_parameter,
    plan_parameters,
    reads_body,
    typed_inputs,
)
from .security import SecuritySchemes

__all__ = ["HTTP_METHODS", "Context", "openapi_path", "operations", "parse_docstring"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

PROBLEM_REF = "#/components/schemas/Problem"
INVALID_PARAMETERS_REF = "#/components/schemas/InvalidParameters"
INVALID_BODY_REF = "#/components/schemas/InvalidBody"

#: Statuses whose responses have no body, so no content is documented for them.
_NO_BODY = frozenset({"204", "205", "304"})


class Context:
    """What every operation of one document is built with, and the operation ids it holds.

    Args:
        models: the model schemas, prepared for the API's routes.
        media: the API's formats: responses are documented in each one that
            writes, request bodies in each one that reads (forms only for
            models a form can fill).
        version: the document's OpenAPI version (uploads are marked the 3.1
            way in a 3.1 document).
        security: the security schemes the document names (none by default).
    """

    def __init__(
        self,
        models: ModelSchemas,
        media: MediaRegistry,
        version: str = "3.1.0",
        security: SecuritySchemes | None = None,
    ) -> None:
        self.models = models
        self.version = version
        self.security = security or SecuritySchemes(None, version)
        self.response_types = media.response_media_types
        self.problem_types = list(
            dict.fromkeys(h.problem_content_type for h in media if h.serializes)
        )
        self._body_types = [(t, h.family == "form") for h in media for t in h.media_types]
        self.read_types = [t for t, _ in self._body_types]
        #: operationId → the operation that has it (``GET /pets``), to refuse a second.
        self.operation_ids: dict[str, str] = {}
        self._unnamed: list[tuple[dict[str, Any], str]] = []

    def body_types(self, model: Any) -> list[str]:
        """The media types a request body for ``model`` may be sent in."""
        form = None  # decided only when some format is a form
        types = []
        for media_type, is_form in self._body_types:
            if is_form:
                form = self.models.reads_as_form(model) if form is None else form
                if not form:
                    continue
            types.append(media_type)
        return types

    def claim(self, operation_id: str, where: str) -> None:
        """Record that ``where`` has ``operation_id``.

        Raises:
            ValueError: another operation has it already.
        """
        other = self.operation_ids.get(operation_id)
        if other is not None:
            raise ValueError(
                f"The operationId {operation_id!r} is given to {other} and to {where}; "
                "an OpenAPI document needs each once: give one of them another "
                "operation_id= (or operationId in its docstring YAML)."
            )
        self.operation_ids[operation_id] = where

    def name_later(self, operation: dict[str, Any], base: str) -> None:
        """Give ``operation`` an id from ``base`` once every given id is known."""
        self._unnamed.append((operation, base))

    def name_the_rest(self) -> None:
        """Derive an id for each operation that was given none, avoiding every given one."""
        for operation, base in self._unnamed:
            candidate, n = base, 2
            while candidate in self.operation_ids:
                candidate, n = f"{base}_{n}", n + 1
            self.operation_ids[candidate] = base
            operation["operationId"] = candidate
        self._unnamed.clear()


def operations(route: Route, context: Context) -> dict[str, Any]:
    """The OpenAPI operations of ``route``, by lower-case method."""
    found: dict[str, Any] = {}
    for method, handler in route.explicit.items():
        spec = handler.spec or RouteSpec(route.path)
        if not spec.include_in_schema:
            continue
        summary, description, extra = parse_docstring(_doc_of(handler))
        documented = _documented_methods(spec, extra, handler)
        if documented is not None and method.lower() not in documented:
            continue
        if method == "HEAD" and "GET" in route.explicit and "head" not in extra:
            continue  # HEAD answered by the GET responder is not an operation of its own
        own = extra.get(method.lower()) if _keyed_by_method(extra) else extra
        operation = copy.deepcopy(own) if isinstance(own, dict) else {}
        _describe(operation, spec, summary, description)
        parameters = _parameters(handler, route, operation.get("parameters", []), context)
        operation.pop("parameters", None)
        if parameters:
            operation["parameters"] = parameters
        _request_body(operation, method, spec, context)
        _planned_body(operation, method, handler, context)
        operation["responses"] = _responses(operation.get("responses") or {}, handler, context)
        problems = {t: {"schema": {"$ref": PROBLEM_REF}} for t in context.problem_types}
        context.security.describe(operation, spec, problems)
        describe_conditional(operation, method, handler, problems)
        _operation_id(operation, f"{method} {openapi_path(route.path)}", route, handler, context)
        found[method.lower()] = operation
    return found


def openapi_path(template: str) -> str:
    """``/items/{id:int}`` → ``/items/{id}``, the path as OpenAPI writes it."""
    return re.sub(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_]+)?}", r"{\1}", template)


def _doc_of(handler: Handler) -> str | None:
    """The responder's docstring, or its resource's when the responder has none."""
    responder = handler.responder
    doc = inspect.getdoc(responder) if responder is not None else None
    if not doc and handler.resource is not None and responder is not handler.resource:
        doc = inspect.getdoc(handler.resource)
    return doc


def _describe(operation: dict[str, Any], spec: RouteSpec, summary: str, description: str) -> None:
    """Fill in what the docstring's YAML left out: the route's keywords, then the prose."""
    for key, value in (("summary", spec.summary), ("description", spec.description)):
        if value:
            operation.setdefault(key, value)
    if summary:
        operation.setdefault("summary", summary)
    if description:
        operation.setdefault("description", description)
    if spec.tags:
        operation.setdefault("tags", list(spec.tags))
    if spec.deprecated:
        operation.setdefault("deprecated", True)


def _request_body(
    operation: dict[str, Any], method: str, spec: RouteSpec, context: Context
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
        "content": {t: {"schema": schema} for t in context.body_types(model)},
    }


def _planned_body(
    operation: dict[str, Any], method: str, handler: Handler, context: Context
) -> None:
    """Describe the body a body parameter, or ``Form``/``File`` parameters, read."""
    if "requestBody" in operation or method not in BODY_METHODS | {"DELETE"}:
        return
    body = body_parameter(handler)
    if body is not None:
        schema = context.models.reference(body.annotation, "validation")
        content = {
            t: {"schema": copy.deepcopy(schema)} for t in context.body_types(body.annotation)
        }
        operation["requestBody"] = {"required": body.required, "content": content}
        description = getattr(body.marker, "description", None)
        if description:
            operation["requestBody"]["description"] = description
        return
    form = form_parameters(handler, context.models, context.read_types, context.version)
    if form is not None and form[0]:
        operation["requestBody"] = {"required": form[1], "content": form[0]}


def _responses(declared: dict[Any, Any], handler: Handler, context: Context) -> dict[str, Any]:
    """The docstring's responses, then the route's ``responses=``, the success, the default.

    The success is keyed by its status: the route's ``status_code=``, else
    the first 2xx already declared, else 200. It is listed in every format
    the API writes, with the response model's schema when there is one.
    """
    spec = handler.spec or RouteSpec("")
    responses = {str(code): response for code, response in declared.items()}
    for code, response in spec.responses.items():
        responses.setdefault(str(code), copy.deepcopy(response))
    status = _success_status(responses, spec)
    success = responses.setdefault(status, {"description": _phrase(status)})
    model = handler.response_model
    bodiless = status in _NO_BODY or not isinstance(success, dict) or "content" in success
    if model is not None and not bodiless:
        schema = context.models.reference(model, "serialization")
        success["content"] = {t: {"schema": schema} for t in context.response_types}
    _invalid(responses, handler, context)
    responses.setdefault(
        "default",
        {
            "description": "An error, as RFC 9457 problem details.",
            "content": {t: {"schema": {"$ref": PROBLEM_REF}} for t in context.problem_types},
        },
    )
    return responses


def _invalid(responses: dict[str, Any], handler: Handler, context: Context) -> None:
    """A 422 for what typed parameters, a body parameter or the route's models refuse.

    Parameters answer with errors that name their ``location``; a
    ``request_model`` with errors that name the body's ``field``.
    """
    spec = handler.spec or RouteSpec("")
    shapes = []
    if typed_inputs(handler) or spec.params_model is not None:
        shapes.append({"$ref": INVALID_PARAMETERS_REF})
    if spec.request_model is not None:
        shapes.append({"$ref": INVALID_BODY_REF})
    if not shapes:
        return
    schema = shapes[0] if len(shapes) == 1 else {"anyOf": shapes}
    responses.setdefault(
        "422",
        {
            "description": "The request's values do not fit: every error listed.",
            "content": {t: {"schema": copy.deepcopy(schema)} for t in context.problem_types},
        },
    )


def _success_status(responses: dict[str, Any], spec: RouteSpec) -> str:
    if spec.status_code is not None:
        return str(spec.status_code)
    return next((code for code in responses if code.startswith("2")), "200")


def _phrase(status: str) -> str:
    """``"201"`` → ``"Created"``; a range such as ``2XX`` → ``"Success"``."""
    try:
        return http.HTTPStatus(int(status)).phrase
    except ValueError:
        return "Success"


def _documented_methods(
    spec: RouteSpec, extra: dict[str, Any], handler: Handler
) -> set[str] | None:
    """For a function view with no ``methods=``: what its docs say it answers.

    GET, plus POST when it validates a body; a body its signature requires
    makes it POST alone, since a GET (which sends none) is refused.
    """
    if not spec.all_methods:
        return None
    if _keyed_by_method(extra):
        return set(extra)
    reads, required = reads_body(handler)
    if required:
        return {"post"}
    return {"get", "post"} if spec.request_model is not None or reads else {"get"}


def _keyed_by_method(extra: dict[str, Any]) -> bool:
    return bool(extra) and all(key in HTTP_METHODS for key in extra)


def _parameters(
    handler: Handler, route: Route, declared: list[dict[str, Any]], context: Context
) -> list[dict[str, Any]]:
    """The operation's parameters: the docstring's, the path's, then the signature's.

    Path parameters are typed by their convertor and narrowed by the
    responder's declaration; what the docstring says about one wins. A
    parameter the docstring declares is not declared again.
    """
    params_model = handler.spec.params_model if handler.spec is not None else None
    planned: dict[tuple[str, str], dict[str, Any]] = {}
    for parameter in plan_parameters(handler, context.models, params_model):
        planned.setdefault(_identity(parameter), parameter)
    parameters = [p for p in declared if p.get("in") != "path"]
    described = {p.get("name"): p for p in declared if p.get("in") == "path"}
    for name in route.template.param_names:
        convertor = route.template.convertors[name].name
        parameter = path_parameter(name, convertor, planned.pop(("path", name), None))
        parameter.update(described.get(name, {}))
        parameters.append(parameter)
    taken = {_identity(p) for p in parameters}
    parameters.extend(p for key, p in planned.items() if key not in taken and key[0] != "path")
    return parameters


def _identity(parameter: dict[str, Any]) -> tuple[str, str]:
    """What makes a parameter unique in an operation: where it is, and its name.

    Header names are compared without regard to case.
    """
    where, name = str(parameter.get("in", "")), str(parameter.get("name", ""))
    return where, name.lower() if where == "header" else name


def _operation_id(
    operation: dict[str, Any], where: str, route: Route, handler: Handler, context: Context
) -> None:
    """Claim the given operationId (YAML, then ``operation_id=``), or derive one later."""
    given = operation.get("operationId") or (handler.spec and handler.spec.operation_id)
    if given:
        context.claim(str(given), where)
        operation["operationId"] = str(given)
        return
    resource = handler.resource
    if resource is not None and resource is not handler.responder:
        name = resource.__name__ if isinstance(resource, type) else type(resource).__name__
    else:
        name = getattr(handler.responder, "__name__", "") or route.path
    method = where.split(" ", 1)[0].lower()
    context.name_later(operation, re.sub(r"[^A-Za-z0-9_]+", "_", f"{method}_{name}").strip("_"))


def parse_docstring(doc: str | None) -> tuple[str, str, dict[str, Any]]:
    """Split a docstring into summary, description and the YAML after ``---``.

    Raises:
        ValueError: the YAML does not parse.
    """
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
