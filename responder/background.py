"""Background tasks: work that runs after the response, inside the same process."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from ._concurrency import get_executor, is_async_callable

__all__ = ["BackgroundQueue"]

logger = logging.getLogger("responder")
F = TypeVar("F", bound=Callable[..., Any])
#: What starting a task gives back: awaitable on the event loop, waitable in a thread.
Job = asyncio.Future[Any] | Future[Any]


class BackgroundQueue:
    """Runs functions in the background; ``api.background``.

    ``api.background(func, *args, **kwargs)`` starts ``func`` and returns at
    once; ``@api.background.task`` makes a function do that whenever it is
    called. Sync functions run in the thread pool; coroutine functions run as
    tasks on the server's event loop, even when started from a sync view (which
    runs in a worker thread).

    What comes back depends on where it was started. On the event loop (async
    views, hooks, handlers) it is an ``asyncio`` task or future: ignore it, or
    ``await`` it for the function's result (or exception). In a worker thread
    (sync views) it is a ``concurrent.futures.Future``: call ``.result()`` to
    wait. Failures are logged on the ``responder`` logger either way. At
    shutdown the API waits for unfinished tasks, while the ``lifespan=``
    context is still open.
    """

    def __init__(self) -> None:
        self.pending: set[Job] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop`` for coroutines started from worker threads (set at startup)."""
        self._loop = loop

    def task(self, func: F) -> F:
        """Decorate ``func`` so that calling it starts it in the background (see the class)."""

        @functools.wraps(func)
        def schedule(*args: Any, **kwargs: Any) -> Job:
            return self.run(func, *args, **kwargs)

        return schedule  # type: ignore[return-value]

    def __call__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Start ``func(*args, **kwargs)`` in the background: ``await api.background(f, x)``."""
        return self.run(func, *args, **kwargs)

    def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Start ``func(*args, **kwargs)`` in the background; returns its task or future."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._run_from_thread(func, args, kwargs)
        job: asyncio.Future[Any]
        if is_async_callable(func):
            job = loop.create_task(func(*args, **kwargs))
        else:
            job = asyncio.wrap_future(get_executor().submit(func, *args, **kwargs), loop=loop)
        self._track(job)
        return job

    def _run_from_thread(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Future[Any]:
        """Start ``func`` from a thread with no running loop (a sync view, another task)."""
        loop = self._loop
        future: Future[Any]
        if not is_async_callable(func):
            future = get_executor().submit(func, *args, **kwargs)
        elif loop is not None and loop.is_running():
            future = asyncio.run_coroutine_threadsafe(func(*args, **kwargs), loop)
        else:
            # No server loop to hand it to (the app runs without a lifespan, as the
            # test client does outside ``with``): the coroutine gets a loop of its own.
            future = get_executor().submit(_run_coroutine, func, args, kwargs)
        self._track(future)
        return future

    def _track(self, job: Job) -> None:
        self.pending.add(job)
        job.add_done_callback(self._done)

    def _done(self, job: Job) -> None:
        self.pending.discard(job)
        if job.cancelled():
            return
        error = job.exception()
        if error is not None:
            logger.error("Background task failed", exc_info=error)

    async def drain(self) -> None:
        """Wait for every pending task, including those started while waiting (at shutdown)."""
        loop = asyncio.get_running_loop()
        while True:
            waiting: list[Awaitable[Any]] = []
            for job in list(self.pending):
                if isinstance(job, Future):
                    waiting.append(asyncio.wrap_future(job))
                elif job.get_loop() is loop:
                    waiting.append(job)
                else:  # another loop's task (a test client's per-request loop): not ours to await
                    self.pending.discard(job)
            if not waiting:
                return
            await asyncio.gather(*waiting, return_exceptions=True)


def _run_coroutine(
    func: Callable[..., Awaitable[Any]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    async def main() -> Any:
        return await func(*args, **kwargs)

    return asyncio.run(main())
