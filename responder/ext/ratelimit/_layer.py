"""The limiter's ASGI layer: counts every HTTP request that reaches the app, whatever serves it.

Routes, static files, mounted apps and 404s alike pass through it, because it
wraps the whole app (it is added with ``api.add_middleware``), not only the
routed views as a before hook would. It answers a request over the limit
itself, with a 429 problem in the client's format, and puts
``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` on every response.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

from ...errors import HTTPError, HTTPServiceUnavailable
from ...layers import response_headers, set_header
from ...media import MediaRegistry
from ...problems import send_problem
from ...types import ASGIApp, Message, Receive, Scope, Send
from .stores import Decision

__all__ = ["REPORT_INTERVAL", "Limiter", "Outage", "RateLimitLayer"]

logger = logging.getLogger("responder.ratelimit")

#: Seconds between two log lines about a store that keeps failing.
REPORT_INTERVAL = 60.0

_LIMIT = b"x-ratelimit-limit"
_REMAINING = b"x-ratelimit-remaining"


class Outage:
    """Logs a failing store without flooding the log: one line, then one per interval.

    Args:
        interval: seconds between two reports while the store keeps failing.
        clock: seconds as a float (``time.monotonic``).
    """

    def __init__(
        self, interval: float = REPORT_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        #: Requests the store failed since it last answered.
        self.failures = 0
        self._unreported = 0
        self._next_report = -math.inf

    def failed(self, error: Exception, fail_open: bool) -> None:
        """Count one failure; log it if the last report is ``interval`` seconds old."""
        self.failures += 1
        self._unreported += 1
        now = self.clock()
        if now < self._next_report:
            return
        what = (
            "requests are let through unchecked (fail_open=True)"
            if fail_open
            else "requests are refused with 503 (fail_open=False)"
        )
        logger.warning(
            "Rate limit store failing (%s: %s): %s; %d request(s) since the last report.",
            type(error).__name__,
            error,
            what,
            self._unreported,
        )
        self._unreported = 0
        self._next_report = now + self.interval

    def recovered(self) -> None:
        """Log, once, that the store answers again."""
        logger.warning(
            "Rate limit store answers again, after %d failed request(s).", self.failures
        )
        self.failures = self._unreported = 0
        self._next_report = -math.inf


class Limiter(Protocol):
    """What the layer asks of its limiter (a :class:`responder.ext.ratelimit.RateLimiter`).

    A protocol, so that this module sits below the limiter that builds it.
    """

    fail_open: bool

    async def key_for_scope(self, scope: Scope, media: MediaRegistry) -> str:
        """The bucket this request counts against."""

    async def decide(self, key: str) -> Decision | None:
        """Count one request against ``key``; None when the store failed."""

    def too_many(self, decision: Decision) -> HTTPError:
        """The 429 of a request over its limit."""

    def unavailable(self) -> HTTPError:
        """The 503 of a request the failing store could not count."""


class RateLimitLayer:
    """Count each HTTP request against its client's limit; refuse it with 429 when over.

    WebSockets and lifespan events pass through untouched.

    Args:
        app: the app to wrap.
        limiter: decides, and says how to answer.
        media: the registry the 429 (or 503) problem is negotiated with.
    """

    def __init__(self, app: ASGIApp, limiter: Limiter, media: MediaRegistry) -> None:
        self.app = app
        self.limiter = limiter
        self.media = media

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Decide, then answer the request or pass it on with the limit's headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limiter = self.limiter
        try:
            key = await limiter.key_for_scope(scope, self.media)
        except Exception:
            # A bug in the key function: a 500 like any view's, then raised for the log.
            error = HTTPError(500, detail="The server failed to answer this request.")
            await send_problem(scope, send, self.media, error)
            raise
        decision = await limiter.decide(key)
        scope.setdefault("state", {})["ratelimit"] = decision
        if decision is None:  # the store failed
            if limiter.fail_open:
                await self.app(scope, receive, send)
            else:
                await send_problem(scope, send, self.media, limiter.unavailable())
            return
        sent = _with_limits(send, decision)
        if decision.allowed:
            await self.app(scope, receive, sent)
        else:
            await send_problem(scope, sent, self.media, limiter.too_many(decision))


def _with_limits(send: Send, decision: Decision) -> Send:
    """``send``, putting the decision's headers on the response's start."""
    limit = str(decision.limit).encode("latin-1")
    remaining = str(decision.remaining).encode("latin-1")

    async def send_with_limits(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = response_headers(message)
            set_header(headers, _LIMIT, limit)
            set_header(headers, _REMAINING, remaining)
        await send(message)

    return send_with_limits


def service_unavailable(retry_after: float) -> HTTPServiceUnavailable:
    """The 503 of a limiter that fails closed while its store cannot answer."""
    seconds = max(1, math.ceil(retry_after))
    return HTTPServiceUnavailable(
        detail="The rate limiter cannot reach its store, so no request is accepted; "
        f"retry in {seconds} seconds.",
        headers={"Retry-After": str(seconds)},
    )
