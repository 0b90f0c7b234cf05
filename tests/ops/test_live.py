"""Operations behind a real uvicorn: work after the response, readiness when the server stops."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx

from tests.e2e.server import live_uvicorn, until


def test_the_client_has_the_whole_response_before_the_queued_work_runs():
    with live_uvicorn("tests.ops.live_app:api") as server:
        # The first task blocks until /release: had the server waited for it before
        # answering, this request would hang past its timeout instead of returning.
        r = httpx.get(server.url + "/work", timeout=10)
        assert r.status_code == 200
        assert r.json() == {"accepted": True, "items": list(range(50))}
        assert httpx.get(server.url + "/log", timeout=10).json() == []
        assert httpx.get(server.url + "/release", timeout=10).text == "released"
        done = until(lambda: len(got := httpx.get(server.url + "/log").json()) == 2 and got)
        assert done == ["released", "async task"]  # in order: the sync one, then the async


def test_readiness_turns_503_on_sigterm_while_the_worker_keeps_serving_and_drains():
    with live_uvicorn("tests.ops.live_app:ready_api", env={"SHUTDOWN_DELAY": "3"}) as server:
        url = server.url
        ready = httpx.get(url + "/ready", timeout=10)
        assert (ready.status_code, ready.json()) == (200, {"status": "ok", "checks": {}})
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(httpx.get, url + "/slow", timeout=30)
            until(lambda: httpx.get(url + "/in-flight", timeout=10).json())
            server.proc.send_signal(signal.SIGTERM)
            draining = until(
                lambda: (r := httpx.get(url + "/ready", timeout=10)).status_code == 503 and r
            )
            assert draining.json() == {"status": "draining", "checks": {}}
            assert draining.headers["cache-control"] == "no-store"
            # Not stopping yet: everything else is still answered while balancers drain it.
            assert httpx.get(url + "/hello", timeout=10).text == "still serving"
            answer = slow.result(timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"saw_draining": True})
        assert server.proc.wait(timeout=30) is not None  # then it stops by itself


def test_without_a_delay_the_request_in_flight_still_sees_readiness_off_and_completes():
    with live_uvicorn("tests.ops.live_app:ready_api") as server:
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(httpx.get, server.url + "/slow", timeout=30)
            until(lambda: httpx.get(server.url + "/in-flight", timeout=10).json())
            server.proc.send_signal(signal.SIGTERM)
            answer = slow.result(timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"saw_draining": True})
        assert server.proc.wait(timeout=30) is not None
