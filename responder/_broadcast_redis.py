"""Broadcast through Redis pub/sub: one publishing client and one listening connection per loop.

A process holds one pub/sub connection per event loop, whatever the number
of local subscribers: a channel is subscribed in Redis when its first local
subscriber arrives and unsubscribed when its last one leaves, and one reader
task hands each message to the local subscribers of its channel. The
connection is opened by the first subscriber and closed by the last, so an
idle process holds none. If Redis goes away, every local subscription ends
with :class:`BroadcastError` (the next ``subscribe`` connects again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from ._redis_clients import require_redis
from ._subscriptions import BroadcastError, Subscription, deliver

__all__ = ["RedisHub", "check_installed"]

logger = logging.getLogger("responder")

#: Seconds to wait for Redis to confirm a SUBSCRIBE, or to answer a PUBLISH.
TIMEOUT = 5.0


def check_installed() -> None:
    """Raise ImportError, saying what to install, when redis-py is missing."""
    require_redis("Broadcast(url)")


class RedisHub:
    """One event loop's link to Redis: the publishing client and the shared pub/sub reader.

    Attributes:
        channels: the local subscriptions by channel (names without the prefix).
        closed: the hub failed or was closed; a new one replaces it.
    """

    def __init__(self, url: str, prefix: str, options: dict[str, Any]) -> None:
        self.url, self.prefix, self.options = url, prefix, options
        self.channels: dict[str, set[Subscription]] = {}
        self.closed = False
        self._client: Any = None
        self._listener: Any = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._confirmed: dict[str, asyncio.Future[None]] = {}
        self._lock = asyncio.Lock()

    def _connect(self) -> Any:
        from redis.asyncio import Redis

        return Redis.from_url(self.url, **self.options)

    async def open(self) -> None:
        """Make the publishing client (a pool: connections are made when used)."""
        if self._client is None:
            self._client = self._connect()

    async def publish(self, channel: str, data: str) -> None:
        """``PUBLISH prefix+channel data``, on the pool :meth:`open` made, else on a connection.

        A loop that did not run the app's startup (a test client used
        without ``with``) so leaves no connection open behind it.
        """
        from redis.exceptions import RedisError

        name = self.prefix + channel
        try:
            if self._client is not None:
                await asyncio.wait_for(self._client.publish(name, data), TIMEOUT)
            else:
                async with self._connect() as client:
                    await asyncio.wait_for(client.publish(name, data), TIMEOUT)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            raise BroadcastError(f"Redis at {self.url}: {exc or type(exc).__name__}") from exc

    async def add(self, subscription: Subscription) -> None:
        """Add a local subscriber; subscribe its channel in Redis first if it is new here."""
        from redis.exceptions import RedisError

        channel = subscription.channel
        async with self._lock:
            members = self.channels.get(channel)
            if members is not None:
                members.add(subscription)
                return
            try:
                await self._subscribe(channel)
            except (RedisError, OSError, asyncio.TimeoutError) as exc:
                self._confirmed.pop(channel, None)
                raise BroadcastError(f"Redis at {self.url}: {exc or type(exc).__name__}") from exc
            self.channels[channel] = {subscription}

    async def _subscribe(self, channel: str) -> None:
        """SUBSCRIBE, and wait until the reader sees Redis confirm it."""
        if self._pubsub is None:
            self._listener = self._connect()
            self._pubsub = self._listener.pubsub()
        confirmed = self._confirmed[channel] = asyncio.get_running_loop().create_future()
        await asyncio.wait_for(self._pubsub.subscribe(self.prefix + channel), TIMEOUT)
        if self._reader is None:
            self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(asyncio.shield(confirmed), TIMEOUT)

    async def remove(self, subscription: Subscription) -> None:
        """Remove a local subscriber; unsubscribe its channel when it was the last one here."""
        channel = subscription.channel
        async with self._lock:
            members = self.channels.get(channel)
            if members is None:
                return
            members.discard(subscription)
            if members:
                return
            del self.channels[channel]
            if not self.channels:  # the last one here: hold no connection while idle
                await self._close_pubsub()
                return
            if self.closed:
                return
            with contextlib.suppress(Exception):  # the reader reports a dead connection
                await asyncio.wait_for(self._pubsub.unsubscribe(self.prefix + channel), TIMEOUT)

    async def _read(self) -> None:
        """Hand each message to the local subscribers of its channel, until the connection ends."""
        pubsub = self._pubsub
        try:
            while True:
                message = await pubsub.get_message(timeout=None)
                if message is not None:
                    self._dispatch(message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure ends every local subscription
            logger.warning("Broadcast lost its Redis connection (%s): %s", self.url, exc)
            self._fail(BroadcastError(f"Redis at {self.url}: {exc or type(exc).__name__}"))

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        name = message.get("channel")
        channel = (name.decode() if isinstance(name, bytes) else str(name))[len(self.prefix) :]
        if kind == "message":
            deliver(self.channels.get(channel, ()), channel, message["data"])
        elif kind == "subscribe":
            confirmed = self._confirmed.pop(channel, None)
            if confirmed is not None and not confirmed.done():
                confirmed.set_result(None)

    def _fail(self, error: BroadcastError) -> None:
        self.closed = True
        for members in self.channels.values():
            for subscription in members:
                subscription.fail(error)
        for confirmed in self._confirmed.values():
            if not confirmed.done():
                confirmed.set_exception(error)
        self._confirmed.clear()

    async def _close_pubsub(self) -> None:
        reader, pubsub, listener = self._reader, self._pubsub, self._listener
        self._reader = self._pubsub = self._listener = None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        if pubsub is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                await pubsub.aclose()
                await listener.aclose()

    async def aclose(self) -> None:
        """End every local subscription and close both connections."""
        self._fail(BroadcastError("The broadcast was closed (the app is shutting down)."))
        await self._close_pubsub()
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
