"""One redis-py client (a connection pool) per event loop: shared by the Redis-backed stores.

A pool's connections belong to the loop that made them, and an app may be
started on several loops (a test client per test, say); so each store keeps
one pool per loop that ran the app's startup, and closes it at that loop's
shutdown. Nothing here imports redis until a pool is made.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["LoopClients", "require_redis"]


def require_redis(user: str) -> None:
    """Raise ImportError, saying what to install, when redis-py is missing (``user`` needs it)."""
    try:
        import redis.asyncio  # noqa: F401 - checked here, used when connecting
    except ImportError as exc:
        raise ImportError(
            f"{user} needs the 'redis' package: pip install 'responder[redis]'."
        ) from exc


class LoopClients:
    """A mixin: ``open`` / ``aclose`` a pool for the running loop, from ``url`` and ``options``.

    The class using it sets ``url``, ``options`` and ``_clients = {}``.
    """

    url: str
    options: dict[str, Any]
    _clients: dict[asyncio.AbstractEventLoop, Any]

    def _connect(self) -> Any:
        """A new client for ``url`` (its connections are made when first used)."""
        from redis.asyncio import Redis

        return Redis.from_url(self.url, **self.options)

    async def open(self) -> None:
        """Open a connection pool for the running event loop (once)."""
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            self._clients[loop] = self._connect()

    async def aclose(self) -> None:
        """Close the running event loop's connection pool."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
