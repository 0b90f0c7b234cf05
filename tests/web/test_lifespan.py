"""Lifespan order: the context wraps startup handlers, the app's life, the drain and shutdown."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys

import httpx2 as httpx
import pytest

import responder
from tests.e2e.server import ROOT, free_port, stop, wait_until_listening


def make_api(events):
    @contextlib.asynccontextmanager
    async def lifespan(api):
        events.append("context entered")
        pool = {"open": True}
        yield {"pool": pool}
        pool["open"] = False
        events.append("context exited")

    api = responder.API(lifespan=lifespan)
    api.on_event("startup")(lambda: events.append("startup"))

    @api.on_event("shutdown")
    async def shutdown():
        events.append("shutdown")

    @api.background.task
    async def use_pool(pool):
        await asyncio.sleep(0.05)
        events.append(f"task done, pool open: {pool['open']}")

    @api.route("/work")
    async def work(req, resp):
        use_pool(req.state.pool)
        resp.text = "accepted"

    return api


def test_startup_runs_inside_the_context_and_tasks_drain_before_it_closes():
    events = []
    api = make_api(events)
    with api.requests as client:
        assert events == ["context entered", "startup"]
        assert client.get("/work").text == "accepted"
    assert events == [
        "context entered",
        "startup",
        "task done, pool open: True",
        "shutdown",
        "context exited",
    ]


def test_a_sync_lifespan_context_is_entered_first_too():
    events = []

    @contextlib.contextmanager
    def lifespan(api):
        events.append("context entered")
        yield
        events.append("context exited")

    api = responder.API(lifespan=lifespan)
    api.on_event("startup")(lambda: events.append("startup"))
    api.on_event("shutdown")(lambda: events.append("shutdown"))
    with api.requests:
        pass
    assert events == ["context entered", "startup", "shutdown", "context exited"]


def test_a_failing_startup_handler_still_closes_the_context():
    events = []

    @contextlib.asynccontextmanager
    async def lifespan(api):
        events.append("context entered")
        try:
            yield
        finally:
            events.append("context exited")

    api = responder.API(lifespan=lifespan)

    @api.on_event("startup")
    def broken():
        raise RuntimeError("no cache")

    with pytest.raises(RuntimeError, match="no cache"), api.requests:
        pass
    assert events == ["context entered", "context exited"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_live_server_drains_tasks_inside_the_lifespan_when_signalled(tmp_path, signum):
    log = tmp_path / "events.log"
    port = free_port()
    server = ["-m", "uvicorn", "tests.web.lifespan_app:api", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [sys.executable, *server, "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RESPONDER_EVENTS_LOG": str(log)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(proc, port)
        assert httpx.get(f"http://127.0.0.1:{port}/work").text == "accepted"
        proc.send_signal(signum)
        output = proc.communicate(timeout=30)[0].decode()
        # uvicorn shuts down gracefully, then may re-raise the signal to exit by it.
        assert proc.returncode in (0, -signum), output
    finally:
        if proc.returncode is None:
            stop(proc)
        if proc.stdout:
            proc.stdout.close()
    events = log.read_text().splitlines()
    assert events[:2] == ["context entered", "startup"]
    assert sorted(events[2:4]) == ["async task done", "sync task done"]
    assert events[4:] == ["shutdown", "context exiting"]
