"""Where a rate limiter keeps its per-client state, and the algorithm it runs there.

The algorithm is GCRA (the generic cell rate algorithm: a token bucket kept as
one number per client). Each client owes *debt*: how far ahead of now its
allowance is spent, in seconds. Debt pays itself off as time passes, and one
request adds ``interval = period / requests`` seconds of it::

    debt = max(debt - elapsed, 0) + interval
    allowed  when debt <= period              (then store the new debt)
    refused  otherwise; retry after debt - period seconds

A client whose debt is paid off is indistinguishable from a new one, so idle
clients can be forgotten without changing any answer: that is how both stores
keep their memory bounded. The debt is stored with the time it was computed
(not as an absolute time of full allowance), so the arithmetic stays on small
numbers: with the Unix time of a Redis server, adding thousands of intervals to
a ten-digit timestamp would drift by microseconds and blur the edge.

Keys longer than ``Store.max_key_length`` characters are stored as a digest of
fixed size (:func:`bounded_key`), so what a client sends cannot make one key
large.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "Decision",
    "MemoryStore",
    "Store",
    "StoreUnavailable",
    "bounded_key",
    "gcra",
]

#: Slack for floating-point error, in seconds (at most a thousandth of ``interval``): the
#: request that lands exactly on the edge of the allowance is allowed, whatever the
#: rounding, including that of a ten-digit Unix time (a quarter of a microsecond).
SLACK = 1e-6

#: Keys up to this many characters are stored as they are; longer ones as a digest.
MAX_KEY_LENGTH = 64


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
    slack = slack_for(interval)
    debt = 0.0 if state is None else max(state[1] - (now - state[0]), 0.0)
    ahead = debt + interval
    if state is not None and ahead > period + slack:  # (a new client is always allowed)
        return Decision(False, limit, 0, ahead - period), state
    remaining = math.floor((period - ahead + slack) / interval)
    return Decision(True, limit, min(max(remaining, 0), limit - 1), 0.0), (now, ahead)


def slack_for(interval: float) -> float:
    """The rounding slack at the edge of the allowance for one ``interval``."""
    return min(SLACK, interval / 1000)


def bounded_key(key: str, max_length: int = MAX_KEY_LENGTH) -> str:
    """``key`` itself when it has at most ``max_length`` characters, else a 33-character digest.

    The digest is ``"#"`` and 32 hex digits of BLAKE2b: a client that sends a
    64 KB header as its key costs a store 33 characters, not 64 KB.
    """
    if len(key) <= max_length:
        return key
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16)
    return "#" + digest.hexdigest()


class StoreUnavailable(Exception):
    """A store cannot answer now (connection refused, timed out, …); the limiter decides."""


class Store:
    """Where a limiter keeps its per-client state.

    Subclasses implement :meth:`hit`; :meth:`open` and :meth:`aclose` run at
    the app's startup and shutdown (they do nothing by default). A store that
    cannot answer raises (preferably :class:`StoreUnavailable`); the limiter
    then fails open or closed, as it is configured.

    Attributes:
        max_key_length: keys longer than this are kept as a digest (:func:`bounded_key`).
    """

    max_key_length: int = MAX_KEY_LENGTH

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

    Memory is bounded three ways. A client whose allowance is full again (at
    most ``period`` after its last request) is dropped on the next hit, which
    changes no answer; at most ``max_keys`` clients are kept, the least
    recently seen evicted first (an evicted client starts afresh); and each
    key is at most ``max_key_length`` characters (longer ones are kept as a
    digest), so one client costs a few hundred bytes whatever it sends.

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
        if isinstance(key, str):
            key = bounded_key(key, self.max_key_length)
        return key in self._states

    def stored_keys(self) -> list[str]:
        """The keys as stored (long ones as digests), least recently hit first."""
        with self._lock:
            return list(self._states)

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        """Count one request for ``key``; see :class:`Store`."""
        return self.hit_sync(key, limit, period)

    def hit_sync(self, key: str, limit: int, period: float) -> Decision:
        """The same as :meth:`hit`, callable without an event loop."""
        key = bounded_key(key, self.max_key_length)
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
