"""Filling a responder's parameters per request, from the plan made at registration.

One pydantic model per responder (built once) validates every value read
from the path, query string, headers, cookies and form at once, so a 422
lists every error; the body is validated by its own reader; dependencies
are resolved first, so a guard that refuses answers before validation does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..dependencies import Injector, resolve
from ..errors import HTTPUnprocessableEntity
from .markers import MISSING
from .plan import Parameter, PlanContext, Sources, is_body_type, plan_sources

if TYPE_CHECKING:
    from .body import BodyReader

__all__ = ["Plan", "PlanContext", "make_plan", "params_check", "query_values"]

#: The locations validated together by the responder's parameter model.
FIELD_LOCATIONS = frozenset({"path", "query", "header", "cookie", "form", "file"})


def make_plan(fn: Callable[..., Any], ctx: PlanContext, injector: Injector | None) -> Plan | None:
    """The plan of ``fn``; None when it declares nothing beyond plain route values.

    Raises:
        TypeError: a parameter has no source or a declaration cannot work.
    """
    sources = plan_sources(fn, ctx)
    if sources is None:
        return None
    return Plan(sources, ctx, injector)


class Plan:
    """Where each parameter of one responder comes from, ready to fill per request.

    Attributes:
        parameters: every planned parameter, in signature order (what
            OpenAPI reads).
        plain: route values passed on as the router converted them.
        websocket: whether the responder is a WebSocket handler.
    """

    def __init__(self, sources: Sources, ctx: PlanContext, injector: Injector | None) -> None:
        self.parameters = sources.parameters
        self.plain = sources.plain
        self.websocket = ctx.websocket
        self.injector = injector
        self._fields = tuple(
            (f"p{index}", p)
            for index, p in enumerate(self.parameters)
            if p.location in FIELD_LOCATIONS
        )
        self._by_field = dict(self._fields)
        self._deps = tuple((p.name, p.dependency) for p in self.parameters if p.dependency)
        self._reads_form = any(p.location in ("form", "file") for p in self.parameters)
        self._whole = frozenset(
            f for f, p in self._fields if p.location == "query" and is_body_type(p.annotation)
        )
        self._model, self._invalid = _field_model(ctx.view, self._fields)
        body = next((p for p in self.parameters if p.location == "body"), None)
        self._body: BodyReader | None = None
        if body is not None:
            from .body import BodyReader

            self._body = BodyReader(body)

    @property
    def values_model(self) -> tuple[Any, tuple[tuple[str, Parameter], ...]]:
        """The pydantic model of the path, query, header, cookie and form values, and its fields.

        None and ``()`` when the responder reads none of them; OpenAPI reads
        the parameters' schemas from it, so they are what is validated.
        """
        return self._model, self._fields

    @property
    def body(self) -> Parameter | None:
        """The parameter that receives the whole body, if any."""
        return self._body.parameter if self._body is not None else None

    async def arguments(self, conn: Any, resp: Any, params: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of one call: dependencies, then every value read and checked.

        Raises:
            HTTPUnprocessableEntity: values are missing or invalid (all listed).
            HTTPError: a provider refused, or the body cannot be read (400, 413, 415).
        """
        kwargs = {name: params[name] for name in self.plain}
        if self._deps and self.injector is not None:
            who = {"ws": conn} if self.websocket else {"req": conn, "resp": resp}
            call = self.injector.call(who, conn.scope)
            for name, node in self._deps:
                kwargs[name] = await resolve(node, call)
        errors: list[dict[str, Any]] = []
        if self._model is not None:
            form = None
            if self._reads_form:
                from .body import read_form

                form = await read_form(conn)
            raw = self._raw(conn, params, form)
            try:
                values = self._model.model_validate(raw)
            except self._invalid as exc:
                errors.extend(self._errors(exc))
            else:
                for field, parameter in self._fields:
                    kwargs[parameter.name] = getattr(values, field)
        if self._body is not None:
            value = await self._body.read(conn, errors)
            if value is not MISSING:
                kwargs[self._body.parameter.name] = value
        if errors:
            raise HTTPUnprocessableEntity(
                detail="The request's parameters do not match what the endpoint expects.",
                errors=errors,
            )
        return kwargs

    def _raw(self, conn: Any, params: dict[str, Any], form: dict[str, Any] | None) -> Any:
        """The values the request sent, keyed by field; absent ones left out."""
        raw: dict[str, Any] = {}
        for field, p in self._fields:
            where = p.location
            if where == "path":
                raw[field] = params[p.key]
                continue
            if field in self._whole:
                raw[field] = query_values(p.annotation, _query(conn, self.websocket))
                continue
            if where == "query":
                value = _pick(_query(conn, self.websocket), p)
            elif where == "header":
                value = _pick(conn.headers, p)
            elif where == "cookie":
                value = conn.cookies.get(p.key)
            else:
                value = _form_value(form or {}, p)
            if value is not None:
                raw[field] = value
        return raw

    def _errors(self, exc: Any) -> list[dict[str, Any]]:
        found = []
        for error in exc.errors(include_url=False, include_input=False):
            field, *rest = error["loc"]
            parameter = self._by_field[field]
            parts = [str(part) for part in rest]
            if field not in self._whole:
                parts.insert(0, parameter.key)
            found.append(
                {
                    "location": parameter.location,
                    "name": ".".join(parts),
                    "message": error["msg"],
                    "type": error["type"],
                }
            )
        return found


def _query(conn: Any, websocket: bool) -> Any:
    return conn.query_params if websocket else conn.params


def _pick(values: Any, parameter: Parameter) -> Any:
    if parameter.many:
        found = values.getlist(parameter.key)
        return found or None
    return values.get(parameter.key)


def _form_value(form: dict[str, Any], parameter: Parameter) -> Any:
    value = form.get(parameter.key)
    if value is None:
        return None
    if parameter.many:
        value = value if isinstance(value, list) else [value]
    elif isinstance(value, list):
        value = value[-1]
    if parameter.location == "file" and parameter.annotation is bytes:
        from ..uploads import UploadFile  # a form with files loaded it already

        if isinstance(value, UploadFile):
            return value.content
        return value.get("content") if isinstance(value, dict) else value
    return value


def query_values(model: Any, query: Any) -> dict[str, Any]:
    """The query string as a model reads it: lists for its sequence fields, else the last value."""
    from .body import list_fields

    many = list_fields(model)
    return {key: query.getlist(key) if key in many else query[key] for key in query}


def _field_model(view: str, fields: tuple[tuple[str, Parameter], ...]) -> tuple[Any, Any]:
    """One pydantic model for all the responder's request values, and its error class."""
    if not fields:
        return None, None
    from pydantic import ConfigDict, ValidationError, create_model

    definitions: dict[str, Any] = {name: (p.annotation, p.field) for name, p in fields}
    config = ConfigDict(arbitrary_types_allowed=True)
    model = create_model(f"Parameters of {view}", __config__=config, **definitions)
    return model, ValidationError


def params_check(model: Any) -> Callable[..., Any]:
    """The ``params_model=`` check: the whole query string validated by ``model`` (422)."""
    from pydantic import TypeAdapter, ValidationError

    adapter = TypeAdapter(model)

    async def validate_params(req: Any, resp: Any, params: dict[str, Any]) -> None:
        try:
            adapter.validate_python(query_values(model, req.params))
        except ValidationError as exc:
            errors = [
                {
                    "location": "query",
                    "name": ".".join(str(part) for part in error["loc"]),
                    "message": error["msg"],
                    "type": error["type"],
                }
                for error in exc.errors(include_url=False, include_input=False)
            ]
            raise HTTPUnprocessableEntity(
                detail="The query string does not match what the endpoint expects.",
                errors=errors,
            ) from None

    return validate_params
