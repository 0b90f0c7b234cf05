"""Work gathered during one turn of the event loop, done together at its end.

Under load, a server runs many requests to completion in each turn of its
event loop, one after another (46 on average under ``wrk -c50`` in
``bench/``). Work each of them leaves behind (an access line, a metrics
update) costs about twice as much done between the server's own work as done
in a row, once per turn: the code and data it touches stay in the CPU's
caches. A :class:`TurnBatch` gathers such items and hands them to its sink at
the end of the current turn (``loop.call_soon``), or at once when it holds
``limit`` of them, or when no loop runs; an ``atexit`` hook hands on what is
still waiting when the process exits normally. A sink that raises is logged
(the ``responder`` logger), never raised into the request that filled the
batch.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["TurnBatch"]

T = TypeVar("T")

_LOG = logging.getLogger("responder")
#: Every batch alive, for the exit hook.
_BATCHES: weakref.WeakSet[TurnBatch[Any]] = weakref.WeakSet()


class TurnBatch(Generic[T]):
    """Items handed to ``sink`` together, in order, at the end of the loop's turn.

    Args:
        sink: takes the items gathered (a non-empty list).
        limit: the most items held before they are handed on.
    """

    def __init__(self, sink: Callable[[list[T]], None], limit: int = 64) -> None:
        self.sink = sink
        self.limit = limit
        self._pending: list[T] = []
        #: The loop a flush is scheduled on, if any.
        self._scheduled: asyncio.AbstractEventLoop | None = None
        _BATCHES.add(self)

    def add(self, item: T) -> None:
        """Keep ``item`` for the end of this turn of the loop.

        A flush is scheduled on the loop running here, unless one already
        is: one scheduled on another loop (which may have stopped before
        running it: a test client's) does not count.
        """
        pending = self._pending
        pending.append(item)
        if len(pending) >= self.limit:
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop runs here: nothing to wait for
            self.flush()
            return
        if self._scheduled is not loop:
            self._scheduled = loop
            try:
                loop.call_soon(self.flush)
            except RuntimeError:  # the loop is closing
                self.flush()

    def flush(self) -> None:
        """Hand on the items gathered so far.

        No lock: code in another thread may add or flush too (an API served
        by loops in two threads, a scrape in the thread pool). ``append``,
        the copy and the ``del`` of its head are each atomic, so an item added
        meanwhile stays for the next flush; the flag is cleared first, so
        such an item schedules that flush.
        """
        self._scheduled = None
        pending = self._pending
        items = pending[:]
        del pending[: len(items)]
        if items:
            try:
                self.sink(items)
            except Exception:  # noqa: BLE001 - the request that filled the batch must not fail
                _LOG.exception("Handing on %d items gathered in a loop turn failed", len(items))


@atexit.register
def _flush_all() -> None:
    """At exit: hand on what is still waiting."""
    for batch in list(_BATCHES):
        batch.flush()
