"""The ASGI lifespan protocol: startup and shutdown handlers, lifespan contexts."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from ._concurrency import is_async_callable
from .types import Receive, Scope, Send

if TYPE_CHECKING:
    from .background import BackgroundQueue

__all__ = ["Lifespan"]


class Lifespan:
    """Runs the ``lifespan=`` context, ``on_event`` handlers and the background drain.

    The order: enter the context, run the startup handlers, serve; then run
    the ``stopping`` hooks (the readiness route turns 503), wait for pending
    background tasks, run the shutdown handlers, leave the context. Handlers
    and tasks thus always see what the context set up.

    Args:
        app: passed to the user's lifespan factory (``lifespan(api)``).
        context: an async (or sync) context manager factory; what it yields,
            if a mapping, becomes the initial ``req.state`` of every request.
        background: the queue to bind to the server's loop and drain at shutdown.
    """

    def __init__(
        self,
        app: Any,
        context: Callable[[Any], Any] | None = None,
        background: BackgroundQueue | None = None,
    ) -> None:
        self.app = app
        self.context = context
        self.background = background
        self.startup: list[Callable[[], Any]] = []
        self.shutdown: list[Callable[[], Any]] = []
        #: Run first when shutdown begins, before the background drain (the framework's own).
        self.stopping: list[Callable[[], Any]] = []

    @staticmethod
    def check_event(event: str) -> None:
        """Refuse an event name other than ``"startup"`` and ``"shutdown"`` (ValueError)."""
        if event not in ("startup", "shutdown"):
            raise ValueError(f"Unknown event {event!r}; use 'startup' or 'shutdown'.")

    def add(self, event: str, handler: Callable[[], Any]) -> None:
        """Register a ``startup`` or ``shutdown`` handler (sync or async)."""
        self.check_event(event)
        getattr(self, event).append(handler)

    def manage(self, *resources: Any) -> None:
        """Open each resource (``open()``) at startup and close it (``aclose()``) at shutdown.

        None is skipped: an app that configured no store passes it as it is.
        """
        for resource in resources:
            if resource is not None:
                self.startup.append(resource.open)
                self.shutdown.append(resource.aclose)

    @contextlib.asynccontextmanager
    async def running(self, state: dict[str, Any] | None = None) -> AsyncIterator[None]:
        """Start up, yield while serving, shut down (see the class for the order)."""
        async with contextlib.AsyncExitStack() as stack:
            if self.context is not None:
                manager = self.context(self.app)
                if hasattr(manager, "__aenter__"):
                    _share(state, await stack.enter_async_context(manager))
                else:
                    _share(state, stack.enter_context(manager))
            if self.background is not None:
                await self.background.open()
            await _call_all(self.startup)
            yield
            await _call_all(self.stopping)
            if self.background is not None:
                await self.background.drain()
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
