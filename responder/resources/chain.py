"""The per-method chain of a resource: steps composed once, at registration.

:mod:`responder.resources.adapters` decides what runs for a method (the
responder, ``on_request``, hooks, checks, router hooks); this module composes
those steps into the one coroutine function a :class:`~.adapters.Handler`
calls per request, with the fast paths that keep a lone responder cheap.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._concurrency import is_async_callable, run_sync
from .hooks import Hook, run_before, run_hooks
from .returns import settle

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = [
    "AsyncBound",
    "Bound",
    "Main",
    "Params",
    "compose",
    "guarded_by_hooks",
    "instance_per_request",
    "main_step",
    "on_the_loop",
]

Params = dict[str, Any]

#: A responder step bound to its resource: ``(resource, req, resp, params)``, and
#: whether it is a coroutine function.
Bound = Callable[[Any, "Request", "Response", Params], Any]
Main = tuple[Bound, bool]
#: A step that is always awaited: ``await step(resource, req, resp, params)``; a
#: lone responder's step returns what the responder returned.
AsyncBound = Callable[[Any, "Request", "Response", Params], Awaitable[Any]]


def instance_per_request(cls: Callable[[], Any], chain: Callable[..., Awaitable[None]]) -> Any:
    """``chain`` run on a new instance of ``cls`` for each request (a routed class)."""

    async def run(req: Request, resp: Response, params: Params) -> Any:
        return await chain(cls(), req, resp, params)

    return run


def main_step(fn: Callable[..., Any], attr: str, takes: bool, per_request: bool) -> Main:
    """A responder or ``on_request`` as a step; on a class, looked up on each new instance."""
    is_async = is_async_callable(fn)
    if not per_request:
        if takes:
            return lambda res, req, resp, params: fn(req, resp, **params), is_async
        return lambda res, req, resp, params: fn(req, resp), is_async
    if takes:
        step: Bound = lambda res, req, resp, params: getattr(res, attr)(req, resp, **params)  # noqa: E731
    else:
        step = lambda res, req, resp, params: getattr(res, attr)(req, resp)  # noqa: E731
    return step, is_async


def on_the_loop(step: Bound) -> AsyncBound:
    """A sync responder step called on the event loop itself (``sync_to_thread=False``)."""

    async def inline(res: Any, req: Request, resp: Response, params: Params) -> Any:
        return step(res, req, resp, params)

    return inline


def _awaited(main: Main) -> AsyncBound:
    """A responder step as a coroutine function; a sync one runs in the thread pool."""
    step, is_async = main
    if is_async:
        return step  # type: ignore[no-any-return]

    async def threaded(res: Any, req: Request, resp: Response, params: Params) -> Any:
        return await run_sync(step, res, req, resp, params)

    return threaded


def compose(
    first: Main | None,
    main: Main | None,
    wrapping: tuple[Sequence[Hook], Sequence[Hook], Sequence[Hook], Sequence[Hook]],
    view: str,
) -> AsyncBound:
    """Compose on_request (``first``), the responder (``main``) and what wraps the responder.

    ``wrapping`` is (before hooks, checks before, checks after, after hooks).
    When a before hook answers (:func:`~.hooks.run_before`), the checks and the
    responder are skipped; the after hooks still run. What on_request and the
    responder return is settled on ``resp`` as each returns it, so the checks
    after see it; a chain of one step returns it instead, for ``Handler``.
    """
    before, pre, post, after = wrapping
    if first is not None and main is not None and not (first[1] or main[1] or before or pre):
        # PERF: a sync on_request followed directly by a sync responder costs one thread hop.
        fused: Main = (_sequence(first[0], main[0], view), False)
        first, main = None, fused
    lone = _lone(first, main, any(wrapping))
    if lone is not None:
        return lone
    run_first = _awaited(first) if first is not None else None
    run_main = _awaited(main) if main is not None else None

    async def run(res: Any, req: Request, resp: Response, params: Params) -> None:
        if run_first is not None:
            value = await run_first(res, req, resp, params)
            if value is not None:
                settle(resp, value, view)
        if not (before and await run_before(before, resp, req, resp, res, params)):
            if pre:
                await run_hooks(pre, req, resp, params)
            if run_main is not None:
                value = await run_main(res, req, resp, params)
                if value is not None:
                    settle(resp, value, view)
            if post:
                await run_hooks(post, req, resp, params)
        if after:
            await run_hooks(after, req, resp, res)

    return run


def _lone(first: Main | None, main: Main | None, wrapped: bool) -> AsyncBound | None:
    """PERF: with nothing around it, the one step there is is the whole chain."""
    if wrapped or (first is not None and main is not None):
        return None
    only = main if main is not None else first
    return _awaited(only) if only is not None else None


def _sequence(first: Bound, second: Bound, view: str) -> Bound:
    def both(res: Any, req: Request, resp: Response, params: Params) -> Any:
        value = first(res, req, resp, params)
        if value is not None:  # settled before the responder runs, as if it set resp
            settle(resp, value, view)
        return second(res, req, resp, params)

    return both


def guarded_by_hooks(
    hooks: Sequence[Hook], run: Callable[[Request, Response, Params], Awaitable[Any]]
) -> Callable[[Request, Response, Params], Awaitable[Any]]:
    """``run``, after ``hooks(req, resp)``; a hook that answers (status changed) ends it.

    What ``run`` returns (a lone responder's value) is handed on, to be settled.
    """

    async def guarded(req: Request, resp: Response, params: Params) -> Any:
        if await run_before(hooks, resp, req, resp):
            return None
        return await run(req, resp, params)

    return guarded
