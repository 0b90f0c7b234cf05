"""WebSocket echo and server-sent-event fan-out curves, over real uvicorn servers.

Each framework's stream app (``bench.curves.stream_apps``) runs under uvicorn,
all of them started up front; the load comes from ``bench.curves.client`` in
a process of its own, so the client's work is not counted in the server's
process, though both share the machine's two cores.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from bench.curves.model import Curve
from bench.curves.stream_apps import TARGETS
from bench.http import ROOT, serve_app
from bench.results import describe


@dataclass(frozen=True)
class WebSocketSettings:
    """Connections swept, and how long each point's client runs."""

    connections: tuple[int, ...] = (1, 10, 100)
    seconds: float = 3.0


@dataclass(frozen=True)
class SSESettings:
    """Clients swept, single events timed per point, and the burst's length."""

    clients: tuple[int, ...] = (10, 100, 1_000)
    singles: int = 7
    burst: int = 100


def client(*args: object, timeout: float = 180.0) -> dict[str, Any]:
    """Run the load client in its own process; returns what it printed (JSON)."""
    cmd = [sys.executable, "-m", "bench.curves.client", *map(str, args)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"client exited {done.returncode}: {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@contextmanager
def _servers(curves: list[Curve]) -> Iterator[dict[str, int]]:
    """Start every framework's stream app; yields framework -> port; stops them all."""
    with ExitStack() as stack:
        ports = {}
        for name in curves[0].frameworks:
            try:
                ports[name] = stack.enter_context(serve_app(TARGETS[name]))
            except Exception as exc:  # noqa: BLE001 - a server that fails is a result
                for curve in curves:
                    curve.fail(name, f"FAIL: server did not start: {describe(exc)}")
        yield ports


def _shown(frameworks: list[str]) -> list[str]:
    return [f for f in TARGETS if f in frameworks]


def run_websocket(frameworks: list[str], settings: WebSocketSettings) -> list[Curve]:
    """Echo messages per second against the number of busy connections."""
    curve = Curve(
        name="websocket-echo",
        title="WebSocket echo: messages per second against connections",
        x_label="connections",
        y_label="echoed messages per second",
        xs=list(settings.connections),
        frameworks=_shown(frameworks),
        lower_is_better=False,
    )
    with _servers([curve]) as ports:
        for connections in settings.connections:
            print(f"  websocket: {connections} connections", flush=True)
            for name, port in ports.items():
                try:
                    got = client("ws", port, connections, settings.seconds)
                except Exception as exc:  # noqa: BLE001
                    curve.fail(name, f"FAIL at {connections}: {describe(exc)}")
                    continue
                curve.add(name, "", connections, got["messages"] / got["seconds"])
    curve.notes.append(
        f"each connection sends a 32-byte text message and waits for its echo, for "
        f"{settings.seconds:g} s; the client (Python `websockets`, one process) shares the "
        "two cores with the server, so it is part of what limits the rate"
    )
    return [curve]


def run_sse(frameworks: list[str], settings: SSESettings) -> list[Curve]:
    """Fan-out latency and delivery rate of server-sent events against subscribers."""
    common: dict[str, Any] = {
        "x_label": "subscribed clients",
        "xs": list(settings.clients),
        "frameworks": _shown(frameworks),
    }
    latency = Curve(
        name="sse-fanout-latency",
        title="SSE fan-out: ms until one event reaches every client",
        y_label="ms, publish to last delivery",
        log_y=True,
        **common,
    )
    rate = Curve(
        name="sse-fanout-rate",
        title="SSE fan-out: events delivered per second",
        y_label="deliveries per second (events x clients)",
        lower_is_better=False,
        **common,
    )
    with _servers([latency, rate]) as ports:
        for clients in settings.clients:
            print(f"  sse: {clients} clients", flush=True)
            for name, port in ports.items():
                try:
                    got = client("sse", port, clients, settings.singles, settings.burst)
                except Exception as exc:  # noqa: BLE001
                    for curve in (latency, rate):
                        curve.fail(name, f"FAIL at {clients}: {describe(exc)}")
                    continue
                latency.add(name, "", clients, statistics.median(got["latency_ms"]))
                rate.add(name, "", clients, got["deliveries_per_s"])
    latency.notes.append(
        f"median of {settings.singles} events, each published (POST /publish) after the "
        "previous one reached every client; timed by the client from the publish request "
        "to the last delivery"
    )
    rate.notes.append(
        f"{settings.burst} events published back to back; deliveries = events x clients, "
        "over the time from the first publish to the last delivery"
    )
    return [latency, rate]
