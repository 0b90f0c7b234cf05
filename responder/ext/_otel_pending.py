"""Server spans handed to the OpenTelemetry SDK at the end of the event loop's turn.

``responder.ext.otel.install(api, ..., batch=True)``. Under load a server
runs many requests to completion in each turn of its event loop, and the
SDK's work for a span (the sampler, the span with its attributes checked,
its end, the processors) costs about half as much done for the turn's
requests in a row as done inside each request, between the server's own
work: over HTTP under ``wrk -c50``, tracing every request went from about
+73 to +42-50 µs of server CPU per request (``bench/README.md``).

So while a request is served, its current span is a :class:`PendingSpan`:
an OpenTelemetry ``Span`` that starts the SDK's span the first time anything
asks it for something (a child span reads its context, a view sets an
attribute, a log handler reads the trace ID), dated from the request's
arrival. When the request ends, :func:`finish_all` (run for the turn's
requests at its end, see :mod:`responder._turn_batch`) starts the spans
nobody needed, already named by their route and with all their attributes,
and ends every span at the time its request ended.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from time import time_ns
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.util import types

__all__ = ["Ended", "PendingSpan", "finish_all"]

#: Held while a pending span becomes the SDK's: code in a thread that outlives
#: its request (a job it started) may ask as the turn's batch starts it.
_STARTING = threading.RLock()
_LOG = logging.getLogger("responder.otel")


class PendingSpan(trace.Span):
    """A server span the SDK starts on first use, or when its turn's batch runs.

    Args:
        tracer: the SDK tracer.
        name: the name to start with if started early (the method).
        parent: the context the span is a child of.
        attributes: the attributes known at the start.
    """

    def __init__(
        self, tracer: trace.Tracer, name: str, parent: Context, attributes: dict[str, Any]
    ) -> None:
        self.tracer = tracer
        self.name = name
        self.parent = parent
        self.attributes = attributes
        self.start = time_ns()
        self.span: trace.Span | None = None

    def started(self, name: str | None = None) -> trace.Span:
        """The SDK's span; started now (as ``name``, dated from the arrival) if it was not."""
        span = self.span
        if span is not None:
            return span
        with _STARTING:
            if self.span is None:
                self.span = self.tracer.start_span(
                    name or self.name,
                    context=self.parent,
                    kind=SpanKind.SERVER,
                    attributes=self.attributes,
                    start_time=self.start,
                )
            return self.span

    def settled(self, name: str, attributes: Mapping[str, Any]) -> tuple[trace.Span, bool]:
        """At the request's end: the SDK's span, and whether it had been started before.

        Not started yet, it starts as ``name`` with ``attributes`` added.
        """
        with _STARTING:
            if self.span is not None:
                return self.span, True
            self.attributes.update(attributes)
            return self.started(name), False

    # The OpenTelemetry Span interface: each call starts the SDK's span and goes to it.

    def get_span_context(self) -> trace.SpanContext:
        """The span's context (its trace and span IDs)."""
        return self.started().get_span_context()

    def is_recording(self) -> bool:
        """Whether the sampler chose to record it."""
        return self.started().is_recording()

    def set_attribute(self, key: str, value: types.AnyValue) -> None:
        """Set one attribute."""
        self.started().set_attribute(key, value)

    def set_attributes(self, attributes: Mapping[str, types.AnyValue]) -> None:
        """Set attributes."""
        self.started().set_attributes(attributes)

    def add_event(
        self, name: str, attributes: types.Attributes = None, timestamp: int | None = None
    ) -> None:
        """Add an event."""
        self.started().add_event(name, attributes, timestamp)

    def add_link(self, context: trace.SpanContext, attributes: types.Attributes = None) -> None:
        """Link it to another span."""
        self.started().add_link(context, attributes)

    def update_name(self, name: str) -> None:
        """Rename it (the route's name still wins when the request ends)."""
        self.started().update_name(name)

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        """Set its status."""
        self.started().set_status(status, description)

    def record_exception(
        self,
        exception: BaseException,
        attributes: types.Attributes = None,
        timestamp: int | None = None,
        escaped: bool = False,
    ) -> None:
        """Record an exception on it."""
        self.started().record_exception(exception, attributes, timestamp, escaped)

    def end(self, end_time: int | None = None) -> None:
        """End it now (its request's end then finds it ended)."""
        self.started().end(end_time)


#: A request's span as it ended: the span, its final name, the attributes to
#: add, whether it failed, and when it ended (``time_ns``).
Ended = tuple[PendingSpan, str, dict[str, Any], bool, int]


def finish_all(ended: list[Ended]) -> None:
    """End the spans of the requests that ended in this turn, each at its own time.

    A span the SDK fails to start or end (a sampler or span processor that
    raises) is logged and skipped: the others of the turn still end.
    """
    for each in ended:
        try:
            _finish(*each)
        except Exception:  # noqa: BLE001 - the SDK's or a processor's: logged, the rest go on
            _LOG.exception("Ending the span of %r failed", each[1])


def _finish(
    pending: PendingSpan, name: str, attributes: dict[str, Any], error: bool, end: int
) -> None:
    """End one request's span: started now if nothing needed it earlier."""
    span, late = pending.settled(name, attributes)
    if not span.is_recording():  # not sampled, or ended by the view itself
        return
    if late:
        span.update_name(name)
        span.set_attributes(attributes)
    if error:
        span.set_status(Status(StatusCode.ERROR))
    span.end(end_time=end)
