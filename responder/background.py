"""Background tasks: work that runs after the response, inside the same process."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from ._concurrency import get_executor, is_async_callable

__all__ = ["BackgroundQueue"]

logger = logging.getLogger("responder")
F = TypeVar("F", bound=Callable[..., Any])


class BackgroundQueue:
    """Runs decorated functions in the background; ``api.background``.

    ``@api.background.task`` makes a function start in the background when
    called: sync functions in the thread pool, coroutine functions as tasks on
    the event loop. The call returns at once (with a future). Failures are
    logged on the ``responder`` logger. At shutdown the API waits for pending
    tasks to finish.
    """

    def __init__(self) -> None:
        self.pending: set[Any] = set()

    def task(self, func: F) -> F:
        """Decorate ``func`` so that calling it schedules it instead of running it."""

        @functools.wraps(func)
        def schedule(*args: Any, **kwargs: Any) -> Any:
            return self.run(func, *args, **kwargs)

        return schedule  # type: ignore[return-value]

    def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Start ``func(*args, **kwargs)`` in the background; returns its future or task."""
        if is_async_callable(func):
            task = asyncio.get_running_loop().create_task(func(*args, **kwargs))
            self._track(task)
            return task
        future = get_executor().submit(func, *args, **kwargs)
        self._track(future)
        return future

    def _track(self, job: Any) -> None:
        self.pending.add(job)
        job.add_done_callback(self._done)

    def _done(self, job: Any) -> None:
        self.pending.discard(job)
        if job.cancelled():
            return
        error = job.exception()
        if error is not None:
            logger.error("Background task failed", exc_info=error)

    async def drain(self) -> None:
        """Wait for every pending task (called at shutdown)."""
        while self.pending:
            jobs = list(self.pending)
            await asyncio.gather(
                *(asyncio.wrap_future(j) if isinstance(j, Future) else j for j in jobs),
                return_exceptions=True,
            )
