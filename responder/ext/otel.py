"""OpenTelemetry tracing: ``responder.ext.otel.install(api, tracer_provider=...)``.

A server span per HTTP request, named by method and route pattern
(``GET /items/{id:int}``; ``GET`` alone for a path no route took), and one
per WebSocket connection (``WS /chat/{room}``). An incoming W3C
``traceparent`` (through the globally configured propagator, W3C trace
context by default) makes the span its child. Jobs started with
``api.background`` while a request is served get a span of their own,
linked to the request's (they outlive it).

The span is current while the view runs, so spans the view starts are its
children. It ends when the last body byte is sent. Requires the ``otel``
extra (``opentelemetry-api`` and ``-sdk``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from time import time_ns
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from .._turn_batch import TurnBatch
from ..layers.observe import UNMATCHED
from ._otel_pending import Ended, PendingSpan, finish_all

if TYPE_CHECKING:
    from ..api import API
    from ..types import Scope

__all__ = ["Tracing", "install"]

_SCHEME = {"http": "http", "websocket": "ws"}


class _HeaderGetter(Getter[list[tuple[bytes, bytes]]]):
    """Read propagation headers straight from the ASGI scope's raw headers."""

    def get(self, carrier: list[tuple[bytes, bytes]], key: str) -> list[str] | None:
        name = key.lower().encode("latin-1")
        found = [value.decode("latin-1") for header, value in carrier if header == name]
        return found or None

    def keys(self, carrier: list[tuple[bytes, bytes]]) -> list[str]:
        return [header.decode("latin-1") for header, _ in carrier]


_GETTER = _HeaderGetter()


class _Fields:
    """The header names the global propagator reads, as raw ASGI header names.

    Extracting costs about a microsecond even when no propagation header was
    sent (most requests at the edge): checking the raw headers against these
    names first skips it. The set is rebuilt when the global propagator is
    replaced (``propagate.set_global_textmap``).
    """

    def __init__(self) -> None:
        self.propagator: object = None
        self.names: frozenset[bytes] = frozenset()

    def sent(self, headers: list[tuple[bytes, bytes]]) -> bool:
        """Whether any of ``headers`` is one the propagator reads."""
        propagator = propagate.get_global_textmap()
        if propagator is not self.propagator:
            fields = propagator.fields
            self.names = frozenset(name.lower().encode("latin-1") for name in fields)
            self.propagator = propagator
        names = self.names
        return any(name in names for name, _ in headers)


_FIELDS = _Fields()


class Tracing:
    """Starts and ends the server spans of one API (the observing layer calls it).

    Args:
        tracer: the tracer spans come from.
        batch: hand each request's span to the SDK at the end of the event
            loop's turn (see :mod:`responder.ext._otel_pending`).
    """

    def __init__(self, tracer: trace.Tracer, batch: bool = False, provider: object = None) -> None:
        self.tracer = tracer
        self.provider = provider
        self._ended: TurnBatch[Ended] | None = TurnBatch(finish_all) if batch else None

    def start(self, scope: Scope) -> tuple[trace.Span, object, str]:
        """Start the request's span (child of an incoming ``traceparent``) and make it current."""
        headers = scope.get("headers", [])
        # Without a propagation header, extract would return an empty context.
        parent = propagate.extract(headers, getter=_GETTER) if _FIELDS.sent(headers) else _ROOT
        method = scope.get("method") or "WS"
        client = scope.get("client")
        attributes: dict[str, Any] = {
            "http.request.method": method,
            "url.path": scope["path"],
            "url.scheme": _SCHEME.get(scope["type"], scope["type"]),
        }
        if client:
            attributes["client.address"] = client[0]
        span: trace.Span
        if self._ended is not None:
            span = PendingSpan(self.tracer, method, parent, attributes)
        else:
            span = self.tracer.start_span(
                method, context=parent, kind=SpanKind.SERVER, attributes=attributes
            )
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        return span, token, method

    def finish(self, handle: tuple[trace.Span, object, str], route: str, status: int) -> None:
        """Name the span by its route, record the status, end it (or have the batch do it)."""
        span, _, method = handle
        if self._ended is None and not span.is_recording():  # not sampled: nothing to add
            return
        attributes: dict[str, Any] = {}
        name = method
        if route != UNMATCHED:
            name = f"{method} {route}"
            attributes["http.route"] = route
        if method != "WS":
            attributes["http.response.status_code"] = status
        if self._ended is not None:
            assert isinstance(span, PendingSpan)
            self._ended.add((span, name, attributes, status >= 500, time_ns()))
            return
        if route != UNMATCHED:
            span.update_name(name)
        if attributes:  # one call: the SDK takes the span's lock once, not per attribute
            span.set_attributes(attributes)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    def flush(self) -> None:
        """End the spans of requests that ended in this turn now (at shutdown)."""
        if self._ended is not None:
            self._ended.flush()

    def shutdown(self) -> None:
        """At the app's shutdown: end the last turn's spans, then export what waits.

        A ``BatchSpanProcessor`` holds up to five seconds of spans; the SDK
        exports them at interpreter exit, which a server stopped by a signal
        never reaches (uvicorn, and ``responder run``, end by raising the
        signal again, and so do uvicorn's workers). So the provider's
        ``force_flush`` is called here, for at most
        :data:`EXPORT_AT_SHUTDOWN_MS` (a provider without one is left alone).
        """
        self.flush()
        force_flush = getattr(self.provider, "force_flush", None)
        if callable(force_flush):
            force_flush(EXPORT_AT_SHUTDOWN_MS)

    def leave(self, handle: tuple[trace.Span, object, str]) -> None:
        """Restore the context from before :meth:`start`."""
        otel_context.detach(handle[1])  # type: ignore[arg-type]

    def job(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` traced: a span of its own, linked to the span current when it was started."""
        current = trace.get_current_span().get_span_context()
        links: list[Link] = [Link(current)] if current.is_valid else []
        name = f"job {getattr(func, '__qualname__', repr(func))}"
        tracer = self.tracer

        if _is_coroutine_function(func):

            @functools.wraps(func)
            async def traced_async(*args: Any, **kwargs: Any) -> Any:
                with tracer.start_as_current_span(name, context=_ROOT, links=links):
                    return await func(*args, **kwargs)

            return traced_async

        @functools.wraps(func)
        def traced(*args: Any, **kwargs: Any) -> Any:
            with tracer.start_as_current_span(name, context=_ROOT, links=links):
                return func(*args, **kwargs)

        return traced


#: How long the app's shutdown waits for the span processors to export what they hold.
EXPORT_AT_SHUTDOWN_MS = 5000

#: An empty context: a job's span starts a trace of its own (linked, not a child).
_ROOT = otel_context.Context()


def _is_coroutine_function(func: Any) -> bool:
    from .._concurrency import is_async_callable

    return is_async_callable(func)


def install(
    api: API,
    tracer_provider: trace.TracerProvider | None = None,
    *,
    freeze_heap: bool = True,
    batch: bool = False,
) -> Tracing:
    """Trace ``api``'s requests, WebSocket connections and background jobs.

    Args:
        api: the API; call before it serves its first request.
        tracer_provider: where spans go (the global provider when None).
        freeze_heap: once the app has started up, move everything alive
            then out of the garbage collector's sight (``gc.freeze()``), and
            back at shutdown: spans kept in the span processor's queue make
            full collections frequent, and each would otherwise scan the whole
            process. False leaves the collector alone.
        batch: hand each request's span to the SDK at the end of the event
            loop's turn, with the other requests that ended in it: cheaper
            under load, but a span reaches the span processors just after its
            response (see docs/observability.md).

    Returns:
        The :class:`Tracing` installed.

    Raises:
        RuntimeError: the API has already served.
    """
    provider = tracer_provider or trace.get_tracer_provider()
    tracing = Tracing(provider.get_tracer("responder"), batch=batch, provider=provider)
    api.observability.install_tracer(
        tracing, built=api._stack is not None, freeze_heap=freeze_heap
    )
    api.add_event_handler("shutdown", tracing.shutdown)
    queue = api.background
    start = queue.run

    def run_traced(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return start(tracing.job(func), *args, **kwargs)

    queue.run = run_traced  # type: ignore[method-assign]
    return tracing
