"""The curves that load real uvicorn servers: connections (wrk), WebSocket echo, SSE fan-out."""

from __future__ import annotations

import shutil

import pytest

from bench.curves import concurrency, streams


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_concurrency_curves_give_throughput_and_p50_p99_per_connection_count() -> None:
    settings = concurrency.ConcurrencySettings(connections=(1, 4), duration=1, warmup=0)

    throughput, latency = concurrency.run(["responder", "raw"], settings)

    assert throughput.problems == {} and latency.problems == {}
    for framework in ("responder", "raw"):
        assert throughput.series(framework, "")[0] == [1, 4]
        assert all(rps > 0 for rps in throughput.series(framework, "")[1])
        p50 = dict(zip(*latency.series(framework, "p50"), strict=True))
        p99 = dict(zip(*latency.series(framework, "p99"), strict=True))
        assert sorted(p50) == sorted(p99) == [1, 4]
        assert all(p50[x] <= p99[x] for x in p50)


def test_websocket_echo_curve_counts_echoed_messages_per_second() -> None:
    settings = streams.WebSocketSettings(connections=(1, 3), seconds=0.3)

    (curve,) = streams.run_websocket(["responder", "starlette", "falcon"], settings)

    assert curve.frameworks == ["responder", "starlette"]  # Falcon has no stream app
    assert curve.problems == {}
    for framework in curve.frameworks:
        xs, rates = curve.series(framework, "")
        assert xs == [1, 3]
        assert all(rate > 0 for rate in rates)


def test_sse_fanout_reaches_every_client_with_every_event() -> None:
    settings = streams.SSESettings(clients=(5,), singles=2, burst=3)

    latency, rate = streams.run_sse(["responder", "starlette"], settings)

    assert latency.problems == {} and rate.problems == {}
    for framework in ("responder", "starlette"):
        assert latency.get(framework, "", 5) > 0  # type: ignore[operator]
        assert rate.get(framework, "", 5) > 0  # type: ignore[operator]


def test_the_sse_client_fails_loudly_when_the_server_has_no_event_stream() -> None:
    # The raw app answers /events with a 404: the client must say so, not wait for "ready".
    with (
        streams.serve_app("bench.apps.raw_app:app") as port,
        pytest.raises(RuntimeError, match="/events answered"),
    ):
        streams.client("sse", port, 2, 1, 1, timeout=60)
