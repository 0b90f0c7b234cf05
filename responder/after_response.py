"""Work a view queues for after its response: ``resp.background(func, *args, **kwargs)``.

The pipeline sends the response first, then runs the queued calls one after
another, in the order they were queued: coroutine functions on the event
loop, plain functions in the background pool (:mod:`responder.background`),
so they never hold a thread that views need. A call that fails is logged, with
the request's ID when ``request_id=True``, and the calls after it still run.

Nothing is run after a response that replaced the view's own: a 500 for an
unhandled error (the work belonged to an answer that never went out) or a 504
for a timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._concurrency import is_async_callable

if TYPE_CHECKING:
    from .background import BackgroundQueue
    from .types import Scope

__all__ = ["AfterResponse", "run_after"]

logger = logging.getLogger("responder")

#: One queued call: the function, its arguments, its keywords.
Task = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class AfterResponse:
    """The part of ``Response`` that queues work for after it is sent.

    ``_after`` is None (set by ``Response.__init__``) until a view queues
    something: the pipeline's one test per request.
    """

    __slots__ = ("_after",)
    _after: list[Task] | None

    def background(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        """Run ``func(*args, **kwargs)`` once this response has been sent (in queued order).

        Raises:
            TypeError: ``func`` is not callable.
        """
        if not callable(func):
            raise TypeError(f"resp.background needs a function, not {func!r}.")
        tasks = self._after
        if tasks is None:
            tasks = []
            self._after = tasks
        tasks.append((func, args, kwargs))

    def clear_background(self) -> None:
        """Forget the work queued so far (the pipeline does this when the view failed)."""
        self._after = None


async def run_after(tasks: list[Task], pool: BackgroundQueue, scope: Scope) -> None:
    """Run the queued calls in order; log each failure with the request's ID."""
    for func, args, kwargs in tasks:
        try:
            if is_async_callable(func):
                await func(*args, **kwargs)
            else:
                await pool.call(func, *args, **kwargs)
        except Exception:  # the response is gone: log it and go on with the next one
            request_id = scope.get("state", {}).get("request_id")
            logger.exception(
                "A task queued with resp.background failed: %s, after %s %s, request ID %s",
                getattr(func, "__qualname__", repr(func)),
                scope.get("method"),
                scope.get("path"),
                request_id or "-",
            )
