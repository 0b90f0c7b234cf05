"""Responders with a call plan: typed parameters, a typed body, dependencies and route guards.

:mod:`.adapters` asks :func:`plan_for` about each responder when the route
is added. A responder that declares none of this gets no plan and keeps its
plain step (and the ``direct`` fast path); one that does is called through
:func:`planned_step`, which fills its keywords per request.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._concurrency import is_async_callable, run_sync
from ..dependencies import SCOPE_KEY, Injector, Node
from ..dependencies.signature import declares_nothing
from ..errors import HTTPError

if TYPE_CHECKING:
    from ..params import Plan
    from ..request import Request
    from ..response import Response

__all__ = ["Inputs", "guarded", "plan_for", "planned_step", "route_types", "websocket_runner"]

#: A chain step; a lone responder's step returns what the responder returned.
Step = Callable[[Any, "Request", "Response", dict[str, Any]], Awaitable[Any]]


def route_types(template: Any) -> dict[str, Any]:
    """Each route value's type as the template's convertor gives it (``{id:int}`` → int)."""
    if not template.convertors:
        return {}
    from ..params import CONVERTOR_TYPES  # the planner loads with the first route value

    return {
        name: CONVERTOR_TYPES.get(convertor.name, Any)
        for name, convertor in template.convertors.items()
    }


class Inputs:
    """What typed parameters and dependencies need from the route and the API.

    Args:
        route_types: each route value's type as its convertor gives it.
        injector: the API's dependencies.
        guards: the route's ``dependencies=[...]``, outermost first, as nodes
            (its auth scheme's first).
        provided: parameters the route gives by name, with their providers
            (the principal, on a route with an auth scheme).
    """

    __slots__ = ("guards", "injector", "provided", "route_types")

    def __init__(
        self,
        route_types: Mapping[str, Any] | None = None,
        injector: Injector | None = None,
        guards: tuple[Node, ...] = (),
        provided: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.route_types = route_types
        self.injector, self.guards = injector, guards
        self.provided = provided or {}

    def plan(
        self,
        fn: Callable[..., Any],
        view: str,
        path: str,
        names: tuple[str, ...],
        methods: frozenset[str] | None = None,
        *,
        websocket: bool = False,
    ) -> Plan | None:
        """The call plan of responder ``fn`` (as it is called), or None if it declares nothing."""
        types = self.route_types if self.route_types is not None else dict.fromkeys(names, str)
        return plan_for(
            fn,
            view=view,
            path=path,
            route_types=types,
            methods=methods,
            injector=self.injector,
            websocket=websocket,
            provided=self.provided,
        )


def plan_for(
    fn: Callable[..., Any],
    *,
    view: str,
    path: str,
    route_types: Mapping[str, Any],
    methods: frozenset[str] | None,
    injector: Injector | None,
    websocket: bool = False,
    provided: Mapping[str, Callable[..., Any]] | None = None,
) -> Plan | None:
    """The plan of one responder (``fn`` as it will be called), or None if it needs none."""
    leading = 1 if websocket else 2
    if declares_nothing(fn, leading):  # a plain view(req, resp): the planner need not load
        return None
    from ..params import PlanContext, make_plan

    ctx = PlanContext(
        view=view,
        path=path,
        route_types=route_types,
        leading=leading,
        methods=methods,
        graph=injector.graph if injector is not None else None,
        websocket=websocket,
        provided=provided or {},
    )
    return make_plan(fn, ctx, injector)


def planned_step(
    plan: Plan, fn: Callable[..., Any], attr: str, per_request: bool, inline: bool = False
) -> Step:
    """A step that fills the responder's keywords, then calls it (a sync one in the pool).

    It returns what the responder returned, for the chain (or ``Handler``) to settle.
    With ``inline`` (``sync_to_thread=False``) a sync responder runs on the loop.

    On a resource class the responder ``attr`` is looked up on each new instance.
    """
    is_async = is_async_callable(fn)

    async def run_planned(res: Any, req: Request, resp: Response, params: dict[str, Any]) -> Any:
        kwargs = await plan.arguments(req, resp, params)
        target = getattr(res, attr) if per_request else fn
        if is_async:
            return await target(req, resp, **kwargs)
        if inline:
            return target(req, resp, **kwargs)
        return await run_sync(functools.partial(target, req, resp, **kwargs))

    return run_planned


def guarded(guards: tuple[Node, ...], injector: Injector, chain: Step) -> Step:
    """Run the route's ``dependencies=[...]`` before everything else, then the chain.

    What the chain returns (a lone responder's value) is handed on, to be settled.
    """

    async def run_guarded(res: Any, req: Request, resp: Response, params: dict[str, Any]) -> Any:
        await injector.resolve_all(guards, {"req": req, "resp": resp}, req.scope)
        return await chain(res, req, resp, params)

    return run_guarded


def websocket_runner(
    endpoint: Callable[..., Any],
    plan: Plan | None,
    guards: tuple[Node, ...],
    injector: Injector | None,
    takes_params: bool,
) -> Callable[[Any, dict[str, Any]], Awaitable[None]]:
    """Run a WebSocket handler with its plan; teardowns run when the handler ends.

    A refusal before the handshake (a 422, a guard's HTTPError) is sent as a
    problem response where the server can, else as a close with code 1008.
    """

    async def run_websocket(ws: Any, params: dict[str, Any]) -> None:
        try:
            try:
                if guards and injector is not None:
                    await injector.resolve_all(guards, {"ws": ws}, ws.scope)
                if plan is not None:
                    kwargs = await plan.arguments(ws, None, params)
                else:
                    kwargs = params if takes_params else {}
            except HTTPError as exc:
                await _refuse(ws, exc, injector)
                return
            await endpoint(ws, **kwargs)
        finally:
            scope = ws.scope.get(SCOPE_KEY)
            if scope is not None:
                await scope.close()

    return run_websocket


async def _refuse(ws: Any, error: HTTPError, injector: Injector | None) -> None:
    from starlette.websockets import WebSocketState

    from ..problems import send_problem

    if ws.application_state != WebSocketState.CONNECTING or injector is None:
        await ws.close(code=1008)
        return
    await send_problem(ws.scope, ws.send, injector.media, error)
