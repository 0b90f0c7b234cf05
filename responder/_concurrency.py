"""Running sync code off the event loop."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["get_executor", "is_async_callable", "run_sync"]

T = TypeVar("T")

# Sync views may block on I/O, so the pool is sized for waiting, not for cores.
MAX_THREADS = 40
_executor: ThreadPoolExecutor | None = None


def get_executor() -> ThreadPoolExecutor:
    """The shared pool for sync views (background tasks have a pool of their own)."""
    return _get_executor()


def _get_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="responder")
    return _executor


async def run_sync(func: Callable[..., T], *args: Any) -> T:
    """Run ``func(*args)`` in the shared thread pool, with the caller's contextvars."""
    # PERF: run_in_executor on a long-lived pool is the cheapest thread hop asyncio offers.
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    return await loop.run_in_executor(_get_executor(), context.run, func, *args)


def is_async_callable(obj: Any) -> bool:
    """Whether calling ``obj`` returns a coroutine: functions, partials, or objects."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    if inspect.iscoroutinefunction(obj):
        return True
    call = None if inspect.isroutine(obj) else getattr(obj, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(call)
