"""Access lines of requests that end in the same turn of the event loop, written together.

``API(enable_logging=True, log_batch=True)``. Under load, many requests end
in each turn of the event loop, one after another. Writing each one's access
line as it ends interleaves the logging code with the server's, and a line
then costs about twice what it costs when the lines are formatted one after
another: over HTTP, under ``wrk -c50``, batching took the access log's cost
from about +42 to about +23 µs of server CPU per request (see
``bench/README.md``).

So an :class:`AccessBatch` keeps each finished request (the time it ended
and its fields) and writes the lines gathered at the end of the loop's
current turn (``loop.call_soon``), or at once when it holds ``limit`` of
them. Lines keep their order and the time their request ended. The price: a
line is written up to one loop turn after its response, so a test that
reads the log right after a request may not find it yet, and the lines of
the current turn are lost if the process is killed (``SIGKILL``); the ones
still waiting at a normal exit are written by an ``atexit`` hook.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import time
import weakref

from .log import AccessLog, Finished, RequestContext

__all__ = ["AccessBatch"]

#: Every batch alive, for the exit hook.
_BATCHES: weakref.WeakSet[AccessBatch] = weakref.WeakSet()


class AccessBatch:
    """Gathers access lines and writes them at the end of the event loop's turn.

    Args:
        log: the access log the lines go to.
        limit: the most lines held before they are written.
    """

    def __init__(self, log: AccessLog, limit: int = 64) -> None:
        self.log = log
        self.limit = limit
        self._pending: list[Finished] = []
        self._scheduled = False
        _BATCHES.add(self)

    def write(
        self,
        context: RequestContext,
        route: str,
        status: int,
        size: int,
        seconds: float,
        client: tuple[str, int] | None,
    ) -> None:
        """Log one finished request, with the others that end in this turn of the loop."""
        if not self.log.logger.isEnabledFor(logging.INFO):
            return
        pending = self._pending
        pending.append((time.time(), context, route, status, size, seconds, client))
        if len(pending) >= self.limit:
            self.flush()
        elif not self._scheduled:
            self._scheduled = True
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no loop runs here: nothing to wait for
                self.flush()

    def flush(self) -> None:
        """Write the lines gathered so far, in order.

        No lock: an API served by loops in two threads shares the list, and
        ``append``, the copy and ``del`` of its head are each atomic, so a
        line added meanwhile stays for the next flush. The flag is cleared
        first, so such a line schedules that flush.
        """
        self._scheduled = False
        pending = self._pending
        finished = pending[:]
        del pending[: len(finished)]
        if finished:
            self.log.write_many(finished)


@atexit.register
def _flush_all() -> None:
    """At exit: write what is still waiting."""
    for batch in list(_BATCHES):
        batch.flush()
