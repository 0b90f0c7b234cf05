"""Concurrency curve: throughput and latency percentiles against open connections.

Each framework's usual app serves ``GET /text`` under uvicorn (as in the HTTP
mode) while wrk holds 1 to 1,000 connections open (``wrk -t1 -cN --latency``).
wrk and the server share the machine's cores, so absolute numbers are low;
the shape and the ratios are what to read.
"""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from dataclasses import dataclass

from bench.apps import FRAMEWORKS, load
from bench.curves.model import Curve
from bench.http import fetch, run_wrk, serve
from bench.results import describe
from bench.scenarios import BY_NAME

#: The percentiles kept from wrk's latency distribution.
PERCENTILES = ("50%", "99%")
PEERS = ("responder", "falcon", "starlette", "fastapi", "litestar", "raw")


@dataclass(frozen=True)
class ConcurrencySettings:
    """The connection counts swept and wrk's time at each."""

    connections: tuple[int, ...] = (1, 10, 100, 1_000)
    duration: int = 3
    warmup: int = 1


def _curves(frameworks: list[str], settings: ConcurrencySettings) -> tuple[Curve, Curve]:
    shown = [f for f in FRAMEWORKS if f in PEERS and f in frameworks]
    common = {"x_label": "open connections", "xs": list(settings.connections), "frameworks": shown}
    throughput = Curve(
        name="concurrency-throughput",
        title="Hello over HTTP: requests per second against open connections",
        y_label="requests per second",
        lower_is_better=False,
        **common,  # type: ignore[arg-type]
    )
    latency = Curve(
        name="concurrency-latency",
        title="Hello over HTTP: latency percentiles against open connections",
        y_label="latency, ms",
        variants=[f"p{p.rstrip('%')}" for p in PERCENTILES],
        log_y=True,
        **common,  # type: ignore[arg-type]
    )
    return throughput, latency


def _point(
    port: int, connections: int, settings: ConcurrencySettings
) -> tuple[float, dict[str, float]]:
    scenario = BY_NAME["text"]
    status, headers, body = fetch(port, scenario)
    error = scenario.verify(status, headers, body)
    if error:
        raise RuntimeError(error)
    if settings.warmup:
        run_wrk(port, scenario, settings.warmup, connections=connections)
    result = run_wrk(port, scenario, settings.duration, connections=connections, latency=True)
    if result.non_2xx or result.socket_errors:
        raise RuntimeError(f"{result.non_2xx} non-2xx, {result.socket_errors} socket errors")
    return result.rps, result.latency


def run(frameworks: list[str], settings: ConcurrencySettings) -> list[Curve]:
    """Serve every app at once, then sweep connections, every framework at each count."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found on PATH (apt-get install wrk)")
    throughput, latency = _curves(frameworks, settings)
    with ExitStack() as stack:
        ports = {}
        for name in throughput.frameworks:
            try:
                load(name)  # import here first: clearer errors than uvicorn's
                ports[name] = stack.enter_context(serve(name))
            except Exception as exc:  # noqa: BLE001
                throughput.fail(name, f"skipped: {describe(exc)}")
        for connections in settings.connections:
            print(f"  concurrency: {connections} connections", flush=True)
            for name, port in ports.items():
                try:
                    rps, percentiles = _point(port, connections, settings)
                except Exception as exc:  # noqa: BLE001 - a broken app is a result
                    throughput.fail(name, f"FAIL at {connections} connections: {describe(exc)}")
                    continue
                throughput.add(name, "", connections, rps)
                for pct, variant in zip(PERCENTILES, latency.variants, strict=True):
                    if pct in percentiles:
                        latency.add(name, variant, connections, percentiles[pct])
    latency.problems.update(throughput.problems)
    note = (
        f"uvicorn --http httptools --loop uvloop, one worker; `wrk -t1 -cN --latency`, "
        f"{settings.duration} s after a {settings.warmup} s warm-up, `GET /text`"
    )
    throughput.notes.append(note)
    latency.notes.append(note)
    return [throughput, latency]
