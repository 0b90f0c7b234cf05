"""The raw ASGI app with one OpenTelemetry SDK span per request: the SDK's own floor.

Each HTTP request starts one server span, with the attributes the HTTP
semantic conventions ask for at its start, and ends it after the response,
through the same dropping provider as ``responder-tracing``
(``bench.apps._observed``). Nothing else: no propagation, no context made
current, no route or status on the span. What this adds to ``raw`` is what
any framework that traces every request with the SDK pays at the least,
however lean its own code; compare it with the bare hello's whole cost.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind

from bench.apps._observed import _provider
from bench.apps.raw_app import app as raw

ONLY = frozenset({"text", "json"})

_TRACER = _provider().get_tracer("bench")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """``raw``, each HTTP request inside one SDK server span."""
    if scope["type"] != "http":
        await raw(scope, receive, send)
        return
    client = scope.get("client") or ("", 0)
    span = _TRACER.start_span(
        scope["method"],
        kind=SpanKind.SERVER,
        attributes={
            "http.request.method": scope["method"],
            "url.path": scope["path"],
            "url.scheme": scope["scheme"],
            "client.address": client[0],
        },
    )
    try:
        await raw(scope, receive, send)
    finally:
        span.end()
