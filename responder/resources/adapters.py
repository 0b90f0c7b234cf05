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
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .._concurrency import is_async_callable
from .chain import Main, compose, guarded_by_hooks, instance_per_request, main_step, on_the_loop
from .hooks import Hook, hooks_of
from .planned import Inputs, guarded, planned_step, websocket_runner
from .returns import output_checks, response_model_of, settle, view_name
from .spec import RouteSpec

if TYPE_CHECKING:
    from ..params import Plan
    from ..request import Request
    from ..response import Response

__all__ = ["METHODS", "Handler", "adapt", "adapt_websocket", "is_resource"]

# The methods a resource can answer with ``on_<method>``, in ``Allow`` order.
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

Params = dict[str, Any]
#: Steps run right before and right after the responder (e.g. model
#: validation), each awaited as ``check(req, resp, params)``.
Checks = tuple[Sequence[Hook], Sequence[Hook]]


class Handler:
    """Answers one method of one route: a responder with its hooks, ready to call.

    ``direct`` is set when the whole job is one async function taking
    ``(req, resp, **params)``; the pipeline then calls it with no wrapper and
    hands what it returned, unless None, to :meth:`settle`.
    """

    __slots__ = (
        "_run",
        "direct",
        "plans",
        "resource",
        "responder",
        "response_model",
        "spec",
        "view",
    )

    def __init__(
        self,
        run: Callable[[Request, Response, Params], Awaitable[Any]],
        *,
        resource: Any,
        responder: Callable[..., Any] | None,
        direct: Callable[..., Awaitable[Any]] | None = None,
        spec: RouteSpec | None = None,
        view: str = "",
        response_model: Any = None,
        plans: tuple[Plan, ...] = (),
    ) -> None:
        self._run = run
        self.direct = direct
        self.resource = resource
        self.responder = responder
        #: What the registration said (models, OpenAPI fields); None for derived answers.
        self.spec = spec
        #: The responder's name, for error messages.
        self.view = view
        #: The model its success answers are checked against (keyword or annotation), or None.
        self.response_model = response_model
        #: The call plans of ``on_request`` and the responder, for those that declare one.
        self.plans = plans

    async def __call__(self, req: Request, resp: Response, params: Params) -> None:
        """Run the responder chain for one request, and settle what a lone responder returned."""
        value = await self._run(req, resp, params)
        if value is not None:  # PERF: a view that mutates resp pays this test only
            settle(resp, value, self.view)

    def settle(self, resp: Response, value: Any) -> None:
        """Put what the responder returned on ``resp`` (see :func:`.returns.settle`)."""
        settle(resp, value, self.view)

    def around(self, run: Callable[[Request, Response, Params], Awaitable[Any]]) -> Handler:
        """A handler that runs ``run`` (which calls this one) and says what this one says.

        For wrappers put on at registration (a deadline, the CSRF check): the
        responder, spec, models and plans stay visible to OpenAPI and errors.
        """
        return Handler(
            run,
            resource=self.resource,
            responder=self.responder,
            spec=self.spec,
            view=self.view,
            response_model=self.response_model,
            plans=self.plans,
        )


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
    checks: Checks = ((), ()),
    path: str = "",
    inputs: Inputs | None = None,
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
        inputs: the route's value types, the API's dependencies and the
            route's guards, for responders with typed parameters.

    Returns:
        The resource object (the class itself, for a class) and its handlers.

    Raises:
        TypeError: the endpoint cannot be routed, a resource class cannot be
            created without arguments, or a responder's keyword parameters do
            not match the route's.
    """
    shape = _Shape(tuple(param_names), path, spec, checks, inputs)
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
    endpoint: Any, param_names: Iterable[str], path: str = "", inputs: Inputs | None = None
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
    shape = _Shape(tuple(param_names), path, None, ((), ()), inputs)
    plan = shape.inputs.plan(endpoint, _name(endpoint), shape.path, shape.names, websocket=True)
    takes = plan is None and _takes_params(endpoint, shape, leading=1)
    if plan is not None or shape.inputs.guards:
        return websocket_runner(endpoint, plan, shape.inputs.guards, shape.inputs.injector, takes)
    if takes:
        return lambda ws, params: endpoint(ws, **params)  # type: ignore[no-any-return]
    return lambda ws, params: endpoint(ws)  # type: ignore[no-any-return]


class _Shape:
    """What every handler of one registration shares: the route and the extra steps."""

    __slots__ = ("checks", "inputs", "names", "path", "spec")

    def __init__(
        self,
        names: tuple[str, ...],
        path: str,
        spec: RouteSpec | None,
        checks: Checks,
        inputs: Inputs | None = None,
    ) -> None:
        self.names, self.path, self.spec, self.checks = names, path, spec, checks
        self.inputs = inputs or Inputs()


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
    looked up on each request's new instance. After the responder come the
    route's default status and its response model (:func:`.returns.output_checks`).
    """
    answering = responder if responder is not None else on_request
    view = view_name(answering) if answering is not None else shape.path
    model = response_model_of(shape.spec, answering)
    output = output_checks(shape.spec, model, view)
    before, after = hooks_of(resource, responder) if responder is not None else ((), ())
    where = f"{view} ({shape.path})" if shape.path else view
    before = tuple(hook.bound(shape.inputs, where) for hook in before)
    plans: list[Plan] = []
    first = None
    if on_request is not None:
        first, _, plan = _step(resource, on_request, "on_request", shape, per_request)
        plans.extend([plan] if plan is not None else [])
    main, takes_main = None, False
    if responder is not None:
        main, takes_main, plan = _step(resource, responder, method_attr, shape, per_request)
        plans.extend([plan] if plan is not None else [])
    wrapping = (before, shape.checks[0], (*shape.checks[1], *output), after)
    chain = compose(first, main, wrapping, view)
    guards, injector = shape.inputs.guards, shape.inputs.injector
    if guards and injector is not None:
        chain = guarded(guards, injector, chain)
    direct = None
    alone = first is None and main is not None and main[1] and not any(wrapping)
    if (
        alone
        and not plans
        and not guards
        and responder is not None
        and is_async_callable(responder)
    ):
        # PERF: one async responder and nothing around it
        direct = _direct(resource, responder, method_attr, shape, per_request, takes_main)
    run = (
        instance_per_request(resource, chain)
        if per_request
        else functools.partial(chain, resource)
    )
    router_hooks = shape.spec.before if shape.spec is not None else ()
    if router_hooks:  # a router's before hooks come first, so no fast path
        run, direct = guarded_by_hooks(router_hooks, run), None
    return Handler(
        run,
        resource=resource,
        responder=responder,
        direct=direct,
        spec=shape.spec,
        view=view,
        response_model=model,
        plans=tuple(plans),
    )


def _step(
    resource: Any, fn: Callable[..., Any], attr: str, shape: _Shape, per_request: bool
) -> tuple[Main, bool, Plan | None]:
    """A responder (or ``on_request``) as a step; whether it takes the route values; its plan.

    Signatures are read here, once. A responder that declares typed
    parameters, a body or dependencies is called through its plan.
    """
    target = _as_bound(resource, attr) if per_request else fn
    methods = None
    if attr.startswith("on_") and attr != "on_request":
        methods = frozenset({attr[3:].upper()})
    elif not attr and shape.spec is not None and shape.spec.methods is not None:
        methods = frozenset(shape.spec.methods)
    plan = shape.inputs.plan(target, _name(target), shape.path, shape.names, methods)
    inline = shape.spec is not None and not shape.spec.sync_to_thread
    if plan is not None:
        _one_body_reader(plan, shape.spec, _name(target))
        return (planned_step(plan, fn, attr, per_request, inline), True), False, plan
    takes = _takes_params(target, shape)
    main = main_step(fn, attr, takes, per_request)
    if inline and not main[1]:  # sync_to_thread=False: a sync responder runs on the loop
        main = (on_the_loop(main[0]), True)
    return main, takes, None


def _one_body_reader(plan: Plan, spec: RouteSpec | None, view: str) -> None:
    """Refuse ``request_model=`` on a responder whose signature reads the body itself.

    Two validators of one body would both have to pass, and the document
    could describe only one of them.

    Raises:
        TypeError: the route has a ``request_model`` and the responder a body
            or form parameter.
    """
    if spec is None or spec.request_model is None:
        return
    reads = [p.name for p in plan.parameters if p.location in ("body", "form", "file")]
    if reads:
        raise TypeError(
            f"{view} reads the body as {', '.join(reads)} and its route has request_model=; "
            "the parameter validates the body already: drop request_model= (or the parameter)."
        )


def _direct(
    resource: Any,
    responder: Callable[..., Any],
    attr: str,
    shape: _Shape,
    per_request: bool,
    takes: bool,
) -> Callable[..., Awaitable[None]] | None:
    """PERF: one async responder and no hooks is called as ``direct(req, resp, **params)``.

    The pipeline then awaits it with no wrapper: the view itself, or on a class
    a small function that makes the instance and returns its responder's coroutine.
    """
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


def _as_bound(cls: type, attr: str) -> Callable[..., Any]:
    """The responder ``attr`` of ``cls`` as an instance would see it, for its signature."""
    raw = inspect.getattr_static(cls, attr)
    found: Callable[..., Any] = getattr(cls, attr)
    if inspect.isfunction(raw):  # a plain method: ``self`` comes first
        return functools.partial(found, None)
    return found  # a staticmethod or classmethod reads as it is called


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


_name = view_name
