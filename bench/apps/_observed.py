"""Responder with metrics, logging and tracing on, alone or together: what each costs.

Each variant is ``responder_app.build()`` with the observability settings
added, so the ratio to the ``responder`` column is the cost of observing.
Access lines go through the JSON formatter to a file (``os.devnull``), as a
server writing to a pipe would; spans go to an OpenTelemetry SDK
``TracerProvider`` with a ``BatchSpanProcessor`` and an exporter that drops
them (what a collector would be sent, minus the network). The ``-sampled``
variant records one trace in ten (``ParentBased(TraceIdRatioBased(0.1))``).
Access lines and spans are handed over at the end of each event-loop turn
(``log_batch=True``, ``otel.install(..., batch=True)``), as a loaded server
should run them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

import responder
from bench.apps.responder_app import build

ONLY = frozenset({"text", "json", "param", "notfound"})


def _log_to_devnull() -> None:
    """Responder's records to one JSON handler on ``os.devnull``, and nowhere else.

    The handler sits on the ``responder`` logger, which does not propagate: in
    the in-process mode every framework's app lives in one process, and
    Litestar's app adds a root handler writing to the console, which would
    otherwise format and print every access line a second time.
    """
    from responder.log import JSONFormatter

    logger = logging.getLogger("responder")
    if any(getattr(h, "_bench", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 - lives with the process
    handler.setFormatter(JSONFormatter())
    handler._bench = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _provider(sample: float | None = None) -> Any:
    """An SDK provider dropping its spans; ``sample``: record that share of traces (else all)."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        SpanExporter,
        SpanExportResult,
    )
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    class Drop(SpanExporter):
        def export(self, spans: Sequence[Any]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    sampler = ParentBased(TraceIdRatioBased(sample)) if sample is not None else None
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(BatchSpanProcessor(Drop()))
    return provider


def observed(
    *,
    metrics: bool = False,
    logging_on: bool = False,
    tracing: bool = False,
    sample: float | None = None,
) -> Any:
    """The scenario app with the chosen observers on (``sample``: the traced share)."""
    if logging_on:
        _log_to_devnull()
    options: dict[str, Any] = {}
    if metrics:
        options["metrics_route"] = "/metrics"
    if logging_on:
        options["enable_logging"] = True
        options["log_format"] = "json"
        options["log_batch"] = True  # what a loaded server should use (docs/observability.md)
    api: responder.API = build(**options)
    if tracing:
        from responder.ext import otel

        otel.install(api, tracer_provider=_provider(sample), batch=True)  # as a loaded server
    return api
