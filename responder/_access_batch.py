"""Access lines of requests that end in the same turn of the event loop, written together.

``API(enable_logging=True, log_batch=True)``. An access line formatted
between the server's own work costs about twice what it costs when the lines
of a turn are formatted one after another (see :mod:`responder._turn_batch`):
over HTTP, under ``wrk -c50``, batching took the access log's cost from
about +41-46 to about +22-26 µs of server CPU per request (``bench/README.md``,
"Batched access lines").

An :class:`AccessBatch` keeps each finished request (the time it ended and
its fields) and writes the lines gathered at the end of the loop's current
turn, in one write, or at once when 64 wait. Lines keep their order and the
time their request ended. The price: a line is written up to one loop turn
after its response, so a test that reads the log right after a request may
not find it yet, and the lines of the current turn are lost if the process
is killed (``SIGKILL``); the ones still waiting at the app's shutdown or at a
normal exit are written.
"""

from __future__ import annotations

import logging
import time

from ._turn_batch import TurnBatch
from .log import AccessLog, Finished, RequestContext

__all__ = ["AccessBatch"]


class AccessBatch:
    """Gathers access lines and writes them at the end of the event loop's turn.

    Args:
        log: the access log the lines go to.
        limit: the most lines held before they are written.
    """

    def __init__(self, log: AccessLog, limit: int = 64) -> None:
        self.log = log
        self._lines: TurnBatch[Finished] = TurnBatch(log.write_many, limit)

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
        if self.log.logger.isEnabledFor(logging.INFO):
            self._lines.add((time.time(), context, route, status, size, seconds, client))

    def flush(self) -> None:
        """Write the lines gathered so far, in order."""
        self._lines.flush()
