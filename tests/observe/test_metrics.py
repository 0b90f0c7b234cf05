"""Prometheus metrics: labels by route pattern, in-flight gauge, the scrape route."""

from __future__ import annotations

import pytest

import responder

pytest.importorskip("prometheus_client")


def _value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples ``name{labels...}`` in an exposition (0 when absent)."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


@pytest.fixture
def api() -> responder.API:
    api = responder.API(metrics_route="/metrics")

    @api.route("/items/{id:int}")
    async def item(req, resp, *, id):
        resp.media = {"id": id}

    @api.route("/gauge")
    async def gauge(req, resp):
        metrics = api.observability.metrics
        resp.text = metrics.exposition().decode()

    async def mounted(scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    api.mount("/legacy", mounted)
    return api


def test_requests_are_counted_by_route_pattern_not_raw_path(api):
    for n in (1, 2, 3):
        assert api.requests.get(f"/items/{n}").status_code == 200
    text = api.requests.get("/metrics").text
    labels = {"method": "GET", "route": "/items/{id:int}", "status": "200"}
    assert _value(text, "responder_requests_total", **labels) == 3
    assert _value(text, "responder_request_duration_seconds_count", **labels) == 3
    assert "/items/1" not in text


def test_unmatched_paths_share_one_label_and_mounts_use_their_prefix(api):
    api.requests.get("/nothing/here")
    api.requests.get("/and/another/one")
    api.requests.get("/legacy/some/page")
    text = api.requests.get("/metrics").text
    assert _value(text, "responder_requests_total", route="unmatched", status="404") == 2
    assert _value(text, "responder_requests_total", route="/legacy", status="204") == 1
    assert "/nothing/here" not in text


def test_websockets_and_mounted_websocket_apps_are_served_with_metrics_on(api):
    # Metrics count HTTP only: a WebSocket has no route label to be written (it was a 500).
    @api.route("/echo", websocket=True)
    async def echo(ws):
        await ws.accept()
        await ws.send_text(await ws.receive_text())
        await ws.close()

    async def mounted_socket(scope, receive, send):
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})

    api.mount("/sockets", mounted_socket)
    with api.requests as client:
        with client.websocket_connect("/echo") as ws:
            ws.send_text("hi")
            assert ws.receive_text() == "hi"
        with client.websocket_connect("/sockets/room"):
            pass
        text = client.get("/metrics").text
    assert 'route="/echo"' not in text and 'route="/sockets"' not in text


def test_a_failing_view_is_counted_as_500():
    api = responder.API(metrics_route="/metrics")

    @api.route("/boom")
    def boom(req, resp):
        raise RuntimeError("bug")

    client = api.session(raise_server_exceptions=False)
    assert client.get("/boom").status_code == 500
    text = client.get("/metrics").text
    assert _value(text, "responder_requests_total", route="/boom", status="500") == 1


def test_unknown_methods_are_one_label(api):
    api.requests.request("BREW", "/items/1")
    api.requests.request("FROBNICATE", "/items/1")
    text = api.requests.get("/metrics").text
    assert _value(text, "responder_requests_total", method="other", status="405") == 2
    assert "BREW" not in text


def test_the_in_flight_gauge_counts_the_request_being_answered(api):
    text = api.requests.get("/gauge").text
    assert _value(text, "responder_requests_in_progress", method="GET") == 1
    after = api.requests.get("/metrics").text
    # the scrape itself is the one in flight now
    assert _value(after, "responder_requests_in_progress", method="GET") == 1


def test_the_scrape_route_speaks_prometheus_text_and_is_not_in_openapi():
    api = responder.API(metrics_route="/metrics", openapi="3.0.2")
    response = api.requests.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert "/metrics" not in api.requests.get("/schema.yml").text


def test_two_apis_in_one_process_count_apart():
    first, second = responder.API(metrics_route="/m"), responder.API(metrics_route="/m")
    for each in (first, second):
        each.add_route("/x", lambda req, resp: setattr(resp, "text", "x"))
    first.requests.get("/x")
    assert _value(second.requests.get("/m").text, "responder_requests_total", route="/x") == 0
    assert _value(first.requests.get("/m").text, "responder_requests_total", route="/x") == 1


def test_a_bad_metrics_route_is_refused_when_the_api_is_made():
    with pytest.raises(ValueError, match="metrics_route"):
        responder.API(metrics_route="metrics")


def test_an_api_without_metrics_has_no_observing_layer_and_no_route():
    api = responder.API()
    api.add_route("/x", lambda req, resp: setattr(resp, "text", "x"))
    assert api.requests.get("/metrics").status_code == 404
    assert api.middleware_stack is api.app
    assert api.app.observed is False


def test_importing_responder_loads_no_observability_library():
    import subprocess
    import sys

    code = (
        "import sys, responder; api = responder.API(enable_logging=True); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('prometheus_client', 'opentelemetry')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_scrape_survives_another_worker_reaping_the_same_dead_one(tmp_path, monkeypatch):
    """Two workers scraping at once both reap a dead one: the second finds its file gone."""
    from responder import metrics

    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    dead = tmp_path / f"gauge_livesum_{_dead_pid()}.db"
    dead.write_bytes(b"")

    def reaped_meanwhile(pid, directory):
        dead.unlink()  # the other worker was first
        raise FileNotFoundError(dead)

    monkeypatch.setattr(metrics._multiprocess, "mark_process_dead", reaped_meanwhile)
    api = responder.API(metrics_route="/metrics")
    response = api.requests.get("/metrics")
    assert response.status_code == 200
    assert not dead.exists()


def test_a_scrape_reads_again_when_a_file_vanishes_while_read(tmp_path, monkeypatch):
    from prometheus_client.core import CounterMetricFamily

    from responder import metrics

    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    reads: list[int] = []

    def vanishing_once(self):
        reads.append(1)
        if len(reads) == 1:
            raise FileNotFoundError(tmp_path / "gauge_livesum_1.db")
        yield CounterMetricFamily("responder_requests", "HTTP requests answered.", value=7)

    monkeypatch.setattr(metrics._WrittenFiles, "collect", vanishing_once)
    api = responder.API(metrics_route="/metrics")
    response = api.requests.get("/metrics")
    assert response.status_code == 200
    assert _value(response.text, "responder_requests_total") == 7
    assert len(reads) == 2


def test_a_file_a_new_worker_has_only_just_created_does_not_break_a_scrape(tmp_path, monkeypatch):
    # prometheus-client creates a worker's file empty and sizes it a moment later;
    # read in between, its missing header made the scrape a 500.
    from responder import metrics

    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    (tmp_path / "counter_4242.db").write_bytes(b"")
    api = responder.API(metrics_route="/metrics")
    response = api.requests.get("/metrics")
    assert response.status_code == 200


def test_files_that_keep_changing_while_read_give_a_503_to_retry_not_a_500(tmp_path, monkeypatch):
    import struct

    from responder import metrics

    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))

    def always_cut_short(self):
        raise struct.error("unpack_from requires a buffer of at least 4 bytes")

    monkeypatch.setattr(metrics._WrittenFiles, "collect", always_cut_short)
    api = responder.API(metrics_route="/metrics")
    response = api.requests.get("/metrics")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
