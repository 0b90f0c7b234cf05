"""``@responder.conditional``: validators checked before the view runs.

The decorator is a before hook (:func:`responder.before`), so it goes on a
function view, on one responder (``on_put``) or on a whole resource class,
and it costs nothing to routes that do not use it. Per request it:

1. on PUT, PATCH and DELETE with ``require_if_match=True``, answers 428 when
   ``If-Match`` is missing, before computing anything;
2. asks the ``etag`` and ``last_modified`` callables for the current
   validators (``None`` from all of them: the resource has no current
   representation, which is what ``If-Match: *`` and ``If-None-Match: *`` ask);
3. evaluates the preconditions of RFC 9110 §13.2.2
   (:func:`responder.validators.evaluate`): a GET or HEAD whose copy is
   current gets 304 without calling the view; a failed precondition is 412
   problem details, in the negotiated format, with the current ``ETag``;
4. on GET and HEAD, sets the validators on the response, so the view need
   not (a value the view sets wins).

A validator is called as ``func(req, params, **dependencies)``: ``params``
are the route parameters; keywords after them are dependencies, declared as
a view declares them (``Depends(provider)``, ``Annotated[..., Depends(...)]``
or a registered dependency's name). Their signatures are read when the route
is added (:meth:`Preconditions.bind_route`, called by the adapters with the
route's inputs), and they are resolved per request in the view's cache, so
a provider the view also uses runs once. Async validators are awaited on
the loop; sync ones (both, if both are sync) run in one hop to the thread
pool, since they usually read storage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ._concurrency import is_async_callable, run_sync
from .dependencies import (
    DependencyError,
    DependencyResolutionError,
    Depends,
    Injector,
    Node,
    resolve,
)
from .dependencies.signature import callable_name, read_signature
from .errors import HTTPPreconditionFailed, HTTPPreconditionRequired
from .resources.hooks import before
from .validators import evaluate, format_etag, parse_http_date

if TYPE_CHECKING:
    from .request import Request
    from .response import Response

__all__ = ["Preconditions", "conditional"]

T = TypeVar("T")
Params = dict[str, Any]
#: A validator as the hook calls it: ``(req, params, **dependencies)``, sync or async.
Validator = Callable[["Request", Params], Any]

#: Methods whose changes ``require_if_match`` guards.
_CHANGES = frozenset({"PUT", "PATCH", "DELETE"})
_SAFE = frozenset({"GET", "HEAD"})
_CONDITIONS = (
    b"if-match",
    b"if-none-match",
    b"if-modified-since",
    b"if-unmodified-since",
)


def conditional(
    etag: Validator | None = None,
    last_modified: Validator | None = None,
    *,
    require_if_match: bool = False,
) -> Callable[[T], T]:
    """Answer conditional requests from validators, before the view runs.

    Args:
        etag: ``(req, params)`` → the current ETag (as ``resp.etag`` takes it),
            or None when the resource does not exist. Keywords after
            ``params`` are dependencies, resolved as a view's are.
        last_modified: ``(req, params)`` → when it last changed (``datetime`` or
            HTTP-date), or None; it may take dependencies too.
        require_if_match: on PUT, PATCH and DELETE, a request without
            ``If-Match`` is refused with 428, so no client overwrites a change
            it has not seen.

    Raises:
        TypeError: neither validator is given, or one is not callable.
    """
    if etag is None and last_modified is None:
        raise TypeError("conditional() needs etag=, last_modified= or both.")
    for name, func in (("etag", etag), ("last_modified", last_modified)):
        if func is not None and not callable(func):
            raise TypeError(f"conditional({name}=...) takes a callable (req, params).")
    validators = (_Validator.of("etag", etag), _Validator.of("last_modified", last_modified))
    return before(Preconditions(validators, require_if_match))


class Preconditions:
    """The before hook ``conditional`` installs; all choices made at decoration or registration.

    Args:
        validators: the ``etag`` and ``last_modified`` validators (None for one
            not given).
        require_if_match: whether a change without ``If-Match`` is a 428.
        injector: the route's dependencies, once a validator declares some.
    """

    def __init__(
        self,
        validators: Pair,
        require_if_match: bool,
        injector: Injector | None = None,
    ) -> None:
        self.validators = validators
        self.require_if_match = require_if_match
        self.current = _current(validators, injector)

    @property
    def validates(self) -> tuple[bool, bool]:
        """Whether an ETag and whether a Last-Modified validator is given (for OpenAPI)."""
        return self.validators[0] is not None, self.validators[1] is not None

    def bind_route(self, inputs: Any, where: str) -> Preconditions:
        """Bind the hook to one route: its validators' dependencies are read now, at registration.

        Called by the adapters with the route's ``Inputs``; a hook whose
        validators declare nothing is returned as it is, and costs nothing more.

        Raises:
            DependencyError: a dependency is unknown, forms a cycle, or needs
                what an HTTP route does not have (the message names the validator).
        """
        bound = tuple(v.bind(inputs, where) if v is not None else None for v in self.validators)
        if all(b is v for b, v in zip(bound, self.validators, strict=True)):
            return self
        return Preconditions((bound[0], bound[1]), self.require_if_match, inputs.injector)

    async def __call__(self, req: Request, resp: Response, resource: Any, params: Params) -> None:
        """Answer 428, 412 or 304 from the validators, or let the view run."""
        method = req.scope["method"]
        header = req.header
        if self.require_if_match and method in _CHANGES and header(b"if-match") is None:
            raise HTTPPreconditionRequired(
                detail="Send If-Match with the ETag of the version this request changes."
            )
        safe = method in _SAFE
        if not safe and all(header(name) is None for name in _CONDITIONS):
            return  # nothing to check, and a change's answer needs no old validators
        etag, modified = await self.current(req, resp, params)
        exists = etag is not None or modified is not None
        outcome = evaluate(method, header, etag, modified, exists)
        if outcome == 412:
            raise HTTPPreconditionFailed(
                detail="The resource is not in the state this request's preconditions name.",
                headers={"ETag": etag} if etag is not None else None,
            )
        if safe:
            if etag is not None and resp.etag is None:
                resp.etag = etag
            if modified is not None and resp.last_modified is None:
                resp.last_modified = modified
            if outcome == 304:
                resp.status_code = 304


Current = Callable[
    ["Request", "Response", Params], Awaitable[tuple["str | None", "datetime | None"]]
]


class _Validator:
    """One validator callable: whether it is async, and the dependencies it declares."""

    __slots__ = ("deps", "func", "is_async", "role")

    def __init__(
        self, role: str, func: Validator, deps: tuple[tuple[str, Node], ...] = ()
    ) -> None:
        self.role, self.func, self.deps = role, func, deps
        self.is_async = is_async_callable(func)

    @classmethod
    def of(cls, role: str, func: Validator | None) -> _Validator | None:
        """``func`` as the ``role`` validator (``etag``, ``last_modified``), if given."""
        return None if func is None else cls(role, func)

    def bind(self, inputs: Any, where: str) -> _Validator:
        """Resolve the keywords after ``(req, params)`` to providers, for one route.

        Raises:
            DependencyError: a keyword names nothing that can be provided, or
                its provider cannot be wired.
        """
        read = read_signature(self.func, 2, lambda value: isinstance(value, Depends))
        declared = read[0] if read is not None else []
        if not declared:
            return self
        name = f"@conditional({self.role}={callable_name(self.func)}) on {where}"
        try:
            deps = tuple(_dependencies(declared, inputs, name))
        except DependencyError as exc:
            if str(exc).startswith(name):
                raise
            raise type(exc)(f"{name}: {exc}") from None
        return _Validator(self.role, self.func, deps) if deps else self


def _dependencies(declared: list[Any], inputs: Any, name: str) -> list[tuple[str, Node]]:
    """Each declared keyword's provider node; keywords with a plain default are left to it."""
    injector: Injector | None = inputs.injector
    found = []
    for item in declared:
        provider = None
        if isinstance(item.marker, Depends):
            provider = item.marker.provider
        elif injector is not None and item.name in injector.graph.by_name:
            provider = injector.graph.by_name[item.name].provider
        elif item.name in inputs.provided:
            provider = inputs.provided[item.name]
        elif item.has_default:
            continue
        if provider is not None and injector is None:
            raise DependencyResolutionError(f"{name}: dependencies need a route added to an API.")
        if provider is None or injector is None:
            raise DependencyResolutionError(
                f"{name}: its parameter {item.name!r} is neither a Depends(...) default "
                "nor a registered dependency; register it with "
                f"api.add_dependency({item.name!r}, provider) or give it a default."
            )
        node = injector.graph.node(provider)
        missing = sorted(node.needs - {"req", "resp"})
        if missing:
            raise DependencyResolutionError(
                f"{name}: the dependency {node.name} of {item.name!r} needs "
                f"{', '.join(missing)}, which an HTTP route does not have."
            )
        found.append((item.name, node))
    return found


Pair = tuple["_Validator | None", "_Validator | None"]
_NO_ARGUMENTS: tuple[dict[str, Any], dict[str, Any]] = ({}, {})


def _current(validators: Pair, injector: Injector | None) -> Current:
    """One coroutine giving ``(etag, last_modified)``, formatted; sync ones share a thread hop.

    Dependencies are resolved first, on the loop, in the request's cache.
    """
    given = [(i, v) for i, v in enumerate(validators) if v is not None]
    sync = [(i, v) for i, v in given if not v.is_async]
    coroutines = [(i, v) for i, v in given if v.is_async]
    needs = injector if any(v.deps for _, v in given) else None

    def call_sync(req: Request, params: Params, kwargs: Any) -> list[tuple[int, Any]]:
        return [(i, v.func(req, params, **kwargs[i])) for i, v in sync]

    async def current(
        req: Request, resp: Response, params: Params
    ) -> tuple[str | None, datetime | None]:
        kwargs = _NO_ARGUMENTS if needs is None else await _arguments(validators, needs, req, resp)
        values: list[Any] = [None, None]
        if sync:
            for i, value in await run_sync(call_sync, req, params, kwargs):
                values[i] = value
        for i, v in coroutines:
            values[i] = await v.func(req, params, **kwargs[i])
        return _formatted(values[0], values[1])

    return current


async def _arguments(
    validators: Pair, injector: Injector, req: Request, resp: Response
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each validator's dependencies for this request (shared with the view's)."""
    call = injector.call({"req": req, "resp": resp}, req.scope)
    kwargs: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    for i, validator in enumerate(validators):
        for name, node in validator.deps if validator is not None else ():
            kwargs[i][name] = await resolve(node, call)
    return kwargs


def _formatted(tag: Any, modified: Any) -> tuple[str | None, datetime | None]:
    """The validators as the evaluation reads them.

    Raises:
        ValueError: a tag no ETag can carry, or a date that is no HTTP-date
            (the app's mistake: a 500, not the client's).
    """
    etag = format_etag(str(tag)) if tag is not None else None
    if isinstance(modified, str):
        parsed = parse_http_date(modified)
        if parsed is None:
            raise ValueError(f"last_modified gave {modified!r}, which is not an HTTP-date.")
        modified = parsed
    if modified is not None and not isinstance(modified, datetime):
        raise ValueError(f"last_modified must give a datetime or an HTTP-date, not {modified!r}.")
    return etag, modified
