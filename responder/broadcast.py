"""Fan-out: publish a message on a channel, and every subscriber hears it.

``api.broadcast`` is in-memory by default (one process); ``API(broadcast=
Broadcast("redis://..."))`` carries messages through Redis pub/sub, so every
worker and host using the same server hears them::

    await api.broadcast.publish("chat", {"from": "ann", "text": "hi"})

    async with api.broadcast.subscribe("chat") as events:
        async for event in events:
            ...  # event.channel, event.message

Messages are JSON values, encoded when published (in memory too, so that
both backends accept and deliver the same things, and a subscriber never
shares an object with the publisher). Each subscriber has a bounded queue:
when it falls ``max_queue`` messages behind, either its oldest message is
dropped (``on_overflow="drop_oldest"``, the default; ``events.dropped``
counts them) or it is cut off (``"disconnect"``: iterating raises
:class:`SubscriberTooSlow`), so one slow client never holds up the others or
grows memory without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ._subscriptions import (
    BroadcastError,
    Event,
    SubscriberTooSlow,
    Subscription,
    check_channel,
    check_queue,
    deliver,
    discard,
)

if TYPE_CHECKING:
    from ._broadcast_redis import RedisHub

__all__ = [
    "Broadcast",
    "BroadcastError",
    "Event",
    "SubscriberTooSlow",
    "Subscription",
    "as_broadcast",
]

DEFAULT_MAX_QUEUE = 100


class Broadcast:
    """Publish/subscribe by channel: in this process, or through Redis across processes.

    Args:
        url: a Redis URL (``redis://``, ``rediss://``, ``unix://``) to carry
            messages between processes with pub/sub; None keeps them in this
            process.
        max_queue: messages a subscriber may fall behind before ``on_overflow``.
        on_overflow: ``"drop_oldest"`` (the default) or ``"disconnect"``.
        prefix: put before every channel name in Redis.
        **options: passed to ``redis.asyncio.Redis.from_url``.

    Raises:
        ValueError: ``max_queue`` is not a positive whole number, or an
            unknown ``on_overflow``.
        ImportError: a URL was given and the ``redis`` package is not installed.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        max_queue: int = DEFAULT_MAX_QUEUE,
        on_overflow: str = "drop_oldest",
        prefix: str = "responder:broadcast:",
        **options: Any,
    ) -> None:
        self.max_queue, self.on_overflow = check_queue(max_queue, on_overflow)
        self.url = url
        self.prefix = prefix
        self.options = options
        # In memory: the subscriptions by channel. With Redis: one hub per event loop.
        self._local: dict[str, set[Subscription]] = {}
        self._hubs: dict[asyncio.AbstractEventLoop, RedisHub] = {}
        if url is not None:
            from ._broadcast_redis import check_installed

            check_installed()

    def _hub(self, url: str) -> RedisHub:
        """The running loop's connections to Redis (made on first use)."""
        from ._broadcast_redis import RedisHub

        loop = asyncio.get_running_loop()
        hub = self._hubs.get(loop)
        if hub is None or hub.closed:
            # Forget the hubs of loops that ended without a shutdown (a test client's, say).
            for ended in [other for other in self._hubs if other.is_closed()]:
                del self._hubs[ended]
            hub = self._hubs[loop] = RedisHub(url, self.prefix, self.options)
        return hub

    async def publish(self, channel: str, message: Any) -> None:
        """Send ``message`` (a JSON value) to every subscriber of ``channel``, everywhere.

        Raises:
            TypeError: ``message`` is not JSON-serializable.
            BroadcastError: Redis failed.
        """
        data = json.dumps(message, separators=(",", ":"))
        check_channel(channel)
        if self.url is None:
            deliver(self._local.get(channel, ()), channel, data)
        else:
            await self._hub(self.url).publish(channel, data)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, channel: str, *, max_queue: int | None = None, on_overflow: str | None = None
    ) -> AsyncIterator[Subscription]:
        """Listen to ``channel`` inside the ``async with``: every message published from then on.

        With Redis, the block starts once Redis has confirmed the subscription,
        so a message published after entering it is never missed.
        ``max_queue`` and ``on_overflow`` override the broadcast's own.
        """
        check_channel(channel)
        limit, policy = check_queue(
            self.max_queue if max_queue is None else max_queue,
            self.on_overflow if on_overflow is None else on_overflow,
        )
        subscription = Subscription(channel, limit, policy)
        if self.url is None:
            self._local.setdefault(channel, set()).add(subscription)
            try:
                yield subscription
            finally:
                discard(self._local, channel, subscription)
            return
        hub = self._hub(self.url)
        await hub.add(subscription)
        try:
            yield subscription
        finally:
            await hub.remove(subscription)

    def subscribers(self, channel: str) -> int:
        """How many subscriptions to ``channel`` this process holds (this loop's, with Redis)."""
        if self.url is None:
            return len(self._local.get(channel, ()))
        with contextlib.suppress(RuntimeError):
            hub = self._hubs.get(asyncio.get_running_loop())
            return 0 if hub is None else len(hub.channels.get(channel, ()))
        return sum(len(hub.channels.get(channel, ())) for hub in self._hubs.values())

    async def open(self) -> None:
        """Connect the running loop's publishing client, at the app's startup (Redis only)."""
        if self.url is not None:
            await self._hub(self.url).open()

    async def aclose(self) -> None:
        """Close the running loop's connections, at the app's shutdown; subscribers are ended."""
        if self.url is None:
            return
        hub = self._hubs.pop(asyncio.get_running_loop(), None)
        if hub is not None:
            await hub.aclose()


def as_broadcast(value: object) -> Broadcast:
    """``value`` if it is a :class:`Broadcast`, a new in-memory one for None; else TypeError."""
    if value is None:
        return Broadcast()
    if not isinstance(value, Broadcast):
        raise TypeError(f"broadcast= takes a Broadcast (Broadcast('redis://...')), not {value!r}.")
    return value
