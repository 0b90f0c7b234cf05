"""Rate limiting: at most ``requests`` per ``period`` seconds for each client.

::

    from responder.ext.ratelimit import RateLimiter

    RateLimiter(requests=100, period=60).install(api)

Every HTTP request that reaches the app counts, whatever answers it: views,
static files, mounted apps, 404s. A request over the limit is answered with
**429 Too Many Requests** (problem details, in the client's format) and a
``Retry-After`` header. Every counted response carries ``X-RateLimit-Limit``
and ``X-RateLimit-Remaining``.

The algorithm is GCRA, a token bucket kept as one number per client (see
:mod:`responder.ext.ratelimit.stores`): a client that has been quiet may send
``requests`` at once, exactly, and the next is refused; after that, one
request comes back every ``period / requests`` seconds. The long-run rate is
exactly ``requests / period``.

Stores hold the state: :class:`MemoryStore` (one process, the default) and
:class:`RedisStore` (shared by every worker and host that uses the same Redis).
When a store fails, the limiter *fails open* (requests go through unchecked)
unless told to fail closed (503), and logs it once a minute at most.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ...errors import HTTPError, HTTPTooManyRequests
from ...media import MediaRegistry
from ...request import Request
from ...types import ASGIApp, Message, Scope
from ._forwarded import HEADERS, TrustForwarded, forwarded_client, peer_address
from ._layer import Outage, RateLimitLayer, service_unavailable
from ._redis import RedisStore
from .stores import (
    Decision,
    MemoryStore,
    Store,
    StoreUnavailable,
    bounded_key,
    gcra,
)

if TYPE_CHECKING:
    from ...api import API

__all__ = [
    "Decision",
    "MemoryStore",
    "RateLimitLayer",
    "RateLimiter",
    "RedisStore",
    "Store",
    "StoreUnavailable",
    "bounded_key",
    "gcra",
]

KeyFunc = Callable[[Request], "str | Awaitable[str]"]


class RateLimiter:
    """Limits each client to ``requests`` per ``period`` seconds; see the module docs.

    Args:
        requests: requests allowed per period (and the largest burst).
        period: the period, in seconds.
        key: ``key(req) -> str`` (or an async function) naming the client's
            bucket, e.g. from an API key header. By default, the client's
            address. It runs before routing, so it sees the request line,
            headers, cookies and address, but not the body.
        store: where the state lives; a new :class:`MemoryStore` by default.
        trust_forwarded: read the client's address from headers a proxy sets:
            ``"forwarded"`` (RFC 7239 ``Forwarded: for=``), ``"x-forwarded-for"``,
            or ``True`` for ``Forwarded`` when present, else ``X-Forwarded-For``.
            Only behind proxies that set them: otherwise any client picks its bucket.
        proxies: how many proxies in front of the app append to that header; the
            client is the entry that many from the right.
        fail_open: when the store fails, let requests through unchecked (True)
            or refuse them with 503 (False).

    Raises:
        ValueError: a setting is out of range.
    """

    def __init__(
        self,
        requests: int = 100,
        period: float = 60,
        key: KeyFunc | None = None,
        store: Store | None = None,
        trust_forwarded: TrustForwarded = False,
        proxies: int = 1,
        fail_open: bool = True,
    ) -> None:
        if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
            raise ValueError(f"requests must be a positive integer, not {requests!r}.")
        if not period > 0:
            raise ValueError(f"period must be positive, not {period!r}.")
        if trust_forwarded not in HEADERS:
            raise ValueError(
                "trust_forwarded must be False, True, 'forwarded' or 'x-forwarded-for', "
                f"not {trust_forwarded!r}."
            )
        if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 1:
            raise ValueError(f"proxies must be a positive integer, not {proxies!r}.")
        self.requests = requests
        self.period = float(period)
        self.key = key
        self.store = store if store is not None else MemoryStore()
        self.trust_forwarded = trust_forwarded
        self.proxies = proxies
        self.fail_open = fail_open
        self.outage = Outage()
        self._headers = HEADERS[trust_forwarded]

    def install(self, api: API) -> RateLimiter:
        """Limit every HTTP request to ``api``, and open and close the store with it.

        The limiter is a layer around the whole app, added with
        ``api.add_middleware``: middleware added before it runs after it, and
        middleware added after it runs first.

        Returns:
            The limiter itself.

        Raises:
            RuntimeError: the app has already served a request.
        """
        media = api.media

        def layer(app: ASGIApp) -> ASGIApp:
            return RateLimitLayer(app, self, media)

        api.add_middleware(layer)
        api.on_event("startup")(self.store.open)
        api.on_event("shutdown")(self.store.aclose)
        return self

    def client_address(self, req: Request) -> str:
        """The client's address: forwarded headers first when trusted, else the peer."""
        return self.address(req.scope)

    def address(self, scope: Scope) -> str:
        """The client's address for an ASGI scope; ``"unknown"`` when nothing says."""
        if self._headers:
            found = forwarded_client(scope, self._headers, self.proxies)
            if found:
                return found
        return peer_address(scope)

    async def key_for(self, req: Request) -> str:
        """The bucket ``req`` counts against."""
        if self.key is None:
            return self.address(req.scope)
        key = self.key(req)
        if inspect.isawaitable(key):
            key = await key
        return str(key)

    async def key_for_scope(self, scope: Scope, media: MediaRegistry) -> str:
        """The bucket of a request given as its scope (a :class:`Request` only for ``key``)."""
        if self.key is None:
            return self.address(scope)
        return await self.key_for(Request(scope, _no_body, media))

    async def decide(self, key: str) -> Decision | None:
        """Count one request for ``key``; None when the store failed (and it was reported)."""
        try:
            decision = await self.store.hit(key, self.requests, self.period)
        except Exception as error:  # noqa: BLE001 - any store failure is failing open or closed
            self.outage.failed(error, self.fail_open)
            return None
        if self.outage.failures:
            self.outage.recovered()
        return decision

    async def check(self, req: Request) -> Decision | None:
        """Count ``req`` and decide; None when the store failed. Does not raise."""
        return await self.decide(await self.key_for(req))

    def too_many(self, decision: Decision) -> HTTPError:
        """The error a refused request is answered with (a 429 with ``Retry-After``)."""
        seconds = decision.retry_after_seconds
        return HTTPTooManyRequests(
            detail=f"Rate limit of {self.requests} requests per {self.period:g} seconds "
            f"exceeded; retry in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )

    def unavailable(self) -> HTTPError:
        """The error a request is answered with when the store failed and ``fail_open`` is off."""
        return service_unavailable(getattr(self.store, "cooldown", 1.0))


async def _no_body() -> Message:
    raise RuntimeError(
        "A rate limit key is computed before the request is routed, so it cannot read the body."
    )
