"""A client that leaves an event stream while it waits: its generator is closed, cleanly.

The stream's generator is waiting inside ``async for`` on a broadcast channel
when the server cancels the response; it must still run its own cleanup
(leaving the channel), and the server must not report an error.
"""

from __future__ import annotations

import time

import httpx2 as httpx

from tests.e2e.server import live_uvicorn

from . import sse_leaving_app


def test_leaving_a_waiting_event_stream_closes_its_generator_in_process():
    api = sse_leaving_app.api
    before = len(sse_leaving_app.closed)
    with api.session() as client:
        with client.stream("GET", "/feed") as stream:
            lines = stream.iter_lines()
            assert next(lines) == "event: hello"
            assert api.broadcast.subscribers("feed") == 1
        # The response ended only after the generator's cleanup ran.
        assert api.broadcast.subscribers("feed") == 0
        assert len(sse_leaving_app.closed) == before + 1


def test_leaving_a_waiting_event_stream_on_a_live_server_logs_no_error():
    with (
        live_uvicorn("tests.web.sse_leaving_app:api") as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        with client.stream("GET", "/feed") as stream:
            assert next(stream.iter_lines()) == "event: hello"
        # The server learns that the client left when it reads the closed socket.
        deadline = time.monotonic() + 10
        state = client.get("/listening").json()
        while state != {"subscribers": 0, "closed": 1} and time.monotonic() < deadline:
            time.sleep(0.05)
            state = client.get("/listening").json()
        assert state == {"subscribers": 0, "closed": 1}, server.log()
        assert "Traceback" not in server.log()
