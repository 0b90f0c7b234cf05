"""Running providers per request: the cache, app-scoped values, and teardown in reverse order.

Each request that uses a dependency gets one :class:`RequestScope`, kept in
the ASGI scope so that ``on_request``, the responder and the route's guards
share it; the pipeline closes it after the response is sent. App-scoped
values live in the API's :class:`AppValues` until shutdown.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from .._concurrency import run_sync
from .graph import Node

__all__ = ["SCOPE_KEY", "AppValues", "Call", "RequestScope", "request_scope", "resolve"]

logger = logging.getLogger("responder")

#: Where a request's :class:`RequestScope` lives in the ASGI scope.
SCOPE_KEY = "responder.dependencies"

Exit = Callable[[], Awaitable[None]]


class RequestScope:
    """One request's provider values and the teardowns to run once it is answered."""

    __slots__ = ("cache", "exits")

    def __init__(self) -> None:
        self.cache: dict[Node, Any] = {}
        self.exits: list[Exit] = []

    async def close(self) -> None:
        """Run the generators' teardowns, last opened first; a failing one is logged."""
        await _run_exits(self.exits)


def request_scope(scope: MutableMapping[str, Any]) -> RequestScope:
    """The request's scope of dependency values, made on first use."""
    found: RequestScope | None = scope.get(SCOPE_KEY)
    if found is None:
        found = scope[SCOPE_KEY] = RequestScope()
    return found


class AppValues:
    """App-scoped provider values: made once, on first use, and torn down at shutdown."""

    def __init__(self) -> None:
        self.values: dict[Node, Any] = {}
        self.exits: list[Exit] = []
        # One lock per event loop: an asyncio lock must never be shared between loops
        # (test clients in several threads each run one), or a waiter is never woken.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def get(self, node: Node, call: Call) -> Any:
        """The value of ``node``, made by the first request that needs it."""
        try:
            return self.values[node]
        except KeyError:
            pass
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        async with lock:  # two first requests at once (on one loop) make it once
            if node not in self.values:
                value = await produce(node, call, self.exits)
                self.values.setdefault(node, value)
        return self.values[node]

    async def close(self) -> None:
        """Tear the values down (last made first) and forget them, at shutdown."""
        exits, self.exits = self.exits, []
        self.values.clear()
        await _run_exits(exits)


class Call:
    """What resolving one responder's dependencies needs: the connection and the stores."""

    __slots__ = ("app", "conn", "overrides", "scope")

    def __init__(
        self,
        conn: dict[str, Any],
        scope: RequestScope,
        app: AppValues,
        overrides: Mapping[Any, Node] | None,
    ) -> None:
        self.conn, self.scope, self.app, self.overrides = conn, scope, app, overrides


async def resolve(node: Node, call: Call) -> Any:
    """The value of ``node`` for this request: overridden, cached, or made now."""
    overrides = call.overrides
    if overrides:
        node = overrides.get(node.provider, node)
    if node.scope == "app":
        return await call.app.get(node, call)
    cache = call.scope.cache
    try:
        return cache[node]
    except KeyError:
        pass
    value = cache[node] = await produce(node, call, call.scope.exits)
    return value


async def produce(node: Node, call: Call, exits: list[Exit]) -> Any:
    """Call the provider with its arguments; a generator's teardown goes on ``exits``."""
    kwargs = {}
    for name, source in node.inputs:
        kwargs[name] = (
            call.conn[source] if isinstance(source, str) else await resolve(source, call)
        )
    kind = node.kind
    if kind == "async":
        return await node.provider(**kwargs)
    if kind == "sync":
        return await run_sync(functools.partial(node.provider, **kwargs))
    if kind == "async_gen":
        agen = node.provider(**kwargs)
        try:
            value = await agen.__anext__()
        except StopAsyncIteration:
            raise RuntimeError(f"Provider {node.name} did not yield a value.") from None
        exits.append(functools.partial(_finish_async, agen, node.name))
        return value
    gen = node.provider(**kwargs)  # a generator function runs nothing until next()
    value = await run_sync(_first, gen, node.name)
    exits.append(functools.partial(run_sync, _finish_sync, gen, node.name))
    return value


def _first(gen: Any, name: str) -> Any:
    try:
        return next(gen)
    except StopIteration:  # never let StopIteration cross the thread pool's future
        raise RuntimeError(f"Provider {name} did not yield a value.") from None


def _finish_sync(gen: Any, name: str) -> None:
    try:
        next(gen)
    except StopIteration:
        return
    gen.close()
    raise RuntimeError(f"Provider {name} yielded more than once.")


async def _finish_async(agen: Any, name: str) -> None:
    try:
        await agen.__anext__()
    except StopAsyncIteration:
        return
    await agen.aclose()
    raise RuntimeError(f"Provider {name} yielded more than once.")


async def _run_exits(exits: list[Exit]) -> None:
    for finish in reversed(exits):
        try:
            await finish()
        except Exception:  # the response is gone: log and run the other teardowns
            logger.exception("A dependency's teardown failed")
