"""Health and readiness routes: what load balancers and orchestrators poll.

``API(health_route="/health")`` answers 200 ``{"status": "ok", "checks": {...}}``
when every check registered with ``api.add_health_check(name, check)`` passes,
and 503 with each check's result when one fails. The checks run concurrently,
each under its own timeout.

``ready_route="/ready"`` answers the same while the server is serving, and 503
``{"status": "draining"}`` from the moment shutdown begins: when the lifespan
shutdown starts, or already when the server gets its stop signal (SIGTERM,
SIGINT) if the app runs in the main thread of a server that handles signals
with ``signal.signal`` (uvicorn does). With ``shutdown_delay=`` seconds the
server keeps serving that long after the signal before it begins to stop, so
a load balancer sees the 503, takes the worker out, and no request is refused.
"""

from __future__ import annotations

import asyncio
import logging
import math
import signal
import threading
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from ._concurrency import is_async_callable, run_sync
from ._lazy import on_first_call
from ._records import record

if TYPE_CHECKING:
    from ._draining import begin
    from .request import Request
    from .response import Response

else:  # loaded by the first stop signal
    begin = on_first_call("responder._draining", "begin", globals())

__all__ = ["DEFAULT_CHECK_TIMEOUT", "Health", "HealthOptions", "HealthRegistration"]

logger = logging.getLogger("responder")

#: Seconds a health check may take before it counts as failed.
DEFAULT_CHECK_TIMEOUT = 5.0
_SIGNALS = (signal.SIGTERM, signal.SIGINT)
#: Seconds the server's stop waits for the drain (closing WebSockets with 1001) to finish.
DRAIN_HANDOFF = 2.0
_NO_STORE = {"cache-control": "no-store"}


@record(frozen=True)
class HealthOptions:
    """Where the health and readiness routes live, and how long to drain; checked once.

    Attributes:
        health_route: the health route's path, or None for none.
        ready_route: the readiness route's path, or None for none.
        shutdown_delay: seconds to keep serving after a stop signal, with the
            readiness route answering 503, before the server stops.

    Raises:
        ValueError: a route does not start with ``/``, both are the same, or
            the delay is negative or not finite.
    """

    health_route: str | None = None
    ready_route: str | None = None
    shutdown_delay: float = 0.0

    def __post_init__(self) -> None:
        for name in ("health_route", "ready_route"):
            path = getattr(self, name)
            if path is not None and (not isinstance(path, str) or not path.startswith("/")):
                raise ValueError(f"{name} must be a path starting with '/', not {path!r}.")
        if self.health_route is not None and self.health_route == self.ready_route:
            raise ValueError("health_route and ready_route must be different paths.")
        delay = self.shutdown_delay
        if isinstance(delay, bool) or not isinstance(delay, int | float):
            raise ValueError(f"shutdown_delay must be a number of seconds, not {delay!r}.")
        if not (delay >= 0 and math.isfinite(delay)):
            raise ValueError(f"shutdown_delay must be zero or more seconds, not {delay!r}.")


@record(frozen=True)
class _Check:
    name: str
    func: Callable[[], Any]
    is_async: bool
    timeout: float


class Health:
    """The API's health checks and readiness state (``api.health``).

    Args:
        options: the routes and the shutdown delay.
    """

    def __init__(self, options: HealthOptions) -> None:
        self.options = options
        self.checks: dict[str, _Check] = {}
        #: True from the moment shutdown begins: the readiness route answers 503.
        self.draining = False
        self._previous: dict[int, Any] = {}
        #: Coroutine functions run when the server begins to stop (WebSockets close with 1001).
        self.on_drain: list[Callable[[], Awaitable[None]]] = []
        self._tasks: set[asyncio.Future[None]] = set()
        self._stopping = False

    def add(self, name: str, check: Callable[[], Any], timeout: float) -> None:
        """Register ``check`` (sync or async, no arguments) under ``name``.

        It passes unless it returns ``False``, raises, or takes more than
        ``timeout`` seconds.

        Raises:
            ValueError: the name is taken or empty, or the timeout is not positive.
            TypeError: ``check`` is not callable.
        """
        if not isinstance(name, str) or not name or name in self.checks:
            raise ValueError(f"A health check needs a new, non-empty name, not {name!r}.")
        if not callable(check):
            raise TypeError(f"Health check {name!r} must be callable, not {check!r}.")
        if isinstance(timeout, bool) or not (isinstance(timeout, int | float) and timeout > 0):
            raise ValueError(
                f"A health check's timeout must be positive seconds, not {timeout!r}."
            )
        self.checks[name] = _Check(name, check, is_async_callable(check), float(timeout))

    async def run(self) -> tuple[bool, dict[str, dict[str, str]]]:
        """Run every check at once; whether all passed, and each one's result."""
        results = await asyncio.gather(*(_run(check) for check in self.checks.values()))
        report = dict(zip(self.checks, results, strict=True))
        return all(result["status"] == "ok" for result in results), report

    async def health_view(self, req: Request, resp: Response) -> None:
        """200 with every check's result when all pass, else 503."""
        passed, report = await self.run()
        resp.status_code = 200 if passed else 503
        resp.headers.update(_NO_STORE)
        resp.media = {"status": "ok" if passed else "fail", "checks": report}

    async def ready_view(self, req: Request, resp: Response) -> None:
        """503 ``draining`` once shutdown has begun; otherwise what the health route says."""
        if self.draining:
            resp.status_code = 503
            resp.headers.update(_NO_STORE)
            resp.media = {"status": "draining", "checks": {}}
            return
        await self.health_view(req, resp)

    def routes(self) -> list[tuple[str, Callable[..., Any]]]:
        """The ``(path, view)`` pairs the API adds."""
        found: list[tuple[str, Callable[..., Any]]] = []
        if self.options.health_route is not None:
            found.append((self.options.health_route, self.health_view))
        if self.options.ready_route is not None:
            found.append((self.options.ready_route, self.ready_view))
        return found

    def start(self) -> None:
        """At startup: see the server's stop signals first, to turn readiness off at once.

        Only in the main thread (where signal handlers live), and only over a
        handler the server installed: ours marks the worker as draining, then
        hands the signal on, after ``shutdown_delay`` seconds for the first one,
        ending server-sent event streams and running ``on_drain`` (WebSockets
        close with 1001) as it does.
        """
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for signum in _SIGNALS:
            previous = signal.getsignal(signum)
            if callable(previous):
                self._previous[signum] = previous
                signal.signal(signum, self._signal_handler(previous, loop))

    def _signal_handler(
        self, previous: Callable[[int, FrameType | None], Any], loop: asyncio.AbstractEventLoop
    ) -> Callable[[int, FrameType | None], None]:
        delay = self.options.shutdown_delay

        def stop_now(signum: int, frame: FrameType | None) -> None:
            if self._stopping:  # a signal after the stop began: the server's own handling
                previous(signum, frame)
                return
            self._stopping = True
            # The drain first (WebSockets close with 1001, streams end), then the
            # server's stop: handed on at once, its own shutdown could close the
            # sockets (uvicorn with 1012) before the drain's close frames went out.
            loop.call_soon_threadsafe(self._drain_then_stop, previous, signum, frame)

        def on_signal(signum: int, frame: FrameType | None) -> None:
            first, self.draining = not self.draining, True
            if first and delay > 0:
                # Signal handlers may not touch the loop's timers: ask the loop to do it.
                loop.call_soon_threadsafe(loop.call_later, delay, stop_now, signum, frame)
            else:  # no delay, or a second signal: stop now
                stop_now(signum, frame)

        return on_signal

    def _drain_then_stop(
        self, previous: Callable[[int, FrameType | None], Any], signum: int, frame: Any
    ) -> None:
        """Drain (streams end, the ``on_drain`` callbacks start), then hand the signal on.

        The signal goes on once the callbacks are done, or have had ``DRAIN_HANDOFF``.
        """
        begin()
        draining = {asyncio.ensure_future(callback()) for callback in self.on_drain}
        self._tasks |= draining

        async def stop_after_drain() -> None:
            if draining:
                await asyncio.wait(draining, timeout=DRAIN_HANDOFF)
            previous(signum, frame)

        self._tasks.add(asyncio.ensure_future(stop_after_drain()))

    def stop(self) -> None:
        """At shutdown: answer 503 from now on, and give the signals back to the server."""
        self.draining = True
        previous, self._previous = self._previous, {}
        for signum, handler in previous.items():
            signal.signal(signum, handler)


async def _run(check: _Check) -> dict[str, str]:
    """One check's result: ``{"status": "ok"}`` or ``{"status": "fail", "error": ...}``."""
    try:
        call = check.func() if check.is_async else run_sync(check.func)
        passed = await asyncio.wait_for(call, check.timeout)
    except asyncio.TimeoutError:
        return {"status": "fail", "error": f"timed out after {check.timeout:g} seconds"}
    except Exception as exc:  # a failing check is a result, not a 500
        logger.warning("Health check %r failed", check.name, exc_info=exc)
        return {"status": "fail", "error": type(exc).__name__}
    if passed is False:
        return {"status": "fail", "error": "the check returned False"}
    return {"status": "ok"}


class HealthRegistration:
    """``api.add_health_check``: a mixin of ``API``, which sets ``health``."""

    health: Health

    def add_health_check(
        self, name: str, check: Callable[[], Any], *, timeout: float = DEFAULT_CHECK_TIMEOUT
    ) -> None:
        """Run ``check`` (sync or async, no arguments) on the health and readiness routes.

        It passes unless it returns ``False``, raises, or takes more than
        ``timeout`` seconds; a sync check runs in the thread pool (and, past
        its timeout, runs on there, as a thread cannot be stopped).

        Raises:
            ValueError: the name is taken or empty, or the timeout is not positive.
            TypeError: ``check`` is not callable.
        """
        self.health.add(name, check, timeout)
