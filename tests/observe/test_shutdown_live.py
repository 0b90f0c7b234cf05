"""Graceful shutdown under a real ``responder run``: SIGTERM while work is in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
import time

import pytest

from tests.cli.harness import PYTHON_M, free_port, get, serving

websockets = pytest.importorskip("websockets")

APP = "tests.observe.apps.draining_app"


def _run(*options: str) -> tuple[list[str], int]:
    port = free_port()
    return [*PYTHON_M, "run", APP, "--port", str(port), *options], port


def _wait(proc, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc.returncode
        time.sleep(0.05)
    raise TimeoutError("the server did not stop")


def test_a_request_in_flight_finishes_after_sigterm():
    argv, port = _run()
    with serving(argv, port) as server:
        result: dict[str, object] = {}
        thread = threading.Thread(
            target=lambda: result.update(answer=get(server.url + "/slow?seconds=1.5", 20))
        )
        thread.start()
        time.sleep(0.3)  # not a timing assertion: only lets the request reach the view
        os.kill(server.proc.pid, signal.SIGTERM)
        thread.join(20)
        assert result["answer"] == (200, "finished")
        _wait(server.proc)


def test_a_request_past_the_grace_period_is_cut_and_the_server_stops():
    argv, port = _run("--grace", "0.5")
    with serving(argv, port) as server:
        outcome: list[object] = []

        def call():
            try:
                outcome.append(get(server.url + "/slow?seconds=60", 60))
            except OSError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=call)
        thread.start()
        time.sleep(0.3)
        os.kill(server.proc.pid, signal.SIGTERM)
        _wait(server.proc, timeout=15)  # well before the view's 60 s
        thread.join(15)
        assert outcome and outcome[0] != (200, "finished"), (
            outcome
        )  # cut: an error, not the answer


@pytest.mark.parametrize("path", ["/events", "/quiet-events"])  # busy, and waiting forever
def test_an_event_stream_ends_cleanly_on_sigterm(path):
    argv, port = _run()
    with serving(argv, port) as server:
        with socket.create_connection(("127.0.0.1", port), 10) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            received = sock.recv(65536)
            assert b"200 OK" in received
            os.kill(server.proc.pid, signal.SIGTERM)
            while chunk := sock.recv(65536):
                received += chunk
        assert received.endswith(b"0\r\n\r\n")  # the chunked body's proper end
        _wait(server.proc)


def test_a_websocket_is_closed_with_1001_on_sigterm():
    argv, port = _run()
    with serving(argv, port) as server:

        async def client() -> int:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
                assert await ws.recv() == "hello"
                os.kill(server.proc.pid, signal.SIGTERM)
                with pytest.raises(websockets.ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 15)
                return ws.close_code

        assert asyncio.run(client()) == 1001
        _wait(server.proc)
