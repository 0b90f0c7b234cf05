"""Curves: how a cost grows with one setting (route count, body size, connections...).

``bench/run curves`` measures each curve named in ``CURVES``, then writes
``bench/results/<curve>.md`` (the table, with ratios to Responder) and
``<curve>.png`` (the plot) for each. The in-process curves share the
in-process mode's driver; the others serve real uvicorn processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.curves import body, concurrency, routing, streams
from bench.curves.model import Curve
from bench.curves.render import write
from bench.inprocess import CLOCKS, new_loop


@dataclass(frozen=True)
class CurveSettings:
    """Every curve's settings; the defaults are what ``bench/run all`` uses."""

    routing: routing.RoutingSettings = field(default_factory=routing.RoutingSettings)
    body: body.BodySettings = field(default_factory=body.BodySettings)
    concurrency: concurrency.ConcurrencySettings = field(
        default_factory=concurrency.ConcurrencySettings
    )
    websocket: streams.WebSocketSettings = field(default_factory=streams.WebSocketSettings)
    sse: streams.SSESettings = field(default_factory=streams.SSESettings)
    #: The in-process curves' clock: "wall" or "cpu" (as ``--clock``).
    clock: str = "wall"


Runner = Callable[[list[str], CurveSettings], list[Curve]]


def _routing(frameworks: list[str], settings: CurveSettings) -> list[Curve]:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        return runner.run(routing.run(frameworks, settings.routing, CLOCKS[settings.clock]))


def _body(frameworks: list[str], settings: CurveSettings) -> list[Curve]:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        return runner.run(body.run(frameworks, settings.body, CLOCKS[settings.clock]))


#: Curve family -> what measures it (a family may give several curves).
CURVES: dict[str, Runner] = {
    "routing": _routing,
    "body": _body,
    "concurrency": lambda frameworks, s: concurrency.run(frameworks, s.concurrency),
    "websocket": lambda frameworks, s: streams.run_websocket(frameworks, s.websocket),
    "sse": lambda frameworks, s: streams.run_sse(frameworks, s.sse),
}


def run(
    names: list[str],
    frameworks: list[str],
    settings: CurveSettings,
    results_dir: Path,
    plots: bool = True,
) -> list[Curve]:
    """Measure the named curve families; write each curve's table and plot as it finishes."""
    curves: list[Curve] = []
    for name in names:
        print(f"curve {name}:", flush=True)
        for curve in CURVES[name](frameworks, settings):
            path = write(curve, results_dir, with_plot=plots)
            print(f"  (written to {path}{' and .png' if plots else ''})", flush=True)
            curves.append(curve)
    return curves
