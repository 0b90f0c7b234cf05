"""Turning classes, instances and functions into one kind of resource.

Everything that can be known before the first request is resolved here, once,
when a route is added: which responder answers which method, whether it is a
coroutine, whether it takes the path parameters, which hooks wrap it. The
result is a :class:`Handler` per method whose ``__call__`` is all the pipeline
runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from .._concurrency import is_async_callable, run_sync
from .hooks import Hook, hooks_of

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["METHODS", "Handler", "adapt", "is_resource"]

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

    __slots__ = ("_run", "direct", "metadata", "resource", "responder")

    def __init__(
        self,
        run: Callable[[Request, Response, Params], Awaitable[None]],
        *,
        resource: Any,
        responder: Callable[..., Any] | None,
        direct: Callable[..., Awaitable[None]] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._run = run
        self.direct = direct
        self.resource = resource
        self.responder = responder
        self.metadata: dict[str, Any] = metadata or {}

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
    metadata: dict[str, Any] | None = None,
    checks: tuple[list[Check], list[Check]] = ([], []),
) -> tuple[Any, dict[str, Handler]]:
    """Resolve ``endpoint`` into handlers by upper-case method.

    Args:
        endpoint: a resource class (instantiated here, once), a resource
            instance, or a function view ``(req, resp, **params)``.
        param_names: the route's path parameter names.
        methods: for function views, the methods it answers (default: all of
            ``METHODS`` except OPTIONS, which the route answers itself).
        metadata: stored on every handler (request/response models and such).
        checks: steps to run just before and just after each responder.

    Returns:
        The resource object (the instance for classes) and its handlers.

    Raises:
        TypeError: a responder does not accept the route's parameters.
    """
    names = tuple(param_names)
    if inspect.isclass(endpoint):
        endpoint = endpoint()
    if is_resource(endpoint):
        on_request = getattr(endpoint, "on_request", None)
        handlers = {
            method: _handler(endpoint, responder, on_request, names, metadata, checks)
            for method in METHODS
            if (responder := getattr(endpoint, "on_" + method.lower(), None)) is not None
        }
        if not handlers and on_request is not None:
            # A resource with only on_request answers every method through it.
            handlers = {
                m: _handler(endpoint, None, on_request, names, metadata, checks) for m in METHODS
            }
            del handlers["OPTIONS"]
        return endpoint, handlers
    if not callable(endpoint):
        raise TypeError(f"Cannot route to {endpoint!r}: not a function, class or resource.")
    wanted = _methods(methods)
    handler = _handler(endpoint, endpoint, None, names, metadata, checks)
    return endpoint, dict.fromkeys(wanted, handler)


def _methods(methods: Iterable[str] | None) -> list[str]:
    if methods is None:
        return [m for m in METHODS if m != "OPTIONS"]
    wanted = [m.upper() for m in methods]
    if "GET" in wanted and "HEAD" not in wanted:
        wanted.append("HEAD")
    return wanted


def _handler(
    resource: Any,
    responder: Callable[..., Any] | None,
    on_request: Callable[..., Any] | None,
    names: tuple[str, ...],
    metadata: dict[str, Any] | None,
    checks: tuple[list[Check], list[Check]] = ([], []),
) -> Handler:
    """Compose on_request, before hooks, checks, the responder, checks and after hooks."""
    before, after = hooks_of(resource, responder) if responder is not None else ((), ())
    steps: list[tuple[str, Step, bool]] = []
    if on_request is not None:
        steps.append(("main", _bind_params(on_request, names), is_async_callable(on_request)))
    steps.extend(("before", _bind_hook(h, resource, True), h.is_async) for h in before)
    steps.extend(("check", step, is_async) for step, is_async in checks[0])
    if responder is not None:
        steps.append(("main", _bind_params(responder, names), is_async_callable(responder)))
    steps.extend(("check", step, is_async) for step, is_async in checks[1])
    steps.extend(("after", _bind_hook(h, resource, False), h.is_async) for h in after)
    direct = None
    if (
        len(steps) == 1
        and responder is not None
        and is_async_callable(responder)
        and (not names or _takes_params(responder, names))
    ):
        # PERF: the common case (one async view, no hooks) is called with no wrapper.
        direct = responder
    return Handler(
        _chain(steps), resource=resource, responder=responder, direct=direct, metadata=metadata
    )


def _chain(steps: list[tuple[str, Step, bool]]) -> Callable[..., Awaitable[None]]:
    """Compose steps into one coroutine function; sync main steps share a thread hop."""
    merged = _merge_sync_mains(steps)
    if len(merged) == 1:
        kind, step, is_async = merged[0]
        if is_async:
            return step  # type: ignore[return-value]
        if kind == "main":

            async def run_one(req: Request, resp: Response, params: Params) -> None:
                await run_sync(step, req, resp, params)

            return run_one

    async def run(req: Request, resp: Response, params: Params) -> None:
        answered = False
        for kind, step, is_async in merged:
            if answered and kind != "after":
                continue  # a before hook answered: skip the other before hooks and the responder
            status = resp.status_code
            if is_async:
                await step(req, resp, params)
            elif kind == "main":
                await run_sync(step, req, resp, params)
            else:
                step(req, resp, params)
            if kind == "before" and resp.status_code != status:
                answered = True

    return run


def _merge_sync_mains(steps: list[tuple[str, Step, bool]]) -> list[tuple[str, Step, bool]]:
    # PERF: a sync on_request followed directly by a sync responder costs one thread hop.
    merged: list[tuple[str, Step, bool]] = []
    for kind, step, is_async in steps:
        previous = merged[-1] if merged else None
        after_sync_main = previous is not None and previous[0] == "main" and not previous[2]
        if kind == "main" and not is_async and previous is not None and after_sync_main:
            merged[-1] = ("main", _sequence(previous[1], step), False)
            continue
        merged.append((kind, step, is_async))
    return merged


def _sequence(first: Step, second: Step) -> Step:
    def both(req: Request, resp: Response, params: Params) -> None:
        first(req, resp, params)
        second(req, resp, params)

    return both


def _bind_params(fn: Callable[..., Any], names: tuple[str, ...]) -> Step:
    if _takes_params(fn, names):
        return lambda req, resp, params: fn(req, resp, **params)
    return lambda req, resp, params: fn(req, resp)


def _bind_hook(hook: Hook, resource: Any, is_before: bool) -> Step:
    action, args, kwargs = hook.action, hook.args, hook.kwargs
    if is_before:
        return lambda req, resp, params: action(req, resp, resource, params, *args, **kwargs)
    return lambda req, resp, params: action(req, resp, resource, *args, **kwargs)


def _takes_params(fn: Callable[..., Any], names: tuple[str, ...]) -> bool:
    """Whether ``fn`` takes the path parameters as keywords (all of them, or none).

    Raises:
        TypeError: ``fn`` takes some of the parameters but not all.
    """
    if not names:
        return False
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and odd callables: trust the user
        return True
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return True
    keywords = {
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    }
    missing = [name for name in names if name not in keywords]
    if not missing:
        return True
    if len(missing) == len(names):
        return False
    name = getattr(fn, "__qualname__", repr(fn))
    raise TypeError(
        f"{name} must accept the route parameters {', '.join(names)} as keywords; "
        f"it lacks {', '.join(missing)}."
    )
