"""The in-process measuring loop the routing and body-size curves share.

Each probe is one point of a curve: an app, the request to send and how many
times. Every probe's response is checked before timing and after each round;
rounds are interleaved across probes, so a burst of load on the shared machine
hits every framework alike; a point is the median of its rounds.
"""

from __future__ import annotations

import statistics
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.curves.model import Curve
from bench.inprocess import Clock, LifespanDriver, build_scope, run_requests, time_round
from bench.results import describe
from bench.scenarios import Scenario


@dataclass
class Probe:
    """One (framework, variant, x) point to measure in-process."""

    framework: str
    variant: str
    x: int
    app: Any
    state: dict[str, Any]
    scenario: Scenario
    requests: int
    warmup: int
    samples: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def scope(self) -> dict[str, Any]:
        return build_scope(self.scenario)


async def _prepare(
    probe: Probe, scope: dict[str, Any], clock: Clock, budget: float, least: int
) -> None:
    """Check one answer and warm up; with a ``budget`` (µs per round), fit ``requests`` to it.

    A slow point (the last of 10,000 routes in a router that tries them in
    turn, a 10 MiB body) would otherwise take minutes: its rounds get fewer
    requests, never fewer than ``least``, and its warm-up shrinks alike.
    """
    body = probe.scenario.body
    start = clock()
    last = await run_requests(probe.app, scope, probe.state, body, 1)
    first_us = (clock() - start) * 1e6
    probe.error = last.verify(probe.scenario) or ""
    if probe.error:
        return
    if budget:
        probe.warmup = max(1, min(probe.warmup, int(budget / max(first_us, 0.01))))
    us, last = await time_round(probe.app, scope, body, probe.state, probe.warmup, clock)
    probe.error = last.verify(probe.scenario) or ""
    if budget:
        probe.requests = max(least, min(probe.requests, int(budget / max(us, 0.01))))


async def measure(
    probes: list[Probe],
    curve: Curve,
    rounds: int,
    clock: Clock,
    budget: float = 0.0,
    least: int = 5,
) -> None:
    """Check, warm up and time every probe; record medians (or failures) in ``curve``.

    ``budget`` caps a round of one probe at about that many µs (0: no cap), as
    long as the round still makes ``least`` requests.
    """
    scopes = [probe.scope for probe in probes]
    for probe, scope in zip(probes, scopes, strict=True):
        try:
            await _prepare(probe, scope, clock, budget, least)
        except Exception as exc:  # noqa: BLE001 - a crashing app is a result
            probe.error = describe(exc)
    for _ in range(rounds):
        for probe, scope in zip(probes, scopes, strict=True):
            if probe.error:
                continue
            try:
                args = (probe.app, scope, probe.scenario.body, probe.state, probe.requests)
                us, last = await time_round(*args, clock)
                probe.error = last.verify(probe.scenario) or ""
                probe.samples.append(us)
            except Exception as exc:  # noqa: BLE001
                probe.error = describe(exc)
    for probe in probes:
        if probe.error:
            curve.fail(probe.framework, f"FAIL at {probe.x} {probe.variant}: {probe.error}")
        else:
            curve.add(probe.framework, probe.variant, probe.x, statistics.median(probe.samples))


@asynccontextmanager
async def started(apps: dict[str, Any], curve: Curve) -> AsyncIterator[dict[str, dict[str, Any]]]:
    """Run each app's lifespan startup; yields framework -> lifespan state, shuts down after."""
    drivers: dict[str, LifespanDriver] = {}
    try:
        for name, app in apps.items():
            driver = LifespanDriver(app)
            try:
                await driver.startup()
            except Exception as exc:  # noqa: BLE001
                curve.fail(name, f"FAIL: lifespan startup: {describe(exc)}")
                continue
            drivers[name] = driver
        yield {name: driver.state for name, driver in drivers.items()}
    finally:
        for driver in drivers.values():
            try:
                await driver.shutdown()
            except Exception as exc:  # noqa: BLE001
                curve.notes.append(f"lifespan shutdown failed: {describe(exc)}")
