"""Metrics and logging under a real ``responder run``: one scrape counts every worker."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.cli.harness import PYTHON_M, free_port, get, serving
from tests.e2e.server import until
from tests.observe.test_metrics import _value

pytest.importorskip("prometheus_client")

APP = "tests.observe.apps.observed_app"


def _run(*options: str) -> tuple[list[str], int]:
    port = free_port()
    return [*PYTHON_M, "run", APP, "--port", str(port), *options], port


def _pids_answering(url: str, want: int) -> tuple[set[int], int]:
    """GET /pid (new connections) until ``want`` workers answered; the pids and the count."""
    pids: set[int] = set()
    count = 0
    deadline = time.monotonic() + 30
    while len(pids) < want and time.monotonic() < deadline:
        status, body = get(url + "/pid")
        assert status == 200
        pids.add(int(body))
        count += 1
    return pids, count


def _scraped_pid_count(url: str) -> float:
    """``/pid`` requests counted by one scrape (a worker counts a request just after its
    last byte is sent, so the client may ask before the other worker has counted it)."""
    status, text = get(url + "/metrics")
    assert status == 200
    return _value(text, "responder_requests_total", route="/pid")


def _held(url: str) -> None:
    """GET a request whose worker is killed: the connection breaks, as expected."""
    with contextlib.suppress(OSError):
        get(url)


def test_one_scrape_counts_the_requests_of_every_worker(tmp_path):
    argv, port = _run("--workers", "2")
    with serving(argv, port, env={"TMPDIR": str(tmp_path)}) as server:
        pids, count = _pids_answering(server.url, want=2)
        assert len(pids) == 2, server.output()
        for _ in range(3):  # scrapes land on either worker: each must see the sum
            until(lambda: _scraped_pid_count(server.url) == count, 10, what=f"{count} counted")
        made = list(tmp_path.glob("responder-metrics-*"))
        assert len(made) == 1 and any(made[0].iterdir())
    assert not list(tmp_path.glob("responder-metrics-*")), "the metrics directory is removed"


def test_a_worker_killed_mid_request_is_not_counted_in_flight_forever(tmp_path):
    pid_file = tmp_path / "hold.pid"
    argv, port = _run("--workers", "2")
    env = {"TMPDIR": str(tmp_path), "HOLD_PID_FILE": str(pid_file)}
    with serving(argv, port, env=env) as server:
        holder = threading.Thread(target=_held, args=(server.url + "/hold",), daemon=True)
        holder.start()
        victim = int(until(lambda: pid_file.exists() and pid_file.read_text(), 20, what="hold"))
        _, text = get(server.url + "/metrics")
        # the held request and the scrape itself
        assert _value(text, "responder_requests_in_progress") == 2
        os.kill(victim, signal.SIGKILL)
        holder.join(10)

        def only_the_scrape():  # the kill takes effect soon, not at once
            try:  # a scrape may land on the dying worker's connection, or while it restarts
                text = get(server.url + "/metrics")[1]
            except OSError:
                return False
            return _value(text, "responder_requests_in_progress") == 1

        # A deadline, not a timing: a loaded machine may take long to restart the worker.
        until(only_the_scrape, timeout=60, what="the dead worker's gauge dropped")


def test_access_lines_replace_uvicorns_and_are_json(tmp_path):
    argv, port = _run()
    with serving(argv, port) as server:
        assert get(server.url + "/items/5")[0] == 200
        assert get(server.url + "/pid")[0] == 200

        def access_lines():
            lines = [json.loads(x) for x in server.output().splitlines() if x.startswith("{")]
            found = [x for x in lines if x["logger"] == "responder.access"]
            return found if len(found) >= 2 else None

        access = until(access_lines, 20, what="two access lines")
        output = server.output()
    item = next(x for x in access if x["path"] == "/items/5")
    assert (item["route"], item["status"], item["method"]) == ("/items/{id:int}", 200, "GET")
    assert item["bytes"] == len(b'{"id":5}') and item["request_id"]
    assert item["client"].startswith("127.0.0.1:")
    assert '"GET /items/5 HTTP/1.1" 200' not in output  # uvicorn's own access line is off
    views = [json.loads(x) for x in output.splitlines() if '"serving pid"' in x]
    assert views and views[0]["path"] == "/pid" and views[0]["request_id"]
    for line in output.splitlines():  # every line the server wrote is one JSON object
        if line.strip():
            json.loads(line)


def test_an_operators_multiprocess_directory_is_used_and_kept(tmp_path):
    mine = tmp_path / "prom"
    mine.mkdir()
    argv, port = _run("--workers", "2")
    with serving(argv, port, env={"PROMETHEUS_MULTIPROC_DIR": str(mine)}) as server:
        assert get(server.url + "/pid")[0] == 200
        assert any(Path(mine).iterdir())
    assert mine.is_dir()
