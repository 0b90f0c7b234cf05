"""Running sync code off the event loop.

Sync views, sync dependencies and other blocking steps run on a pool of
worker threads of our own (:class:`Workers`), not through
``loop.run_in_executor``. Each call is one item on a queue and one wake-up of
the loop when it is done: ``run_in_executor`` also builds a
``concurrent.futures.Future``, chains it to an asyncio one, and takes the
executor's locks, which doubled the cost of the hop (see ``bench/README.md``).

The contract is the executor's: the call runs with a copy of the caller's
context variables, its exception is raised in the caller, and a caller that
is cancelled (a timeout, a client gone) stops waiting while the thread runs
the call to its end, its result dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import os
import threading
from collections import deque
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor
    from queue import SimpleQueue

__all__ = ["Workers", "get_executor", "is_async_callable", "run_sync"]

T = TypeVar("T")

# Sync views may block on I/O, so the pool is sized for waiting, not for cores.
MAX_THREADS = 40
_executor: ThreadPoolExecutor | None = None

#: (inbox, future, context, function, arguments): one call for a worker.
_Call = tuple["_Inbox", "asyncio.Future[Any]", contextvars.Context, Any, Any]


def get_executor() -> ThreadPoolExecutor:
    """A shared ``ThreadPoolExecutor``, for code that needs an executor object."""
    global _executor
    if _executor is None:
        from concurrent.futures import ThreadPoolExecutor  # only code that asks loads it

        _executor = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="responder")
    return _executor


class Workers:
    """Threads that run sync calls for event loops; started as needed, up to ``max_threads``.

    A thread is started when a call arrives and none is idle, as
    ``ThreadPoolExecutor`` does; threads then stay, waiting on the queue.
    They are daemon threads: one still running a call when the interpreter
    exits does not hold the exit up (the server waits for its requests
    before it gets there).

    Args:
        max_threads: the most threads, hence the most sync calls at once.
    """

    def __init__(self, max_threads: int = MAX_THREADS) -> None:
        from queue import SimpleQueue  # loaded with the first pool, not with the package

        self.max_threads = max_threads
        self._calls: SimpleQueue[_Call | None] = SimpleQueue()
        # One token per thread that finished a call and waits for the next: deque's
        # append and pop are atomic, and cheaper than a Semaphore's Condition.
        self._idle: deque[None] = deque()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._inbox = _Inbox(None)

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` on a worker thread, with the caller's context variables."""
        loop = asyncio.get_running_loop()
        inbox = self._inbox
        if inbox.loop is not loop:
            inbox = self._inbox = _Inbox(loop)
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((inbox, future, contextvars.copy_context(), func, args))
        try:
            self._idle.pop()
        except IndexError:
            self._start_thread()
        return await future

    def _start_thread(self) -> None:
        with self._lock:
            if len(self._threads) >= self.max_threads:
                return  # the call waits for a thread to come free
            thread = threading.Thread(
                target=self._work, name=f"responder-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        """Run calls until told to stop (``None``), handing each outcome back to its loop."""
        calls, idle = self._calls, self._idle
        while (call := calls.get()) is not None:
            inbox, future, context, func, args = call
            del call  # hold no reference to the arguments while waiting for the next
            outcome: Callable[[asyncio.Future[Any], Any], None]
            try:
                outcome, value = _succeed, context.run(func, *args)
            except BaseException as exc:  # noqa: BLE001 - the caller gets it, whatever it is
                outcome, value = _fail, exc
            # Idle before the caller wakes: its next call must find this thread free,
            # or every sync request in a row would start a thread of its own.
            idle.append(None)
            inbox.post(outcome, future, value)
            del inbox, future, context, func, args, value

    def stop(self) -> None:
        """Let every thread finish its call and end; a later call starts threads anew."""
        with self._lock:
            for _ in self._threads:
                self._calls.put(None)
            self._threads = []
            self._idle = deque()  # the ending threads' tokens go with them


class _Inbox:
    """Outcomes handed back to one loop: one wake-up of the loop for all that are waiting."""

    __slots__ = ("done", "loop", "pending")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.done: deque[tuple[Any, Any, Any]] = deque()
        self.pending = False

    def post(self, settle: Any, future: Any, value: Any) -> None:
        """From a worker: queue the outcome; wake the loop unless a wake-up is on its way."""
        self.done.append((settle, future, value))
        if not self.pending:
            self.pending = True
            # RuntimeError: the loop was closed while the call ran, so nobody waits for it.
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.drain)  # type: ignore[union-attr]

    def drain(self) -> None:
        """On the loop: settle every outcome queued so far."""
        # Cleared first: an outcome queued after this line wakes the loop again.
        self.pending = False
        done = self.done
        while done:
            settle, future, value = done.popleft()
            settle(future, value)


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # the caller may have been cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


class _NoWorkersYet:
    """The shared pool until the first sync call, which makes it: an async app never loads it."""

    __slots__ = ()

    def run(self, func: Callable[..., T], *args: Any) -> Coroutine[Any, Any, T]:
        """Make the pool (once, whichever thread comes first), then run ``func`` on it."""
        global _workers
        with _first_call:
            if _workers is self:
                _workers = Workers()
        return _workers.run(func, *args)


_first_call = threading.Lock()
# PERF: run_sync reads this global; after the first call it is the real pool.
_workers: Workers | _NoWorkersYet = _NoWorkersYet()


def _new_pool_in_child() -> None:
    """A forked child has none of its parent's threads: start from an empty pool."""
    global _workers, _executor, _first_call
    _workers, _executor = _NoWorkersYet(), None
    _first_call = threading.Lock()  # a thread of the parent's may have held it at the fork


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_pool_in_child)


def run_sync(func: Callable[..., T], *args: Any) -> Coroutine[Any, Any, T]:
    """Run ``func(*args)`` on the shared worker threads: await what this returns.

    A plain function handing back the pool's coroutine: one frame fewer per hop.
    """
    return _workers.run(func, *args)


def is_async_callable(obj: Any) -> bool:
    """Whether calling ``obj`` returns a coroutine: functions, partials, or objects."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    if inspect.iscoroutinefunction(obj):
        return True
    call = None if inspect.isroutine(obj) else getattr(obj, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(call)
