"""Rate limiting: at most ``requests`` per ``period`` seconds for each client.

::

    from responder.ext.ratelimit import RateLimiter

    RateLimiter(requests=100, period=60).install(api)

A request over the limit is answered with **429 Too Many Requests** (problem
details, in the client's format) and a ``Retry-After`` header. Every response,
errors included, carries ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``.

The algorithm is GCRA (the generic cell rate algorithm: a token bucket kept as
one number per client). Each client owes *debt*: how far ahead of now its
allowance is spent, in seconds. Debt pays itself off as time passes, and one
request adds ``interval = period / requests`` seconds of it::

    debt = max(debt - elapsed, 0) + interval
    allowed  when debt <= period              (then store the new debt)
    refused  otherwise; retry after debt - period seconds

So a client that has been quiet may send ``requests`` at once, exactly, and
the next is refused; after that, one request comes back every ``interval``
seconds, and all of them after ``period`` seconds of quiet. The long-run rate
is exactly ``requests / period``. A client whose debt is paid off is
indistinguishable from a new one, so idle clients can be forgotten without
changing any answer: that is how both stores keep their memory bounded.

The debt is stored with the time it was computed (not as an absolute time of
full allowance), so the arithmetic stays on small numbers: with the Unix time
of a Redis server, adding thousands of intervals to a ten-digit timestamp would
drift by microseconds and blur the edge.

Stores hold the state: :class:`MemoryStore` (one process, the default) and
:class:`RedisStore` (shared by every worker and host that uses the same Redis).
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import HTTPTooManyRequests

if TYPE_CHECKING:
    from ..api import API
    from ..request import Request
    from ..response import Response

__all__ = ["Decision", "MemoryStore", "RateLimiter", "RedisStore", "Store"]

#: Slack for floating-point error, in seconds (at most a thousandth of ``interval``): the
#: request that lands exactly on the edge of the allowance is allowed, whatever the
#: rounding, including that of a ten-digit Unix time (a quarter of a microsecond).
SLACK = 1e-6

KeyFunc = Callable[["Request"], "str | Awaitable[str]"]


@dataclass(frozen=True)
class Decision:
    """The answer of a store to one request.

    Attributes:
        allowed: whether the request is within the limit.
        limit: the number of requests allowed per period.
        remaining: how many more requests would be allowed right now.
        retry_after: seconds until a request would be allowed again (0 when allowed).
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after: float

    @property
    def retry_after_seconds(self) -> int:
        """``retry_after`` as whole seconds for the ``Retry-After`` header: rounded up, >= 1."""
        return max(1, math.ceil(self.retry_after - 1e-6))


State = tuple[float, float]  # (when, debt): the client's debt in seconds at that time


def gcra(state: State | None, now: float, limit: int, period: float) -> tuple[Decision, State]:
    """One step of GCRA: the decision for a request at ``now``, and the state to store.

    Args:
        state: the client's stored ``(when, debt)``, or None for a new client.
        now: the current time, in seconds, on the same clock as ``when``.
        limit: requests allowed per period.
        period: the period, in seconds.

    Returns:
        The decision, and the new state (``state`` itself when refused).
    """
    interval = period / limit
    slack = _slack(interval)
    debt = 0.0 if state is None else max(state[1] - (now - state[0]), 0.0)
    ahead = debt + interval
    if state is not None and ahead > period + slack:  # (a new client is always allowed)
        return Decision(False, limit, 0, ahead - period), state
    remaining = math.floor((period - ahead + slack) / interval)
    return Decision(True, limit, min(max(remaining, 0), limit - 1), 0.0), (now, ahead)


def _slack(interval: float) -> float:
    return min(SLACK, interval / 1000)


class Store:
    """Where a limiter keeps its per-client state.

    Subclasses implement :meth:`hit`; :meth:`open` and :meth:`aclose` run at
    the app's startup and shutdown (they do nothing by default).
    """

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        """Count one request for ``key`` against ``limit`` per ``period`` seconds.

        Raises:
            NotImplementedError: always; subclasses implement it.
        """
        raise NotImplementedError

    async def open(self) -> None:
        """Acquire resources (connections) when the app starts."""

    async def aclose(self) -> None:
        """Release resources when the app shuts down."""


class MemoryStore(Store):
    """State in this process's memory: a limit per worker process, not across them.

    Memory is bounded twice over. A client whose allowance is full again (at
    most ``period`` after its last request) is dropped on the next hit, which
    changes no answer; and at most ``max_keys`` clients are kept, the least
    recently seen evicted first (an evicted client starts afresh).

    All work happens under a lock, without awaiting, so the store is safe from
    any thread and any event loop.

    Args:
        max_keys: the most clients remembered at once.
        clock: seconds as a float; ``time.monotonic`` unless a test moves time.
    """

    def __init__(
        self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_keys < 1:
            raise ValueError(f"max_keys must be at least 1, not {max_keys!r}.")
        self.max_keys = max_keys
        self.clock = clock
        # key -> (when, debt), least recently hit first.
        self._states: OrderedDict[str, State] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, key: object) -> bool:
        return key in self._states

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        """Count one request for ``key``; see :class:`Store`."""
        return self.hit_sync(key, limit, period)

    def hit_sync(self, key: str, limit: int, period: float) -> Decision:
        """The same as :meth:`hit`, callable without an event loop."""
        states = self._states
        with self._lock:
            now = self.clock()
            decision, states[key] = gcra(states.get(key), now, limit, period)
            states.move_to_end(key)
            # Drop idle clients, least recent first, until one still owes. A client's
            # debt is at most `period` when it is stored, so once the oldest is live,
            # every client left was seen within the last period.
            while len(states) > 1:
                oldest = next(iter(states))
                when, debt = states[oldest]
                if when + debt > now:
                    break
                del states[oldest]
            while len(states) > self.max_keys:
                states.popitem(last=False)
        return decision


class RedisStore(Store):
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
        clock: seconds as a float, sent to the script instead of using ``TIME``.
        **options: passed to ``redis.asyncio.Redis.from_url``.

    Raises:
        ImportError: the ``redis`` package is not installed.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "responder:ratelimit:",
        *,
        clock: Callable[[], float] | None = None,
        **options: Any,
    ) -> None:
        try:
            import redis.asyncio  # noqa: F401 - checked here, used when connecting
        except ImportError as exc:
            raise ImportError(
                "RedisStore needs the 'redis' package: pip install 'redis>=5.0.1'."
            ) from exc
        self.url = url
        self.prefix = prefix
        self.clock = clock
        self.options = options
        # One connection pool per event loop that ran the app's startup.
        self._clients: dict[asyncio.AbstractEventLoop, Any] = {}

    def _connect(self) -> Any:
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

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        """Count one request for ``key``; see :class:`Store`."""
        client = self._clients.get(asyncio.get_running_loop())
        if client is not None:
            return await self._hit(client, key, limit, period)
        async with self._connect() as client:
            return await self._hit(client, key, limit, period)

    async def _hit(self, client: Any, key: str, limit: int, period: float) -> Decision:
        from redis.exceptions import NoScriptError

        now = "" if self.clock is None else repr(float(self.clock()))
        slack = _slack(period / limit)
        args = (self.prefix + key, limit, repr(float(period)), now, repr(slack))
        try:
            reply = await client.evalsha(_LUA_SHA, 1, *args)
        except NoScriptError:
            reply = await client.eval(_LUA, 1, *args)  # also puts it back in the cache
        allowed, remaining, retry_after = reply
        return Decision(bool(allowed), limit, int(remaining), float(retry_after))


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


class RateLimiter:
    """Limits each client to ``requests`` per ``period`` seconds; see the module docs.

    Args:
        requests: requests allowed per period (and the largest burst).
        period: the period, in seconds.
        key: ``key(req) -> str`` (or an async function) naming the client's
            bucket, e.g. from an API key header. By default, the client's address.
        store: where the state lives; a new :class:`MemoryStore` by default.
        trust_forwarded: take the client's address from ``X-Forwarded-For``
            (its first hop) or ``Forwarded: for=``. Only behind a proxy that sets
            those headers itself: otherwise any client can pick its own bucket.
    """

    def __init__(
        self,
        requests: int = 100,
        period: float = 60,
        key: KeyFunc | None = None,
        store: Store | None = None,
        trust_forwarded: bool = False,
    ) -> None:
        if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
            raise ValueError(f"requests must be a positive integer, not {requests!r}.")
        if not period > 0:
            raise ValueError(f"period must be positive, not {period!r}.")
        self.requests = requests
        self.period = float(period)
        self.key = key
        self.store = store if store is not None else MemoryStore()
        self.trust_forwarded = trust_forwarded

    def install(self, api: API) -> RateLimiter:
        """Limit every HTTP request to ``api``, and open and close the store with it.

        The limiter's before hook runs in registration order with the other
        global before hooks: install it first to count every request.

        Returns:
            The limiter itself.
        """
        api.before_request()(self.before_request)
        api.after_request()(self.after_request)
        api.on_event("startup")(self.store.open)
        api.on_event("shutdown")(self.store.aclose)
        return self

    def client_address(self, req: Request) -> str:
        """The client's address: forwarded headers first when trusted, else the peer.

        ``"unknown"`` when neither says.
        """
        if self.trust_forwarded:
            forwarded = _forwarded_client(req)
            if forwarded:
                return forwarded
        client = req.client
        return client.host if client is not None and client.host else "unknown"

    async def key_for(self, req: Request) -> str:
        """The bucket ``req`` counts against."""
        if self.key is None:
            return self.client_address(req)
        key = self.key(req)
        if inspect.isawaitable(key):
            key = await key
        return str(key)

    async def check(self, req: Request) -> Decision:
        """Count ``req`` and decide; does not raise."""
        return await self.store.hit(await self.key_for(req), self.requests, self.period)

    async def before_request(self, req: Request, resp: Response) -> None:
        """Count the request; keep the decision in ``req.state.ratelimit``.

        Raises:
            HTTPTooManyRequests: the client is over the limit.
        """
        decision = await self.check(req)
        req.state.ratelimit = decision
        if not decision.allowed:
            seconds = decision.retry_after_seconds
            raise HTTPTooManyRequests(
                detail=f"Rate limit of {self.requests} requests per {self.period:g} seconds "
                f"exceeded; retry in {seconds} seconds.",
                headers={"Retry-After": str(seconds)},
            )

    def after_request(self, req: Request, resp: Response) -> None:
        """Put ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining`` on the response."""
        decision: Decision | None = getattr(req.state, "ratelimit", None)
        if decision is None:  # a before hook answered before the limiter ran
            return
        resp.headers["X-RateLimit-Limit"] = str(decision.limit)
        resp.headers["X-RateLimit-Remaining"] = str(decision.remaining)


def _forwarded_client(req: Request) -> str:
    """The first hop of ``X-Forwarded-For``, else the first ``for=`` of ``Forwarded``."""
    headers = req.headers
    value = headers.get("x-forwarded-for")
    if value:
        return _host(value.split(",", 1)[0])
    value = headers.get("forwarded")
    if value:
        for pair in value.split(",", 1)[0].split(";"):
            name, _, found = pair.partition("=")
            if name.strip().lower() == "for":
                return _host(found)
    return ""


def _host(value: str) -> str:
    """A node from a forwarding header, without quotes, brackets or port."""
    host = value.strip().strip('"').strip()
    if host.startswith("["):  # [v6] or [v6]:port
        return host[1 : host.find("]")].lower() if "]" in host else host[1:].lower()
    if host.count(":") == 1:  # v4:port or name:port (a bare v6 address has several)
        host = host.partition(":")[0]
    return host.lower()
