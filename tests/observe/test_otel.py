"""Tracing with OpenTelemetry: spans named by route pattern, traceparent honoured, jobs linked."""

from __future__ import annotations

import gc
import threading

import pytest

import responder

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import default_getter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from responder.ext import otel
from tests.e2e.server import until

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


@pytest.fixture(params=[False, True], ids=["inline", "batch"])
def traced(request):
    """An API traced into memory, its spans ended in each request or per loop turn."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    api = responder.API()
    done = threading.Event()

    @api.route("/items/{id:int}")
    async def item(req, resp, *, id):
        with trace.get_tracer("app", tracer_provider=provider).start_as_current_span("lookup"):
            resp.media = {"id": id}

    @api.route("/boom")
    def boom(req, resp):
        raise RuntimeError("bug")

    @api.background.task
    def chore():
        done.set()

    @api.route("/chore")
    def start_chore(req, resp):
        chore()

    @api.route("/ws", websocket=True)
    async def ws(ws):
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    otel.install(api, tracer_provider=provider, batch=request.param)
    api.chore_done = done
    return api, exporter


def _spans(exporter, name, count=1):
    """The spans named ``name``, once ``count`` are there.

    With ``batch=True`` a request's span reaches the exporter when the test
    client's loop ends its turn, just after the response: waited for, with
    a deadline.
    """

    def named():
        found = [s for s in exporter.get_finished_spans() if s.name == name]
        return found if len(found) >= count else None

    return until(named, 10, what=f"{count} span(s) named {name!r}")


def test_a_request_gets_a_server_span_named_by_its_route_pattern(traced):
    api, exporter = traced
    assert api.requests.get("/items/3").status_code == 200
    (span,) = _spans(exporter, "GET /items/{id:int}")
    assert span.kind == trace.SpanKind.SERVER
    assert span.attributes["http.route"] == "/items/{id:int}"
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["url.path"] == "/items/3"
    (child,) = _spans(exporter, "lookup")
    assert child.parent.span_id == span.context.span_id


def test_an_incoming_traceparent_makes_the_span_its_child(traced):
    api, exporter = traced
    header = f"00-{TRACE_ID}-{PARENT_ID}-01"
    api.requests.get("/items/3", headers={"traceparent": header})
    (span,) = _spans(exporter, "GET /items/{id:int}")
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert format(span.parent.span_id, "016x") == PARENT_ID


def test_a_malformed_traceparent_starts_a_new_trace(traced):
    api, exporter = traced
    assert api.requests.get("/items/3", headers={"traceparent": "00-zz-1-01"}).status_code == 200
    (span,) = _spans(exporter, "GET /items/{id:int}")
    assert span.parent is None


def test_unmatched_paths_are_named_by_method_alone_and_failures_marked(traced):
    api, exporter = traced
    api.requests.get("/nowhere/42")
    client = api.session(raise_server_exceptions=False)
    client.get("/boom")
    (missing,) = _spans(exporter, "GET")
    assert missing.attributes["http.response.status_code"] == 404
    assert "http.route" not in missing.attributes
    (failed,) = _spans(exporter, "GET /boom")
    assert failed.status.status_code == trace.StatusCode.ERROR


def test_a_websocket_connection_gets_a_span(traced):
    api, exporter = traced
    with api.requests.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "hi"
    (span,) = _spans(exporter, "WS /ws")
    assert span.attributes["url.scheme"] == "ws"


def test_a_background_job_gets_a_span_linked_to_the_request(traced):
    api, exporter = traced
    with api.session() as client:
        client.get("/chore")
        assert api.chore_done.wait(10)
    (request,) = _spans(exporter, "GET /chore")
    (job,) = [s for s in exporter.get_finished_spans() if s.name.startswith("job ")]
    assert job.name.endswith("chore")
    assert [link.context.span_id for link in job.links] == [request.context.span_id]
    assert job.context.trace_id != request.context.trace_id


def test_install_after_serving_is_refused(traced):
    api, _ = traced
    api.requests.get("/items/1")
    with pytest.raises(RuntimeError, match="before the app serves"):
        otel.install(api, tracer_provider=TracerProvider())


class _ParentHeader(TraceContextTextMapPropagator):
    """Reads the W3C parent from ``x-parent`` instead of ``traceparent``."""

    def extract(self, carrier, context=None, getter=default_getter):
        found = getter.get(carrier, "x-parent")
        if not found:
            return Context() if context is None else context
        return super().extract({"traceparent": found[0]}, context)

    @property
    def fields(self):
        return {"x-parent"}


def test_a_propagator_set_later_is_read_with_its_own_header_names(traced):
    # Headers are checked against the global propagator's field names before
    # extracting; replacing the propagator must change which names are looked for.
    api, exporter = traced
    header = f"00-{TRACE_ID}-{PARENT_ID}-01"
    api.requests.get("/items/3", headers={"x-parent": header})  # default propagator: ignored
    before = propagate.get_global_textmap()
    propagate.set_global_textmap(_ParentHeader())
    try:
        api.requests.get("/items/3", headers={"x-parent": header})
        api.requests.get("/items/3", headers={"traceparent": header})  # not read any more
    finally:
        propagate.set_global_textmap(before)
    ignored, child, unread = _spans(exporter, "GET /items/{id:int}", count=3)
    assert ignored.parent is None and unread.parent is None
    assert format(child.parent.span_id, "016x") == PARENT_ID


def _traced_api(**options) -> responder.API:
    api = responder.API()

    @api.route("/")
    def home(req, resp):
        resp.text = str(gc.get_freeze_count())

    otel.install(api, tracer_provider=TracerProvider(), **options)
    return api


def test_the_heap_is_frozen_once_the_app_has_started_and_thawed_at_shutdown():
    gc.unfreeze()
    with _traced_api().requests as client:
        frozen = int(client.get("/").text)
    assert frozen > 0  # what was alive at startup: out of the collector's sight
    assert gc.get_freeze_count() == 0


def test_freeze_heap_false_leaves_the_collector_alone():
    gc.unfreeze()
    with _traced_api(freeze_heap=False).requests as client:
        assert client.get("/").text == "0"
