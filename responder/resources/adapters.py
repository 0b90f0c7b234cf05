"""Turning classes, instances and functions into one kind of resource.

Everything that can be known before the first request is resolved here, once,
when a route is added: which responder answers which method, whether it is a
coroutine, whether it takes the path parameters, which hooks wrap it. The
result is a :class:`Handler` per method whose ``__call__`` is all the pipeline
runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from .._concurrency import is_async_callable, run_sync
from .hooks import Hook, hooks_of
from .spec import RouteSpec

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["METHODS", "Handler", "adapt", "adapt_websocket", "is_resource"]

# The methods a resource can answer with ``on_<method>``, in ``Allow`` order.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

Params = dict[str, Any]
Step = Callable[["Request", "Response", Params], Any]
#: A step run right before or after the responder (e.g. model validation): the
#: function and whether it must be awaited.
Check = tuple[Step, bool]


class Handler:
    """Answers one method of one route: a responder with its hooks, ready to call.

    ``direct`` is set when the whole job is one async function taking
    ``(req, resp, **params)``; the pipeline then calls it with no wrapper.
    """

    __slots__ = ("_run", "direct", "resource", "responder", "spec")

    def __init__(
        self,
        run: Callable[[Request, Response, Params], Awaitable[None]],
        *,
        resource: Any,
        responder: Callable[..., Any] | None,
        direct: Callable[..., Awaitable[None]] | None = None,
        spec: RouteSpec | None = None,
    ) -> None:
        self._run = run
        self.direct = direct
        self.resource = resource
        self.responder = responder
        #: What the registration said (models, OpenAPI fields); None for derived answers.
        self.spec = spec

    async def __call__(self, req: Request, resp: Response, params: Params) -> None:
        """Run the responder chain for one request."""
        await self._run(req, resp, params)


def is_resource(obj: Any) -> bool:
    """Whether ``obj`` is a resource class or instance rather than a function view."""
    if inspect.isclass(obj):
        return True
    if inspect.isroutine(obj):
        return False
    return hasattr(obj, "on_request") or any(
        hasattr(obj, "on_" + method.lower()) for method in METHODS
    )


def adapt(
    endpoint: Any,
    param_names: Iterable[str],
    methods: Iterable[str] | None = None,
    spec: RouteSpec | None = None,
    checks: tuple[list[Check], list[Check]] = ([], []),
    path: str = "",
) -> tuple[Any, dict[str, Handler]]:
    """Resolve ``endpoint`` into handlers by upper-case method.

    Args:
        endpoint: a resource class (a new instance answers each request, as in
            Responder 3.3, so state on ``self`` never leaks between requests), a
            resource instance (used as given, shared by all requests), or a
            function view ``(req, resp, **params)``.
        param_names: the route's path parameter names.
        methods: for function views, the methods it answers (default: all of
            ``METHODS`` except OPTIONS, which the route answers itself).
        spec: stored on every handler (request/response models, OpenAPI fields).
        checks: steps to run just before and just after each responder.
        path: the route's template, for error messages.

    Returns:
        The resource object (the class itself, for a class) and its handlers.

    Raises:
        TypeError: the endpoint cannot be routed, a resource class cannot be
            created without arguments, or a responder's keyword parameters do
            not match the route's.
    """
    shape = _Shape(tuple(param_names), path, spec, checks)
    if inspect.isclass(endpoint):
        _require_no_arguments(endpoint)
        return endpoint, _resource_handlers(endpoint, shape, per_request=True)
    if is_resource(endpoint):
        return endpoint, _resource_handlers(endpoint, shape, per_request=False)
    if not callable(endpoint):
        raise TypeError(
            f"Cannot route {path or 'a path'} to {endpoint!r} "
            f"(of type {type(endpoint).__name__}): "
            "expected a function view, a resource class, or an object with on_get, "
            "on_post, ... or on_request responders."
        )
    handler = _handler(endpoint, endpoint, None, shape, per_request=False)
    return endpoint, dict.fromkeys(_methods(methods), handler)


def adapt_websocket(
    endpoint: Any, param_names: Iterable[str], path: str = ""
) -> Callable[[Any, Params], Awaitable[None]]:
    """Resolve a WebSocket handler ``async def handler(ws, **params)`` into ``run(ws, params)``.

    The route's parameters are always in ``ws.path_params``; they are passed as
    keywords only when the handler declares them, as for HTTP views.

    Raises:
        TypeError: the handler is not a coroutine function (a sync handler
            would block the event loop for the whole connection), or its
            keywords do not match the route's parameters.
    """
    if not is_async_callable(endpoint):
        raise TypeError(
            f"WebSocket handler {_name(endpoint)} for {path!r} must be a coroutine function "
            "(async def handler(ws): ...): a sync handler would hold the event loop for "
            "the whole connection."
        )
    shape = _Shape(tuple(param_names), path, None, ([], []))
    if _takes_params(endpoint, shape, leading=1):
        return lambda ws, params: endpoint(ws, **params)  # type: ignore[no-any-return]
    return lambda ws, params: endpoint(ws)  # type: ignore[no-any-return]


class _Shape:
    """What every handler of one registration shares: the route and the extra steps."""

    __slots__ = ("checks", "names", "path", "spec")

    def __init__(
        self,
        names: tuple[str, ...],
        path: str,
        spec: RouteSpec | None,
        checks: tuple[list[Check], list[Check]],
    ) -> None:
        self.names, self.path, self.spec, self.checks = names, path, spec, checks


def _resource_handlers(resource: Any, shape: _Shape, *, per_request: bool) -> dict[str, Handler]:
    """One handler per ``on_<method>``; with only ``on_request``, it answers every method.

    A resource with neither still registers (scaffolding): the route answers
    405 with ``Allow`` until responders are added.
    """
    on_request = getattr(resource, "on_request", None)
    handlers = {
        method: _handler(
            resource,
            responder,
            on_request,
            shape,
            per_request=per_request,
            method_attr=_attr(method),
        )
        for method in METHODS
        if (responder := getattr(resource, _attr(method), None)) is not None
    }
    if not handlers and on_request is not None:
        handler = _handler(resource, None, on_request, shape, per_request=per_request)
        handlers = {m: handler for m in METHODS if m != "OPTIONS"}
    return handlers


def _require_no_arguments(cls: type) -> None:
    """Refuse, at registration, a resource class that cannot be built per request."""
    try:
        inspect.signature(cls).bind()
    except TypeError:
        raise TypeError(
            f"Resource class {cls.__qualname__} cannot be created without arguments, "
            "and a new instance answers each request; route an instance instead: "
            f"api.add_route(path, {cls.__qualname__}(...))."
        ) from None
    except ValueError:  # no signature to read (builtins): let the first request tell
        pass


def _attr(method: str) -> str:
    return "on_" + method.lower()


def _methods(methods: Iterable[str] | None) -> list[str]:
    if methods is None:
        return [m for m in METHODS if m != "OPTIONS"]
    wanted = [m.upper() for m in methods]
    if "GET" in wanted and "HEAD" not in wanted:
        wanted.append("HEAD")
    return wanted


#: A step bound to its resource: ``(resource, req, resp, params)``.
Bound = Callable[[Any, "Request", "Response", Params], Any]


def _handler(
    resource: Any,
    responder: Callable[..., Any] | None,
    on_request: Callable[..., Any] | None,
    shape: _Shape,
    *,
    per_request: bool,
    method_attr: str = "",
) -> Handler:
    """Compose on_request, before hooks, checks, the responder, checks and after hooks.

    ``method_attr`` names the responder on a resource class (``on_get``): it is
    looked up on each request's new instance.
    """
    before, after = hooks_of(resource, responder) if responder is not None else ((), ())
    checks = shape.checks
    steps: list[tuple[str, Bound, bool]] = []
    if on_request is not None:
        steps.append(_main_step(resource, on_request, "on_request", shape, per_request))
    steps.extend(("before", _bind_hook(h, True), h.is_async) for h in before)
    steps.extend(("check", _unbound(step), is_async) for step, is_async in checks[0])
    if responder is not None:
        steps.append(_main_step(resource, responder, method_attr, shape, per_request))
    steps.extend(("check", _unbound(step), is_async) for step, is_async in checks[1])
    steps.extend(("after", _bind_hook(h, False), h.is_async) for h in after)
    chain = _chain(steps)
    direct = None
    if len(steps) == 1 and responder is not None and steps[0][2]:
        direct = _direct(resource, responder, method_attr, shape, per_request)
    run = _per_request(resource, chain) if per_request else functools.partial(chain, resource)
    return Handler(run, resource=resource, responder=responder, direct=direct, spec=shape.spec)


def _direct(
    resource: Any, responder: Callable[..., Any], attr: str, shape: _Shape, per_request: bool
) -> Callable[..., Awaitable[None]] | None:
    """PERF: one async responder and no hooks is called as ``direct(req, resp, **params)``.

    The pipeline then awaits it with no wrapper: the view itself, or on a class
    a small function that makes the instance and returns its responder's coroutine.
    """
    takes = _takes_params(_as_bound(resource, attr) if per_request else responder, shape)
    if not per_request:
        return responder if takes or not shape.names else None
    cls = resource
    # Plain functions returning the responder's coroutine: no extra coroutine frame.
    if takes:

        def direct(req: Request, resp: Response, **params: Any) -> Awaitable[None]:
            return getattr(cls(), attr)(req, resp, **params)  # type: ignore[no-any-return]

        return direct

    if shape.names:

        def direct_ignoring_params(req: Request, resp: Response, **params: Any) -> Awaitable[None]:
            return getattr(cls(), attr)(req, resp)  # type: ignore[no-any-return]

        return direct_ignoring_params

    # PERF: no route parameters, so no ``**params`` dict to build per call.
    def direct_plain(req: Request, resp: Response) -> Awaitable[None]:
        return getattr(cls(), attr)(req, resp)  # type: ignore[no-any-return]

    return direct_plain


def _per_request(cls: Callable[[], Any], chain: Callable[..., Awaitable[None]]) -> Any:
    async def run(req: Request, resp: Response, params: Params) -> None:
        await chain(cls(), req, resp, params)

    return run


def _main_step(
    resource: Any, fn: Callable[..., Any], attr: str, shape: _Shape, per_request: bool
) -> tuple[str, Bound, bool]:
    """A responder or ``on_request`` as a step; on a class, looked up on each new instance."""
    takes = _takes_params(_as_bound(resource, attr) if per_request else fn, shape)
    if not per_request:
        if takes:
            return "main", lambda res, req, resp, params: fn(req, resp, **params), _is_async(fn)
        return "main", lambda res, req, resp, params: fn(req, resp), _is_async(fn)
    if takes:
        step: Bound = lambda res, req, resp, params: getattr(res, attr)(req, resp, **params)  # noqa: E731
    else:
        step = lambda res, req, resp, params: getattr(res, attr)(req, resp)  # noqa: E731
    return "main", step, _is_async(fn)


def _as_bound(cls: type, attr: str) -> Callable[..., Any]:
    """The responder ``attr`` of ``cls`` as an instance would see it, for its signature."""
    raw = inspect.getattr_static(cls, attr)
    found: Callable[..., Any] = getattr(cls, attr)
    if inspect.isfunction(raw):  # a plain method: ``self`` comes first
        return functools.partial(found, None)
    return found  # a staticmethod or classmethod reads as it is called


def _is_async(fn: Callable[..., Any]) -> bool:
    return is_async_callable(fn)


def _unbound(step: Step) -> Bound:
    return lambda res, req, resp, params: step(req, resp, params)


def _chain(steps: list[tuple[str, Bound, bool]]) -> Callable[..., Awaitable[None]]:
    """Compose steps into one coroutine function; sync main steps share a thread hop."""
    merged = _merge_sync_mains(steps)
    if len(merged) == 1:
        kind, step, is_async = merged[0]
        if is_async:
            return step  # type: ignore[return-value]
        if kind == "main":

            async def run_one(res: Any, req: Request, resp: Response, params: Params) -> None:
                await run_sync(step, res, req, resp, params)

            return run_one

    async def run(res: Any, req: Request, resp: Response, params: Params) -> None:
        answered = False
        for kind, step, is_async in merged:
            if answered and kind != "after":
                continue  # a before hook answered: skip the other before hooks and the responder
            status = resp.status_code
            if is_async:
                await step(res, req, resp, params)
            elif kind == "main":
                await run_sync(step, res, req, resp, params)
            else:
                step(res, req, resp, params)
            if kind == "before" and resp.status_code != status:
                answered = True

    return run


def _merge_sync_mains(steps: list[tuple[str, Bound, bool]]) -> list[tuple[str, Bound, bool]]:
    # PERF: a sync on_request followed directly by a sync responder costs one thread hop.
    merged: list[tuple[str, Bound, bool]] = []
    for kind, step, is_async in steps:
        previous = merged[-1] if merged else None
        after_sync_main = previous is not None and previous[0] == "main" and not previous[2]
        if kind == "main" and not is_async and previous is not None and after_sync_main:
            merged[-1] = ("main", _sequence(previous[1], step), False)
            continue
        merged.append((kind, step, is_async))
    return merged


def _sequence(first: Bound, second: Bound) -> Bound:
    def both(res: Any, req: Request, resp: Response, params: Params) -> None:
        first(res, req, resp, params)
        second(res, req, resp, params)

    return both


def _bind_hook(hook: Hook, is_before: bool) -> Bound:
    action, args, kwargs = hook.action, hook.args, hook.kwargs
    if is_before:
        return lambda res, req, resp, params: action(req, resp, res, params, *args, **kwargs)
    return lambda res, req, resp, params: action(req, resp, res, *args, **kwargs)


def _takes_params(fn: Callable[..., Any], shape: _Shape, leading: int = 2) -> bool:
    """Whether ``fn`` takes the route parameters as keywords (all of them, or none).

    ``leading`` positional arguments come first (``req, resp``; ``ws`` for a
    WebSocket handler) and are not parameters.

    Raises:
        TypeError: ``fn`` requires a keyword the route does not give, or takes
            some of the route's parameters but not all.
    """
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and odd callables: trust the user
        return bool(shape.names)
    parameters = _after_leading(list(signature.parameters.values()), leading)
    keywords = [p for p in parameters if p.kind in _KEYWORD_KINDS]
    unknown = [p.name for p in keywords if p.default is p.empty and p.name not in shape.names]
    if unknown:
        gives = ", ".join(shape.names) if shape.names else "no parameters"
        raise TypeError(
            f"{_name(fn)} requires {', '.join(unknown)}, but the route "
            f"{shape.path or ''!r} gives {gives}; rename the argument or the route parameter."
        )
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return bool(shape.names)
    accepted = {p.name for p in keywords}
    missing = [name for name in shape.names if name not in accepted]
    if not missing:
        return bool(shape.names)
    if len(missing) == len(shape.names):
        return False
    raise TypeError(
        f"{_name(fn)} must accept the route parameters {', '.join(shape.names)} of "
        f"{shape.path or ''!r} as keywords; it lacks {', '.join(missing)}."
    )


_KEYWORD_KINDS = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_POSITIONAL_KINDS = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _after_leading(parameters: list[inspect.Parameter], leading: int) -> list[inspect.Parameter]:
    """The parameters left once the first ``leading`` positional arguments are taken."""
    index = 0
    while index < min(leading, len(parameters)) and parameters[index].kind in _POSITIONAL_KINDS:
        index += 1
    return parameters[index:]


def _name(fn: Callable[..., Any]) -> str:
    if isinstance(fn, functools.partial):
        fn = fn.func
    return getattr(fn, "__qualname__", None) or repr(fn)
