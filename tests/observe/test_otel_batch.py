"""``otel.install(api, ..., batch=True)``: each request's span handed to the SDK at the end
of the event loop's turn, with the others that ended in it."""

from __future__ import annotations

import asyncio
import time

import pytest

import responder

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, Decision, Sampler, SamplingResult

from responder.ext import otel
from tests.layers.asgi import http_scope

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


class _Names(Sampler):
    """Records every span, and the name and attributes it was asked about."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, object]]] = []

    def should_sample(
        self, parent_context, trace_id, name, kind=None, attributes=None, links=None, state=None
    ):
        self.asked.append((name, dict(attributes or {})))
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)

    def get_description(self) -> str:
        return "names"


def _app(sampler: Sampler | None = None):
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler) if sampler else TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    api = responder.API()
    seen: dict[str, int] = {}

    @api.route("/items/{id:int}")
    async def item(req, resp, *, id):
        await asyncio.sleep(0)  # the requests interleave
        resp.media = {"id": id}

    @api.route("/lookup")
    async def lookup(req, resp):
        with trace.get_tracer("app", tracer_provider=provider).start_as_current_span("query"):
            seen["span_id"] = trace.get_current_span().get_span_context().span_id
        resp.text = "found"

    @api.route("/boom")
    async def boom(req, resp):
        raise RuntimeError("bug")

    tracing = otel.install(api, tracer_provider=provider, batch=True)
    return api, exporter, tracing, seen


async def _get(api, path: str, headers=None) -> int:
    status = 0

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    try:
        await api(http_scope(path=path, headers=headers), receive, send)
    except RuntimeError:  # a view's bug: answered 500, then raised to the server
        assert status == 500
    return status


def test_a_span_reaches_the_processors_when_the_turn_its_request_ended_in_ends():
    api, exporter, _, _ = _app()

    async def serve():
        status = await _get(api, "/boom")  # no view that waits: one turn
        waiting = [s.name for s in exporter.get_finished_spans()]
        await asyncio.sleep(0)  # the turn ends
        return status, waiting

    assert asyncio.run(serve()) == (500, [])
    assert [s.name for s in exporter.get_finished_spans()] == ["GET /boom"]


def test_interleaved_requests_each_get_their_span_named_and_timed():
    api, exporter, _, _ = _app()

    async def serve():
        began = time.time_ns()
        statuses = await asyncio.gather(*(_get(api, f"/items/{n}") for n in range(20)))
        ended = time.time_ns()
        await asyncio.sleep(0)
        return statuses, began, ended

    statuses, began, ended = asyncio.run(serve())
    assert statuses == [200] * 20
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["GET /items/{id:int}"] * 20
    assert sorted(span.attributes["url.path"] for span in spans) == sorted(
        f"/items/{n}" for n in range(20)
    )
    assert len({span.context.span_id for span in spans}) == 20
    for span in spans:
        assert span.kind == trace.SpanKind.SERVER
        assert span.attributes["http.route"] == "/items/{id:int}"
        assert span.attributes["http.response.status_code"] == 200
        assert began <= span.start_time < span.end_time <= ended


def test_a_span_needed_during_the_request_is_the_one_exported_and_parents_its_children():
    api, exporter, tracing, seen = _app()
    header = f"00-{TRACE_ID}-{PARENT_ID}-01".encode()

    async def serve():
        return await _get(api, "/lookup", [(b"host", b"x"), (b"traceparent", header)])

    assert asyncio.run(serve()) == 200
    tracing.flush()
    (query,) = [s for s in exporter.get_finished_spans() if s.name == "query"]
    (server,) = [s for s in exporter.get_finished_spans() if s.name == "GET /lookup"]
    assert query.parent.span_id == server.context.span_id
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert format(server.parent.span_id, "016x") == PARENT_ID
    assert server.attributes["http.route"] == "/lookup"
    assert server.attributes["http.response.status_code"] == 200
    assert seen["span_id"] == query.context.span_id


def test_the_sampler_sees_the_route_and_status_when_nothing_needed_the_span_earlier():
    sampler = _Names()
    api, exporter, _, _ = _app(sampler)

    async def serve():
        await _get(api, "/items/4")
        await _get(api, "/boom")
        await asyncio.sleep(0)

    asyncio.run(serve())
    names = [name for name, _ in sampler.asked]
    assert names == ["GET /items/{id:int}", "GET /boom"]
    assert sampler.asked[1][1]["http.response.status_code"] == 500
    (failed,) = [s for s in exporter.get_finished_spans() if s.name == "GET /boom"]
    assert failed.status.status_code == trace.StatusCode.ERROR


def test_unsampled_requests_export_nothing():
    api, exporter, tracing, _ = _app(ALWAYS_OFF)

    async def serve():
        return await asyncio.gather(*(_get(api, f"/items/{n}") for n in range(5)))

    assert asyncio.run(serve()) == [200] * 5
    tracing.flush()
    assert exporter.get_finished_spans() == ()


def test_the_test_client_still_gets_every_span():
    api, exporter, _, _ = _app()
    with api.session() as client:  # shutdown ends what the last turn left
        assert client.get("/items/9").status_code == 200
    assert [s.name for s in exporter.get_finished_spans()] == ["GET /items/{id:int}"]


class _Refusing(Sampler):
    """Raises for spans named after ``/boom``: a broken sampler."""

    def should_sample(
        self, parent_context, trace_id, name, kind=None, attributes=None, links=None, state=None
    ):
        if "boom" in name:
            raise ValueError("no")
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)

    def get_description(self) -> str:
        return "refusing"


def test_a_span_the_sdk_fails_to_end_is_logged_and_the_turns_others_still_end(caplog):
    api, exporter, _, _ = _app(_Refusing())

    async def serve():
        statuses = [await _get(api, "/boom"), await _get(api, "/items/1")]
        await asyncio.sleep(0)
        return statuses

    with caplog.at_level("ERROR", logger="responder.otel"):
        assert asyncio.run(serve()) == [500, 200]
    assert [s.name for s in exporter.get_finished_spans()] == ["GET /items/{id:int}"]
    assert "Ending the span of 'GET /boom' failed" in caplog.text


@pytest.mark.parametrize(("batch", "workers"), [("0", "1"), ("1", "2")])
def test_a_server_stopped_by_a_signal_exports_every_span_it_held(tmp_path, batch, workers):
    """SIGTERM to ``responder run``: the spans the processor still held are exported.

    The processor exports every five seconds; the thirty requests take far less,
    so their spans still wait there when the signal comes.
    """
    from tests.cli.harness import PYTHON_M, free_port, get, serving

    spans = tmp_path / "spans.txt"
    port = free_port()
    argv = [*PYTHON_M, "run", "tests.observe.apps.traced_app", "--port", str(port)]
    env = {"SPANS_FILE": str(spans), "OTEL_BATCH": batch}
    with serving([*argv, "--workers", workers], port, env=env) as server:
        for n in range(30):
            assert get(f"{server.url}/items/{n}")[0] == 200
    names = [line.split()[0:2] for line in spans.read_text().splitlines()]
    assert [name for name in names if name == ["GET", "/items/{id:int}"]] == [
        ["GET", "/items/{id:int}"]
    ] * 30
