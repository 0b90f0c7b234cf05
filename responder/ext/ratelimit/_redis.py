"""The Redis store: one limit shared by every worker and host that uses the same Redis.

Redis is a dependency the app does not control: it may be down (connections
refused) or stalled (connections accepted, nothing answered). Every hit is
therefore bounded by a short ``timeout``, and after a failure the store does not
try again for ``cooldown`` seconds: meanwhile each hit fails at once, so a
stalled Redis costs one request ``timeout`` per cooldown rather than every
request. Failures are raised as :class:`StoreUnavailable`; the limiter decides
whether that lets requests through or refuses them.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import Any

from ..._redis_clients import LoopClients, require_redis
from .stores import Decision, Store, StoreUnavailable, bounded_key, slack_for

__all__ = ["RedisStore"]

#: Seconds one hit may take, connecting included, before Redis counts as unavailable.
DEFAULT_TIMEOUT = 0.25
#: Seconds after a failure during which Redis is not tried again.
DEFAULT_COOLDOWN = 1.0


class RedisStore(LoopClients, Store):
    """State in Redis: one limit shared by every process and host using the same server.

    Each hit is one atomic Lua script (``EVALSHA``, falling back to ``EVAL``
    when the server's script cache lost it), so concurrent requests can never
    both take the last slot. Keys are ``prefix + client key``, and each one
    expires when the client's allowance is full again, so Redis only holds
    clients seen within the last period.

    The time is the Redis server's own (``TIME``), so workers whose clocks
    disagree still agree on the limit. Pass ``clock`` only in tests.

    A connection pool is opened at the app's startup and closed at its
    shutdown (:meth:`RateLimiter.install` arranges both), one per event loop
    that started the app. A hit on a loop without one (the app's lifespan did
    not run) uses a connection of its own.

    Args:
        url: the Redis URL (``redis://``, ``rediss://`` or ``unix://``).
        prefix: put before every key.
        timeout: seconds a hit may take, connecting included; then
            :class:`StoreUnavailable` is raised. Also the default socket timeouts.
        cooldown: seconds after a failure during which hits raise
            :class:`StoreUnavailable` at once, without trying Redis.
        clock: seconds as a float, sent to the script instead of using ``TIME``.
        **options: passed to ``redis.asyncio.Redis.from_url``.

    Raises:
        ImportError: the ``redis`` package is not installed.
        ValueError: ``timeout`` is not positive or ``cooldown`` is negative.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "responder:ratelimit:",
        *,
        timeout: float = DEFAULT_TIMEOUT,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] | None = None,
        **options: Any,
    ) -> None:
        require_redis("RedisStore")
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, not {timeout!r}.")
        if not cooldown >= 0:
            raise ValueError(f"cooldown must be zero or more, not {cooldown!r}.")
        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        self.cooldown = cooldown
        self.clock = clock
        options.setdefault("socket_timeout", timeout)
        options.setdefault("socket_connect_timeout", timeout)
        self.options = options
        # One connection pool per event loop that ran the app's startup.
        self._clients: dict[asyncio.AbstractEventLoop, Any] = {}
        # time.monotonic() before which Redis is not tried again, after a failure.
        self._down_until = 0.0

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        """Count one request for ``key``; see :class:`Store`.

        Raises:
            StoreUnavailable: Redis failed or did not answer within ``timeout``
                seconds, now or less than ``cooldown`` seconds ago.
        """
        from redis.exceptions import RedisError

        if self._down_until and time.monotonic() < self._down_until:
            raise StoreUnavailable(f"Redis failed less than {self.cooldown:g} s ago")
        key = self.prefix + bounded_key(key, self.max_key_length)
        try:
            async with asyncio.timeout(self.timeout):
                client = self._clients.get(asyncio.get_running_loop())
                if client is not None:
                    return await self._hit(client, key, limit, period)
                async with self._connect() as client:
                    return await self._hit(client, key, limit, period)
        except (RedisError, OSError, TimeoutError) as exc:
            self._down_until = time.monotonic() + self.cooldown
            reason = f"no answer within {self.timeout:g} s" if _is_timeout(exc) else str(exc)
            raise StoreUnavailable(f"Redis at {self.url}: {reason or type(exc).__name__}") from exc

    async def _hit(self, client: Any, key: str, limit: int, period: float) -> Decision:
        from redis.exceptions import NoScriptError

        now = "" if self.clock is None else repr(float(self.clock()))
        slack = slack_for(period / limit)
        args = (key, limit, repr(float(period)), now, repr(slack))
        try:
            reply = await client.evalsha(_LUA_SHA, 1, *args)
        except NoScriptError:
            reply = await client.eval(_LUA, 1, *args)  # also puts it back in the cache
        allowed, remaining, retry_after = reply
        return Decision(bool(allowed), limit, int(remaining), float(retry_after))


def _is_timeout(exc: BaseException) -> bool:
    from redis.exceptions import TimeoutError as RedisTimeout

    return isinstance(exc, (TimeoutError, RedisTimeout))


# `gcra`, atomically, with the same arithmetic in the same order. KEYS[1]: the key, holding
# "<when> <debt>". ARGV: limit, period, now ("" for the server's TIME), slack. Returns
# {allowed, remaining, retry_after as a string} (a Lua number would be cut to an integer).
_LUA = """
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local interval = period / limit
local slack = tonumber(ARGV[4])
local debt = 0
local state = redis.call('GET', KEYS[1])
if state then
  local when, owed = string.match(state, '^(%S+) (%S+)$')
  debt = math.max(tonumber(owed) - (now - tonumber(when)), 0)
end
local ahead = debt + interval
if state and ahead > period + slack then
  return {0, 0, string.format('%.17g', ahead - period)}
end
local ttl = math.max(1, math.ceil(ahead * 1000))
redis.call('SET', KEYS[1], string.format('%.17g %.17g', now, ahead), 'PX', ttl)
local remaining = math.floor((period - ahead + slack) / interval)
remaining = math.max(0, math.min(remaining, limit - 1))
return {1, remaining, '0'}
"""
_LUA_SHA = hashlib.sha1(_LUA.encode(), usedforsecurity=False).hexdigest()
