"""The observing layer: metrics, the access log and traces, from one timing of each request.

Present only when the API asks for one of them (``metrics_route=``,
``enable_logging=True``, ``responder.ext.otel.install``). It is the outermost
layer, so it sees every answer, the other layers' refusals included. When
request IDs are on too (``enable_logging=True`` turns them on), it assigns
them itself, as :class:`~responder.layers.request_id.RequestIDLayer` would
just outside it: one ``send`` wrapper per request instead of two.

Per request it reads the clock twice, wraps ``send`` to see the status and
count the body's bytes, and reports once, when the last body message is sent
(so the work a view queued for after its response is not counted in the
duration), or when the app ends without answering (500). The route pattern
comes from the pipeline: the layer puts a one-item list in the scope under
:data:`ROUTE_SLOT`, and the pipeline writes the matched route's template
into it (it was compiled at registration: no string is built per request).

WebSocket connections are only traced (a span for the connection); metrics
and the access log count HTTP requests.
"""

from __future__ import annotations

import gc
from time import perf_counter
from typing import TYPE_CHECKING, Any, Protocol

from ..log import AccessLog, RequestContext, enter, leave
from ..types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from .._access_batch import AccessBatch

__all__ = ["ROUTE_SLOT", "UNMATCHED", "MetricsRecorder", "ObserveLayer", "Tracer"]

#: The scope key of the list whose one item is the matched route's pattern.
ROUTE_SLOT = "responder.route"
#: The route label of a request no route or mount took.
UNMATCHED = "unmatched"


class MetricsRecorder(Protocol):
    """What the layer needs of :class:`responder.metrics.Metrics`."""

    def started(self, method: str) -> Any:
        """Count a request in progress."""

    def finished(self, gauge: Any, method: str, route: str, status: int, seconds: float) -> None:
        """Record one answered request."""


class Tracer(Protocol):
    """What the layer needs of :class:`responder.ext.otel.Tracing`."""

    def start(self, scope: Scope) -> Any:
        """Start the connection's span and make it current; returns its handle."""

    def finish(self, handle: Any, route: str, status: int) -> None:
        """End the span with the route and status."""

    def leave(self, handle: Any) -> None:
        """Restore the context from before :meth:`start`."""


class _Exchange:
    """One request as observed: when it began, what was sent, whether it was reported."""

    __slots__ = (
        "context",
        "gauge",
        "layer",
        "method",
        "reported",
        "request_id",
        "scope",
        "send",
        "size",
        "slot",
        "span",
        "start",
        "status",
    )

    def __init__(
        self,
        layer: ObserveLayer,
        scope: Scope,
        context: RequestContext | None,
        send: Send,
        request_id: bytes | None,
    ) -> None:
        self.start = perf_counter()
        self.layer, self.scope, self.context, self.send = layer, scope, context, send
        self.method: str = scope["method"]
        self.request_id = request_id
        self.slot = [UNMATCHED]
        scope[ROUTE_SLOT] = self.slot
        self.status = 0
        self.size = 0
        self.reported = False
        self.span = layer.tracer.start(scope) if layer.tracer is not None else None
        metrics = layer.metrics
        self.gauge = metrics.started(self.method) if metrics is not None else None

    def report(self) -> None:
        """Tell the metrics, the access log and the tracer how the request went (once)."""
        self.reported = True
        seconds = perf_counter() - self.start
        status = self.status or 500  # the app ended without answering: a failure
        layer, route = self.layer, self.slot[0]
        if layer.metrics is not None:
            layer.metrics.finished(self.gauge, self.method, route, status, seconds)
        if layer.access_log is not None and self.context is not None:
            client = self.scope.get("client")
            layer.access_log.write(self.context, route, status, self.size, seconds, client)
        if layer.tracer is not None:
            layer.tracer.finish(self.span, route, status)

    async def observed(self, message: Message) -> None:
        """``send``, watched: the status, the body's size, and the report after the last byte."""
        kind = message["type"]
        if kind == "http.response.body":
            self.size += len(message.get("body", b""))
            if not message.get("more_body", False) and not self.reported:
                await self.send(message)
                self.report()
                return
        elif kind == "http.response.start":
            self.status = message["status"]
            if self.request_id is not None:
                self.layer.tag_response(message, self.request_id)
        await self.send(message)


class ObserveLayer:
    """Report each request to the metrics, the access log and the tracer that are configured.

    Args:
        app: the app to observe.
        metrics: the metrics, or None.
        access_log: the access log (or a batch of its lines), or None (with
            it, the request context is set for :func:`responder.log.get_logger`
            records).
        tracer: the tracer, or None.
        request_ids: also give each request and WebSocket handshake its ID,
            as :class:`~responder.layers.request_id.RequestIDLayer` does.
        freeze_heap: once the app has started (lifespan), collect and then
            freeze the heap (``gc.freeze()``); unfreeze at shutdown. See
            :func:`freezing`.
    """

    def __init__(
        self,
        app: ASGIApp,
        metrics: MetricsRecorder | None = None,
        access_log: AccessLog | AccessBatch | None = None,
        tracer: Tracer | None = None,
        request_ids: bool = False,
        freeze_heap: bool = False,
    ) -> None:
        self.app = app
        self.freeze_heap = freeze_heap
        self.metrics = metrics
        self.access_log = access_log
        self.tracer = tracer
        self.request_ids = request_ids
        # Loaded here, as ``responder.app`` imports this module for its constants.
        from .request_id import RequestIDLayer, assign_request_id, tag_response

        self.assign_request_id = assign_request_id
        self.tag_response = tag_response
        # WebSocket handshakes get their ID from the ordinary layer, around the rest.
        self._others: ASGIApp = RequestIDLayer(self._other) if request_ids else self._other

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Observe one HTTP request (or trace one WebSocket connection)."""
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self._others(scope, receive, send)

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket connection (traced when a tracer is set), the lifespan."""
        kind = scope["type"]
        if kind == "websocket" and self.tracer is not None:
            await self._websocket(scope, receive, send)
        elif kind == "lifespan" and self.freeze_heap:
            await self.app(scope, receive, freezing(send))
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = self.assign_request_id(scope) if self.request_ids else None
        context: RequestContext | None = None
        token = None
        if self.access_log is not None:  # the request's fields, for the access line and records
            state = scope.get("state")
            request_id = (state.get("request_id") if state else None) or "-"
            context = RequestContext(request_id, scope["method"], scope["path"])
            token = enter(context)
        exchange = _Exchange(self, scope, context, send, raw)
        try:
            await self.app(scope, receive, exchange.observed)
        finally:
            if not exchange.reported:
                exchange.report()
            if self.tracer is not None:
                self.tracer.leave(exchange.span)
            if token is not None:
                leave(token)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Trace the connection: one span from the handshake to the close."""
        assert self.tracer is not None
        slot = [UNMATCHED]
        scope[ROUTE_SLOT] = slot
        span = self.tracer.start(scope)
        status = 101
        try:
            await self.app(scope, receive, send)
        except BaseException:
            status = 500
            raise
        finally:
            self.tracer.finish(span, slot[0], status)
            self.tracer.leave(span)


def freezing(send: Send) -> Send:
    """The lifespan's ``send``, freezing the heap once started up and thawing it at shutdown.

    Spans wait in the span processor's queue for hundreds of requests, so
    they outlive the young generations, and the full collections they bring
    about scan every object the process holds: modules, routes, the app, all
    alive for good. Measured under load with tracing on, that was about 10
    µs of each request's CPU. ``gc.freeze()`` moves what is alive once the app
    has started (after a last full collection, so no garbage is kept) out of
    the collector's sight; full collections then scan only what came later.
    ``gc.unfreeze()`` at shutdown hands it back, for a process that goes on.
    """

    async def send_freezing(message: Message) -> None:
        kind = message["type"]
        if kind == "lifespan.startup.complete":
            gc.collect()
            gc.freeze()
        elif kind.startswith("lifespan.shutdown"):
            gc.unfreeze()
        await send(message)

    return send_freezing
