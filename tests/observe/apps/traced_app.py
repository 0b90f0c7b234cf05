"""An app traced into a file, served by real ``responder run`` processes in tests.

Spans go through a ``BatchSpanProcessor`` (which holds them up to five
seconds) to an exporter appending one line per span to ``$SPANS_FILE``:
``name pid``. ``OTEL_BATCH=1`` installs tracing with ``batch=True``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

import responder
from responder.ext import otel


class _ToFile(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with open(os.environ["SPANS_FILE"], "a") as out:
            out.writelines(f"{span.name} {os.getpid()}\n" for span in spans)
        return SpanExportResult.SUCCESS


api = responder.API()


@api.route("/items/{id:int}")
async def item(req, resp, *, id):
    resp.media = {"id": id}


provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(_ToFile()))
otel.install(api, tracer_provider=provider, batch=os.environ.get("OTEL_BATCH") == "1")
