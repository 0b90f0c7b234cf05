"""The ASGI lifespan protocol: startup and shutdown handlers, lifespan contexts."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any

from ._concurrency import is_async_callable
from .types import Receive, Scope, Send

__all__ = ["Lifespan"]


class Lifespan:
    """Runs ``on_event`` handlers and the ``lifespan=`` context around the server's life.

    Args:
        app: passed to the user's lifespan factory (``lifespan(api)``).
        context: an async context manager factory; what it yields, if a
            mapping, becomes the initial ``req.state`` of every request.
    """

    def __init__(self, app: Any, context: Callable[[Any], Any] | None = None) -> None:
        self.app = app
        self.context = context
        self.startup: list[Callable[[], Any]] = []
        self.shutdown: list[Callable[[], Any]] = []

    def add(self, event: str, handler: Callable[[], Any]) -> None:
        """Register a ``startup`` or ``shutdown`` handler (sync or async)."""
        if event not in ("startup", "shutdown"):
            raise ValueError(f"Unknown event {event!r}; use 'startup' or 'shutdown'.")
        getattr(self, event).append(handler)

    @contextlib.asynccontextmanager
    async def running(self, state: dict[str, Any] | None = None) -> AsyncIterator[None]:
        """Start up, yield while serving, shut down."""
        await _call_all(self.startup)
        if self.context is None:
            yield
        else:
            manager = self.context(self.app)
            if hasattr(manager, "__aenter__"):
                async with manager as value:
                    _share(state, value)
                    yield
            else:
                with manager as value:
                    _share(state, value)
                    yield
        await _call_all(self.shutdown)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Speak the lifespan protocol with the server."""
        started = False
        await receive()  # lifespan.startup
        try:
            async with self.running(scope.get("state")):
                await send({"type": "lifespan.startup.complete"})
                started = True
                await receive()  # lifespan.shutdown
        except BaseException:
            failure = "shutdown" if started else "startup"
            await send({"type": f"lifespan.{failure}.failed", "message": traceback.format_exc()})
            raise
        await send({"type": "lifespan.shutdown.complete"})


def _share(state: dict[str, Any] | None, value: Any) -> None:
    if value is None:
        return
    if state is None:
        raise RuntimeError("The server does not support lifespan state; yield nothing instead.")
    state.update(value)


async def _call_all(handlers: list[Callable[[], Any]]) -> None:
    for handler in handlers:
        if is_async_callable(handler):
            await handler()
        else:
            handler()
