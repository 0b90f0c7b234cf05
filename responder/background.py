"""Background tasks: work that runs after the response, inside the same process.

Sync functions run in a thread pool of their own, so however much background
work piles up, sync views (which run in the shared pool of
:mod:`responder._concurrency`) are not kept waiting for a thread. The number
of jobs pending at once is bounded too: past ``queue_size`` the queue refuses
new work with :class:`BackgroundQueueFull` (a 503) instead of growing.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ._concurrency import is_async_callable
from .errors import HTTPServiceUnavailable

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from .task_options import TaskBackend

__all__ = [
    "DEFAULT_BACKGROUND_QUEUE_SIZE",
    "DEFAULT_BACKGROUND_THREADS",
    "BackgroundQueue",
    "BackgroundQueueFull",
]

logger = logging.getLogger("responder")
F = TypeVar("F", bound=Callable[..., Any])
#: What starting a task gives back: awaitable on the event loop, waitable in a thread.
Job = asyncio.Future[Any] | Future[Any]

#: Threads for sync background functions: enough for I/O-bound chores, few enough to stay cheap.
DEFAULT_BACKGROUND_THREADS = 8
#: Jobs (running or waiting, sync or async) one queue holds before it refuses more.
DEFAULT_BACKGROUND_QUEUE_SIZE = 1000


class BackgroundQueueFull(HTTPServiceUnavailable):
    """The background queue already holds ``queue_size`` jobs, so this one was not started.

    Raised where the job is started (in the view): uncaught, the client gets a
    503 with ``Retry-After``; catch it to do the work inline or answer otherwise.
    """

    def __init__(self, queue_size: int) -> None:
        super().__init__(
            detail=f"The server has {queue_size} background jobs pending; try again shortly.",
            headers={"Retry-After": "1"},
        )
        self.queue_size = queue_size


class BackgroundQueue:
    """Runs functions in the background; ``api.background``.

    ``api.background(func, *args, **kwargs)`` starts ``func`` and returns at
    once; ``@api.background.task`` makes a function do that whenever it is
    called. Sync functions run in the queue's own thread pool; coroutine
    functions run as tasks on the server's event loop, even when started from
    a sync view (which runs in a worker thread).

    What comes back depends on where it was started. On the event loop (async
    views, hooks, handlers) it is an ``asyncio`` task or future: ignore it, or
    ``await`` it for the function's result (or exception). In a worker thread
    (sync views) it is a ``concurrent.futures.Future``: call ``.result()`` to
    wait. Failures are logged on the ``responder`` logger either way. At
    shutdown the API waits for unfinished tasks, while the ``lifespan=``
    context is still open.

    With ``tasks`` (``API(tasks=responder.tasks.Queue(url))``), functions
    decorated with ``@api.background.task`` go to that queue instead, to run
    in ``responder worker`` processes; ``api.background(func)`` still runs here.

    Args:
        threads: the most sync functions that run at once.
        queue_size: the most jobs pending at once (running or waiting, of
            either kind); starting one more raises :class:`BackgroundQueueFull`.
        tasks: where decorated tasks run instead of this process.

    Raises:
        ValueError: ``threads`` or ``queue_size`` is not a positive integer.
    """

    def __init__(
        self,
        threads: int = DEFAULT_BACKGROUND_THREADS,
        queue_size: int = DEFAULT_BACKGROUND_QUEUE_SIZE,
        tasks: TaskBackend | None = None,
    ) -> None:
        for name, value in (
            ("background_threads", threads),
            ("background_queue_size", queue_size),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}.")
        self.threads, self.queue_size = threads, queue_size
        self.tasks = tasks
        self.pending: set[Job] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        # Jobs are started from the loop and from worker threads at once: one lock
        # guards the count, the pending set and the pool's creation.
        self._lock = threading.Lock()
        self._count = 0
        self._executor: ThreadPoolExecutor | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop`` for coroutines started from worker threads (set at startup)."""
        self._loop = loop

    async def open(self) -> None:
        """At startup: bind to the running loop, and connect the task queue if there is one."""
        self.bind(asyncio.get_running_loop())
        if self.tasks is not None:
            await self.tasks.open()

    @overload
    def task(self, func: F, /) -> F: ...

    @overload
    def task(
        self,
        /,
        *,
        retries: int = 0,
        backoff: float | Callable[[int], float] = 1.0,
        timeout: float | None = None,
        result: bool = False,
        name: str | None = None,
    ) -> Callable[[F], F]: ...

    def task(
        self,
        func: Any = None,
        /,
        *,
        retries: int = 0,
        backoff: float | Callable[[int], float] = 1.0,
        timeout: float | None = None,
        result: bool = False,
        name: str | None = None,
    ) -> Any:
        """Decorate ``func`` so that calling it starts it in the background (see the class).

        Used bare (``@api.background.task``) or with options
        (``@api.background.task(retries=3, timeout=30)``; see
        :class:`~responder.task_options.TaskOptions`), checked here, once.
        """
        # Loaded with the first task function: an app that declares none never needs it.
        from .task_options import TaskOptions, with_retries

        options = TaskOptions(retries, backoff, timeout, result, name)

        def decorate(func: F) -> F:
            options.check(func)
            if self.tasks is not None:
                return functools.wraps(func)(self.tasks.register(func, options))  # type: ignore[return-value]
            target = with_retries(func, options)

            @functools.wraps(func)
            def schedule(*args: Any, **kwargs: Any) -> Job:
                return self.run(target, *args, **kwargs)

            return schedule  # type: ignore[return-value]

        return decorate if func is None else decorate(func)

    def __call__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Start ``func(*args, **kwargs)`` in the background: ``await api.background(f, x)``."""
        return self.run(func, *args, **kwargs)

    def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Start ``func(*args, **kwargs)`` in the background; returns its task or future.

        Raises:
            BackgroundQueueFull: ``queue_size`` jobs are already pending.
        """
        with self._lock:
            if self._count >= self.queue_size:
                raise BackgroundQueueFull(self.queue_size)
            self._count += 1  # the slot is held before the job exists, so no race overfills it
        try:
            job = self._start(func, args, kwargs)
        except BaseException:
            self._release()
            raise
        with self._lock:
            self.pending.add(job)
        job.add_done_callback(self._done)
        return job

    async def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run the sync ``func(*args, **kwargs)`` in the queue's pool and wait for its result.

        For work that must run now but off the views' pool (``resp.background``);
        it takes no slot of the queue, as the caller waits for it.
        """
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
        return await loop.run_in_executor(self._pool(), call)

    def _start(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Job:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._start_from_thread(func, args, kwargs)
        if is_async_callable(func):
            return loop.create_task(func(*args, **kwargs))
        # The caller's contextvars go along (a task copies them itself): log records keep
        # the request's ID, spans their parent.
        call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
        return asyncio.wrap_future(self._pool().submit(call), loop=loop)

    def _start_from_thread(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Future[Any]:
        """Start ``func`` from a thread with no running loop (a sync view, another task)."""
        loop = self._loop
        if not is_async_callable(func):
            return self._pool().submit(contextvars.copy_context().run, func, *args, **kwargs)
        if loop is not None and loop.is_running():
            return asyncio.run_coroutine_threadsafe(func(*args, **kwargs), loop)
        # No server loop to hand it to (the app runs without a lifespan, as the
        # test client does outside ``with``): the coroutine gets a loop of its own.
        return self._pool().submit(_run_coroutine, func, args, kwargs)

    def _pool(self) -> ThreadPoolExecutor:
        """The queue's own threads, made on first use (and again after a shutdown)."""
        with self._lock:
            if self._executor is None:
                # Imported here: an app that never runs sync background work never loads it.
                from concurrent.futures import ThreadPoolExecutor

                self._executor = ThreadPoolExecutor(
                    self.threads, thread_name_prefix="responder-background"
                )
            return self._executor

    def _release(self) -> None:
        with self._lock:
            self._count -= 1

    def _done(self, job: Job) -> None:
        # Logged before the job leaves ``pending``: a drain that sees nothing pending
        # knows every failure has been reported (it runs in the job's thread).
        if not job.cancelled():
            error = job.exception()
            if error is not None:
                logger.error("Background task failed", exc_info=error)
        with self._lock:
            self.pending.discard(job)
            self._count -= 1

    async def drain(self) -> None:
        """Wait for every pending task, including those started while waiting (at shutdown).

        Then the pool's threads end (a job started after this gets a new pool),
        and the task queue, if any, finishes its sends and disconnects.
        """
        loop = asyncio.get_running_loop()
        while True:
            waiting: list[Awaitable[Any]] = []
            with self._lock:
                jobs = list(self.pending)
            for job in jobs:
                if isinstance(job, Future):
                    waiting.append(asyncio.wrap_future(job))
                elif job.get_loop() is loop:
                    waiting.append(job)
                else:  # another loop's task (a test client's per-request loop): not ours to await
                    with self._lock:
                        self.pending.discard(job)
            if not waiting:
                break
            await asyncio.gather(*waiting, return_exceptions=True)
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)
        if self.tasks is not None:  # last: the jobs drained above may have enqueued more
            await self.tasks.close()


def _run_coroutine(
    func: Callable[..., Awaitable[Any]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    async def main() -> Any:
        return await func(*args, **kwargs)

    return asyncio.run(main())
