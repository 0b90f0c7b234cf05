"""The peers with their own metrics or tracing on: what observing costs elsewhere.

Each is the peer's scenario app with the library its users reach for, set
up as its documentation says, spans going to the same dropping SDK provider
as Responder's variants (``bench.apps._observed``):

- ``starlette-tracing``: Starlette inside ``opentelemetry-instrumentation-asgi``'s
  ``OpenTelemetryMiddleware``;
- ``litestar-tracing``: Litestar's ``OpenTelemetryPlugin`` (the same middleware,
  with the route template as span name);
- ``litestar-metrics``: Litestar's ``PrometheusConfig`` middleware (prometheus-client)
  and its ``/metrics`` controller.

The middleware's ``send``/``receive`` spans are turned off
(``exclude_spans``): one server span per request, as Responder records.
Compare each column with its own framework's bare column.
"""

from __future__ import annotations

from typing import Any

from bench.apps._observed import _provider

#: The scenarios the observed variants run.
ONLY = frozenset({"text", "json", "param", "notfound"})
#: One server span per request, like Responder's (the middleware's default adds two per send).
EXCLUDE_SPANS = ["receive", "send"]


def starlette_traced() -> Any:
    """Starlette's app in the ASGI instrumentation's middleware."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    from bench.apps.starlette_app import app

    return OpenTelemetryMiddleware(app, tracer_provider=_provider(), exclude_spans=EXCLUDE_SPANS)


def litestar_traced() -> Any:
    """Litestar with its OpenTelemetry plugin."""
    from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

    from bench.apps.litestar_app import build

    config = OpenTelemetryConfig(tracer_provider=_provider(), exclude_spans=EXCLUDE_SPANS)
    return build(plugins=[OpenTelemetryPlugin(config)])


def litestar_metered() -> Any:
    """Litestar with its Prometheus middleware and ``/metrics``."""
    from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

    from bench.apps.litestar_app import build

    return build(middleware=[PrometheusConfig().middleware], route_handlers=[PrometheusController])
