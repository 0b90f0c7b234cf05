"""One process's request metrics as plain numbers: the same scrape as prometheus-client's own."""

from __future__ import annotations

import re
import threading

import pytest

import responder

pytest.importorskip("prometheus_client")

from prometheus_client import (
    CollectorRegistry,
    Counter,
    disable_created_metrics,
    enable_created_metrics,
    generate_latest,
)

from responder._metrics_tally import Tally
from responder.metrics import Metrics, _SharedRecorder

#: Durations on, just past and far past the bucket bounds, and zero.
DURATIONS = (0.0, 0.005, 0.0051, 0.1, 0.75, 2.5, 9.99, 10.0, 12.0)
CALLS = (
    ("GET", "/items/{id:int}", 200),
    ("GET", "/items/{id:int}", 404),
    ("POST", "unmatched", 405),
    ("BREW", "/items/{id:int}", 405),
    ("FROBNICATE", "/items/{id:int}", 405),
)


def _feed(recorder: Tally | _SharedRecorder) -> None:
    for method, route, status in CALLS:
        for seconds in DURATIONS:
            gauge = recorder.started(method)
            recorder.finished(gauge, method, route, status, seconds)
    recorder.started("GET")  # one still in flight


def _without_created_times(text: str) -> str:
    return re.sub(r"(_created\{.*?\"\}) \S+", r"\1 T", text)


def test_the_scrape_is_what_prometheus_clients_own_metrics_would_show():
    tallied = CollectorRegistry(auto_describe=True)
    tally = Tally()
    tallied.register(tally)
    shared = CollectorRegistry(auto_describe=True)
    _feed(tally)
    _feed(_SharedRecorder(shared))
    ours = generate_latest(tallied).decode()
    theirs = generate_latest(shared).decode()
    assert _without_created_times(ours) == _without_created_times(theirs)
    # Both unknown methods are one series, as prometheus-client keeps them.
    assert ours.count('responder_requests_total{method="other"') == 1
    assert 'responder_requests_in_progress{method="GET"} 1.0' in ours


def test_created_samples_follow_prometheus_clients_switch():
    registry = CollectorRegistry()
    tally = Tally()
    registry.register(tally)
    _feed(tally)
    disable_created_metrics()
    try:
        assert "_created" not in generate_latest(registry).decode()
    finally:
        enable_created_metrics()
    assert "responder_request_duration_seconds_created{" in generate_latest(registry).decode()


def test_requests_from_many_threads_are_all_counted():
    tally = Tally()
    per_thread, threads = 3000, 6

    def serve() -> None:
        for _ in range(per_thread):
            gauge = tally.started("GET")
            tally.finished(gauge, "GET", "/x", 200, 0.001)

    workers = [threading.Thread(target=serve) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    registry = CollectorRegistry()
    registry.register(tally)
    text = generate_latest(registry).decode()
    total = per_thread * threads
    assert f'responder_requests_total{{method="GET",route="/x",status="200"}} {total}.0' in text
    assert 'responder_requests_in_progress{method="GET"} 0.0' in text


def test_one_process_keeps_plain_numbers_and_several_workers_use_the_files(tmp_path, monkeypatch):
    from responder import metrics

    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)
    assert isinstance(Metrics().recorder, Tally)
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    assert isinstance(Metrics().recorder, _SharedRecorder)


def test_metrics_of_your_own_in_the_apis_registry_are_scraped_too():
    api = responder.API(metrics_route="/metrics")
    orders = Counter("shop_orders", "Orders placed.", registry=api.observability.metrics.registry)

    @api.route("/order")
    async def order(req, resp):
        orders.inc()
        resp.text = "ok"

    api.requests.post("/order")
    text = api.requests.get("/metrics").text
    assert "shop_orders_total 1.0" in text
    assert 'responder_requests_total{method="POST",route="/order",status="200"} 1.0' in text
