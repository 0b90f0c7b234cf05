"""The call plan: where each of a responder's parameters comes from, worked out at registration.

Every parameter after ``req, resp`` (or ``ws``) gets exactly one source: a
route value (plain, or typed and constrained), a marker (``Query``,
``Header``, ``Cookie``, ``Path``, ``Form``, ``File``, ``Body``), the body (a
keyword parameter annotated with a model), a dependency (``Depends(p)`` or a
registered name), or its default. A signature that declares none of this
gets no plan, and its responder runs exactly as before.

The :class:`Plan` is a typed, inspectable list of :class:`Parameter`; the
OpenAPI generator reads it from the handler.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..dependencies.graph import Depends, Graph, Node
from ..dependencies.signature import Declared, read_signature
from .markers import MISSING, Body, Form, Param, Path

__all__ = ["BODY_METHODS", "Parameter", "PlanContext", "Sources", "is_body_type", "plan_sources"]

#: Methods whose requests carry a body a body parameter reads.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: What each route convertor hands the view: a parameter annotated so needs no coercion.
CONVERTOR_TYPES: Mapping[str, Any] = {
    "str": str,
    "path": str,
    "int": int,
    "float": float,
    "uuid": uuid.UUID,
}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a responder and where its value comes from.

    Attributes:
        name: the Python parameter name.
        location: ``"path"``, ``"query"``, ``"header"``, ``"cookie"``,
            ``"form"``, ``"file"``, ``"body"`` or ``"dependency"``.
        key: what is read from the request (the alias, or the header name).
        annotation: the declared type (``str`` when none was given).
        field: the pydantic ``FieldInfo`` with default and constraints (None
            for the body and dependencies).
        required: whether a request must supply it.
        default: the value when it is not required.
        many: the type is a sequence, so repeated keys are collected.
        dependency: the provider's node, for a dependency.
        marker: the marker as written, if any.
    """

    name: str
    location: str
    key: str
    annotation: Any = str
    field: Any = None
    required: bool = True
    default: Any = None
    many: bool = False
    dependency: Node | None = None
    marker: Param | Depends | None = None


@dataclass(frozen=True)
class PlanContext:
    """What the route tells the plan: its parameters, methods and dependencies.

    ``provided`` names parameters the route itself gives, by provider: the
    principal of its auth scheme as ``user``, ``principal`` or ``auth``.
    """

    view: str
    path: str
    route_types: Mapping[str, Any]
    leading: int = 2
    methods: frozenset[str] | None = None
    graph: Graph | None = None
    websocket: bool = False
    provided: Mapping[str, Callable[..., Any]] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class Sources:
    """The parameters of one responder, plus the route values passed as they are."""

    parameters: tuple[Parameter, ...]
    plain: tuple[str, ...]


def _is_marker(value: Any) -> bool:
    return isinstance(value, (Param, Depends))


def plan_sources(fn: Callable[..., Any], ctx: PlanContext) -> Sources | None:
    """The sources of ``fn``'s parameters, or None when it declares nothing to plan.

    Raises:
        TypeError: a parameter has no source, or its declaration cannot work
            (the message names the view and the parameter).
        DependencyError: a dependency cannot be wired.
    """
    read = read_signature(fn, ctx.leading, _is_marker)
    if read is None:
        return None
    declared, var_keyword = read
    if not any(_needs_plan(d, ctx) for d in declared):
        return None
    parameters: list[Parameter] = []
    plain: list[str] = []
    for item in declared:
        if item.name in ctx.route_types and item.marker is None and _plain_route(item, ctx):
            plain.append(item.name)
            continue
        found = _source(item, ctx)
        if found is not None:
            parameters.append(found)
    if var_keyword:
        taken = {p.name for p in parameters}
        plain.extend(n for n in ctx.route_types if n not in taken and n not in plain)
    _check_body(parameters, ctx)
    return Sources(tuple(parameters), tuple(plain))


def _needs_plan(item: Declared, ctx: PlanContext) -> bool:
    if item.marker is not None:
        return True
    if item.name in ctx.route_types:
        return not _plain_route(item, ctx)
    if ctx.graph is not None and item.name in ctx.graph.by_name:
        return True
    if item.name in ctx.provided:
        return True
    return not ctx.websocket and item.annotation is not None and is_body_type(item.annotation)


def _plain_route(item: Declared, ctx: PlanContext) -> bool:
    """A route value the view takes as the convertor gives it (no coercion, no constraint)."""
    return item.annotation is None or item.annotation in (Any, ctx.route_types[item.name])


def _source(item: Declared, ctx: PlanContext) -> Parameter | None:
    """One parameter's source; None leaves it to its default."""
    marker = item.marker
    if isinstance(marker, Depends):
        return _dependency(item, ctx, marker.provider)
    if isinstance(marker, Param):
        return _marked(item, marker, ctx)
    if item.name in ctx.route_types:  # typed: coerced and checked like a Path marker
        return _marked(item, Path(), ctx)
    if ctx.graph is not None and item.name in ctx.graph.by_name:
        return _dependency(item, ctx, ctx.graph.by_name[item.name].provider)
    if item.name in ctx.provided:  # a registered dependency of that name wins
        return _dependency(item, ctx, ctx.provided[item.name])
    if not ctx.websocket and item.annotation is not None and is_body_type(item.annotation):
        return _marked(item, Body(), ctx)
    if item.has_default:
        return None
    gives = ", ".join(ctx.route_types) if ctx.route_types else "no parameters"
    raise TypeError(
        f"{ctx.view} requires {item.name}, but the route {ctx.path!r} gives {gives}, and it "
        "is neither a marker (Query, Header, ...), a body model nor a dependency; rename it, "
        "give it a default, or declare where it comes from."
    )


def _dependency(item: Declared, ctx: PlanContext, provider: Callable[..., Any]) -> Parameter:
    if ctx.graph is None:
        raise TypeError(f"{ctx.view}: dependencies need a route added through an API.")
    node = ctx.graph.node(provider)
    _check_needs(node, ctx, item.name)
    return Parameter(
        item.name, "dependency", item.name, item.annotation, dependency=node, marker=item.marker
    )


def _check_needs(node: Node, ctx: PlanContext, name: str) -> None:
    """Refuse a provider that asks for what this kind of route does not have."""
    from ..dependencies.errors import DependencyResolutionError

    have = {"ws"} if ctx.websocket else {"req", "resp"}
    missing = sorted(node.needs - have)
    if missing:
        kind = "WebSocket" if ctx.websocket else "HTTP"
        raise DependencyResolutionError(
            f"{ctx.view}: the dependency {node.name} of {name!r} needs "
            f"{', '.join(missing)}, which a {kind} route does not have."
        )


def _marked(item: Declared, marker: Param, ctx: PlanContext) -> Parameter:
    """A parameter read from the request, with its pydantic field."""
    where = marker.location
    problem = _misplaced(item, marker, ctx)
    if problem:
        raise TypeError(f"{ctx.view}: parameter {item.name!r} {problem}.")
    annotation = item.annotation if item.annotation is not None else _default_type(where)
    default = marker.default if not marker.required else item.default
    required = default is MISSING or default is inspect.Parameter.empty
    key = marker.key_for(item.name)
    field = None
    if where != "body":
        from pydantic import Field

        options = marker.field_options()
        field = Field(**options) if required else Field(default, **options)
    return Parameter(
        item.name,
        where,
        key,
        annotation,
        field,
        required,
        None if required else default,
        is_sequence(annotation),
        marker=marker,
    )


def _misplaced(item: Declared, marker: Param, ctx: PlanContext) -> str:
    """Why ``marker`` cannot be used here, or ``""``."""
    where = marker.location
    if where == "path" and marker.key_for(item.name) not in ctx.route_types:
        return f"reads the route value {marker.key_for(item.name)!r}, which {ctx.path!r} lacks"
    if ctx.websocket and isinstance(marker, (Body, Form)):
        return "reads a request body, which a WebSocket handshake does not have"
    body = isinstance(marker, (Body, Form))
    if body and ctx.methods is not None and not ctx.methods & BODY_METHODS:
        answered = ", ".join(sorted(ctx.methods))
        return f"reads the body, but the responder only answers {answered}"
    if not item.keyword:
        return "is positional-only; markers and dependencies are passed by keyword"
    return ""


def _default_type(location: str) -> Any:
    from ..uploads import UploadFile

    return {"body": Any, "file": UploadFile}.get(location, str)


def _check_body(parameters: Sequence[Parameter], ctx: PlanContext) -> None:
    bodies = [p.name for p in parameters if p.location == "body"]
    forms = [p.name for p in parameters if p.location in ("form", "file")]
    if len(bodies) > 1:
        raise TypeError(
            f"{ctx.view} takes the body as both {', '.join(bodies)}; one parameter reads "
            "the body (make one model that holds the others)."
        )
    if bodies and forms:
        raise TypeError(
            f"{ctx.view} reads the body as {bodies[0]} and form fields {', '.join(forms)}; "
            "use one or the other."
        )


def _strip(annotation: Any) -> Any:
    """``Annotated[T, ...]`` and ``T | None`` → ``T``."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = typing.get_args(annotation)
    if args and type(None) in args and _is_union(annotation):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return _strip(rest[0])
    return annotation


def _is_union(annotation: Any) -> bool:
    import types

    origin = typing.get_origin(annotation)
    return origin is typing.Union or origin is types.UnionType


def is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(_strip(annotation))
    return origin in (list, set, frozenset, tuple) or (
        isinstance(origin, type) and issubclass(origin, Sequence) and origin is not str
    )


def is_body_type(annotation: Any) -> bool:
    """Whether a type reads as a request body: a pydantic model, dataclass or TypedDict, or a list.

    Pydantic is consulted only if something already imported it: no class can
    be a pydantic model otherwise.
    """
    annotation = _strip(annotation)
    if typing.get_origin(annotation) in (list, Sequence):
        args = typing.get_args(annotation)
        return bool(args) and _is_model(_strip(args[0]))
    return _is_model(annotation)


def _is_model(annotation: Any) -> bool:
    if not isinstance(annotation, type):
        return False
    if dataclasses.is_dataclass(annotation) or typing.is_typeddict(annotation):
        return True
    extensions = sys.modules.get("typing_extensions")  # its TypedDict, which pydantic wants
    if extensions is not None and extensions.is_typeddict(annotation):
        return True
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and issubclass(annotation, pydantic.BaseModel)
