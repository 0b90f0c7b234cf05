"""The fan-out the Starlette and Litestar stream apps share: a queue per subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Hub:
    """Delivers each published message to every current subscriber."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[str]] = set()

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[str]]:
        """A queue that receives every message published while the block runs."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    def publish(self, message: str) -> int:
        """Queue ``message`` for every subscriber; returns how many there were."""
        for queue in self._queues:
            queue.put_nowait(message)
        return len(self._queues)
