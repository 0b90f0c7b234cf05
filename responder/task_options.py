"""How one ``@api.background.task`` runs: retries, backoff, timeout, result; checked once.

The options mean the same in-process and on a queue (:mod:`responder.tasks`),
so that moving work to ``responder worker`` changes where it runs, not what
it does. In-process, :func:`with_retries` applies them around the function;
on a queue, the worker applies them (see ``responder/tasks/_taskiq.py``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ._concurrency import is_async_callable

__all__ = ["MAX_BACKOFF", "TaskBackend", "TaskOptions", "with_retries"]

logger = logging.getLogger("responder")

#: The longest wait between two attempts a number ``backoff`` grows to, in seconds.
MAX_BACKOFF = 300.0


def _positive_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0


@dataclass(frozen=True)
class TaskOptions:
    """One task's settings, checked when the decorator is applied.

    Args:
        retries: attempts after the first one fails (0: none).
        backoff: seconds before the first retry, doubled before each next one
            (capped at :data:`MAX_BACKOFF`); or a callable ``backoff(n)`` giving
            the seconds before retry ``n`` (1 for the first).
        timeout: seconds one attempt may run (async functions only: a thread
            cannot be stopped); an overrun fails the attempt with ``TimeoutError``.
        result: keep the return value for ``await job.result()`` (queues only;
            in-process, the returned future always has it).
        name: the task's name on a queue (default ``module:qualname``).

    Raises:
        ValueError: a setting out of range.
    """

    retries: int = 0
    backoff: float | Callable[[int], float] = 1.0
    timeout: float | None = None
    result: bool = False
    name: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.retries, bool) or not isinstance(self.retries, int):
            raise ValueError(f"retries must be a whole number, not {self.retries!r}.")
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more, not {self.retries!r}.")
        if not callable(self.backoff) and not (
            _positive_number(self.backoff) or self.backoff == 0
        ):
            raise ValueError(
                f"backoff must be seconds (0 or more) or a callable, not {self.backoff!r}."
            )
        if self.timeout is not None and not _positive_number(self.timeout):
            raise ValueError(
                f"timeout must be a positive number of seconds, not {self.timeout!r}."
            )
        if self.name is not None and (not isinstance(self.name, str) or not self.name):
            raise ValueError(f"name must be a non-empty string, not {self.name!r}.")

    def check(self, func: Callable[..., Any]) -> None:
        """Refuse what cannot apply to ``func``: a timeout on a sync function (ValueError)."""
        if self.timeout is not None and not is_async_callable(func):
            raise ValueError(
                f"timeout= needs an async function, and {func.__qualname__} is sync: "
                "a running thread cannot be stopped. Make it `async def`, or drop timeout=."
            )

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry ``retry`` (1 for the first)."""
        if callable(self.backoff):
            return max(0.0, float(self.backoff(retry)))
        return min(float(self.backoff) * 2.0 ** (retry - 1), MAX_BACKOFF)


class TaskBackend(Protocol):
    """Where decorated tasks go instead of this process: ``API(tasks=Queue(...))``."""

    def register(self, func: Callable[..., Any], options: TaskOptions) -> Callable[..., Any]:
        """Take ``func`` as a task; return what calling the decorated name does."""

    async def open(self) -> None:
        """Connect, on the server's event loop (at lifespan startup)."""

    async def close(self) -> None:
        """Finish sending what was started, then disconnect (at lifespan shutdown)."""


def with_retries(func: Callable[..., Any], options: TaskOptions) -> Callable[..., Any]:
    """``func`` retried and timed as ``options`` say, for a task run in-process."""
    if options.retries == 0 and options.timeout is None:
        return func
    if is_async_callable(func):

        @functools.wraps(func)
        async def attempts(*args: Any, **kwargs: Any) -> Any:
            for retry in range(1, options.retries + 2):
                try:
                    return await asyncio.wait_for(func(*args, **kwargs), options.timeout)
                except Exception:
                    if retry > options.retries:
                        raise
                    _log_retry(func, retry, options)
                    await asyncio.sleep(options.delay(retry))

        return attempts

    @functools.wraps(func)
    def sync_attempts(*args: Any, **kwargs: Any) -> Any:
        for retry in range(1, options.retries + 2):
            try:
                return func(*args, **kwargs)
            except Exception:
                if retry > options.retries:
                    raise
                _log_retry(func, retry, options)
                time.sleep(options.delay(retry))

    return sync_attempts


def _log_retry(func: Callable[..., Any], retry: int, options: TaskOptions) -> None:
    logger.warning(
        "Background task %s failed; retry %d of %d in %.2f s",
        func.__qualname__,
        retry,
        options.retries,
        options.delay(retry),
        exc_info=True,
    )
