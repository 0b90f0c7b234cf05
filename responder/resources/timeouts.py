"""Request timeouts: a deadline around a route's handlers, decided when the route is added.

``API(request_timeout=30)`` and ``timeout=`` on a route give the handlers of
that route a deadline. Only timed routes are wrapped (at registration), so a
route without one pays nothing per request.

What the deadline covers: the route's own chain, that is its routers' before
hooks, ``on_request``, the request-model check, the responder, the response
checks and the resource's after hooks. Not covered: the API's global hooks,
rendering and sending the response, and a streamed body (``resp.stream``,
``resp.sse``, files), which is produced while it is sent and may rightly last
longer than any request.

At the deadline an async chain is cancelled where it awaits (its ``finally``
blocks run), and the client gets a 504 problem in its format. A sync view
cannot be interrupted: Python has no way to stop a thread. The 504 still goes
out at the deadline; the view runs on in its thread until it returns, and
whatever it then does to ``resp`` is discarded, as the pipeline answers with
a fresh response (see :class:`RequestTimeout`).
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Any

from ..errors import HTTPError
from .adapters import Handler

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["RequestTimeout", "check_timeout", "with_deadline"]


class RequestTimeout(HTTPError):
    """A route's handlers overran their deadline: 504 Gateway Timeout.

    The pipeline answers it on a fresh response, never on the one the view
    was given: a sync view may still be writing to that one in its thread.
    Register an ``exception_handler`` for it to answer otherwise.

    Attributes:
        seconds: the deadline that passed.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(
            504, detail=f"The server did not finish answering within {seconds:g} seconds."
        )
        self.seconds = seconds


def check_timeout(value: Any, name: str = "timeout") -> float | None:
    """``value`` as a deadline in seconds (None or False: no deadline), checked once.

    Raises:
        ValueError: not a positive, finite number of seconds.
    """
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds, None or False, not {value!r}.")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {value!r}.")
    return float(value)


def with_deadline(handlers: dict[str, Handler], seconds: float) -> dict[str, Handler]:
    """``handlers`` (by method), each wrapped to answer 504 after ``seconds``.

    A handler shared by several methods (GET and HEAD, a function view's
    methods) is wrapped once and stays shared.
    """
    wrapped: dict[int, Handler] = {}
    for handler in handlers.values():
        if id(handler) not in wrapped:
            wrapped[id(handler)] = _timed(handler, seconds)
    return {method: wrapped[id(handler)] for method, handler in handlers.items()}


def _timed(handler: Handler, seconds: float) -> Handler:
    """``handler`` run under a deadline; no fast path, as the deadline is work of its own."""

    async def run(req: Request, resp: Response, params: dict[str, Any]) -> None:
        # A timer that cancels this task, rather than asyncio.timeout (3.11+) or
        # wait_for (a task per request on 3.10): one call_later, one flag.
        task = asyncio.current_task()
        assert task is not None  # a request is always answered inside a task
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            task.cancel()

        timer = asyncio.get_running_loop().call_later(seconds, expire)
        try:
            await handler(req, resp, params)
        except asyncio.CancelledError:
            if not expired:
                raise  # the server cancelled the request (shutdown, a lost client)
            if hasattr(task, "uncancel"):  # 3.11+: the cancellation was ours, and is handled
                task.uncancel()
            raise RequestTimeout(seconds) from None
        finally:
            timer.cancel()

    return handler.around(run)
