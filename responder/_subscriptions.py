"""A subscriber's side of fan-out: its bounded queue of events, and the overflow policies.

Shared by both backends of :class:`responder.broadcast.Broadcast`.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

__all__ = [
    "OVERFLOW_POLICIES",
    "BroadcastError",
    "Event",
    "SubscriberTooSlow",
    "Subscription",
    "check_channel",
    "check_queue",
    "deliver",
]

OVERFLOW_POLICIES = ("drop_oldest", "disconnect")


class BroadcastError(Exception):
    """The broadcast backend failed: the subscription can hear nothing more."""


class SubscriberTooSlow(BroadcastError):
    """A subscriber with ``on_overflow="disconnect"`` fell ``max_queue`` messages behind."""


@dataclass(frozen=True)
class Event:
    """One message heard on a channel."""

    channel: str
    message: Any


class Subscription:
    """What ``subscribe`` yields: an async iterator of :class:`Event`, with its own bounded queue.

    Attributes:
        channel: the channel listened to.
        dropped: messages dropped because this subscriber fell behind.
    """

    def __init__(self, channel: str, max_queue: int, on_overflow: str) -> None:
        self.channel = channel
        self.max_queue = max_queue
        self.on_overflow = on_overflow
        self.dropped = 0
        self._queue: deque[Event] = deque()
        #: A future per task waiting for the queue to fill (PERF: bare futures, not
        #: an ``asyncio.Event``, whose wait makes one anyway and whose flag must be
        #: cleared per event: a third less per delivery). Usually one task waits.
        self._waiters: list[asyncio.Future[None]] = []
        self._error: BroadcastError | None = None
        #: The loop the subscriber waits on (made inside ``subscribe``, so one is running).
        self.loop = asyncio.get_running_loop()

    def deliver(self, event: Event) -> None:
        """Queue ``event`` (called by the backend); on overflow apply the policy."""
        if self._error is not None:
            return
        if len(self._queue) >= self.max_queue:
            if self.on_overflow == "disconnect":
                self.fail(
                    SubscriberTooSlow(f"{self.max_queue} messages behind on {self.channel!r}")
                )
                return
            self._queue.popleft()
            self.dropped += 1
        self._queue.append(event)
        self._wake()

    def fail(self, error: BroadcastError) -> None:
        """End the subscription: queued messages are dropped, iterating raises ``error``."""
        self._error = error
        self._queue.clear()
        self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    def __aiter__(self) -> Subscription:
        """The subscription is its own iterator."""
        return self

    async def __anext__(self) -> Event:
        """The next message; waits for one."""
        while not self._queue:
            if self._error is not None:
                raise self._error
            waiter = self.loop.create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                self._waiters.remove(waiter)
        return self._queue.popleft()


def deliver(subscriptions: Any, channel: str, data: str | bytes) -> None:
    """Give each subscription its own decoded copy of ``data`` (a scalar is shared).

    A subscriber waiting on another event loop (in memory, a publisher in
    another thread: a second test client, say) is handed the event through
    its own loop, since asyncio objects are not thread-safe.
    """
    loop = asyncio.get_running_loop()
    value = json.loads(data)
    # PERF: a string, number, bool or null cannot be changed by a subscriber, so
    # one event serves them all; only a list or an object is decoded for each.
    shared = None if isinstance(value, list | dict) else Event(channel, value)
    for subscription in list(subscriptions):
        event = shared if shared is not None else Event(channel, json.loads(data))
        if subscription.loop is loop:
            subscription.deliver(event)
        elif not subscription.loop.is_closed():
            subscription.loop.call_soon_threadsafe(subscription.deliver, event)


def discard(channels: dict[str, set[Subscription]], channel: str, sub: Subscription) -> None:
    """Remove ``sub`` from its channel's set, and the channel once nobody listens."""
    members = channels.get(channel)
    if members is not None:
        members.discard(sub)
        if not members:
            del channels[channel]


def check_channel(channel: str) -> None:
    if not isinstance(channel, str) or not channel:
        raise ValueError(f"A channel is a non-empty string, not {channel!r}.")


def check_queue(max_queue: int, on_overflow: str) -> tuple[int, str]:
    if isinstance(max_queue, bool) or not isinstance(max_queue, int) or max_queue <= 0:
        raise ValueError(f"max_queue must be a positive whole number, not {max_queue!r}.")
    if on_overflow not in OVERFLOW_POLICIES:
        raise ValueError(
            f"on_overflow must be 'drop_oldest' or 'disconnect', not {on_overflow!r}."
        )
    return max_queue, on_overflow
