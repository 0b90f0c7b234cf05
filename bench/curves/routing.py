"""Routing curve: the cost of one request against the size of the route table.

For each route count, every framework gets an app with that many static
routes (``/s{i}/leaf``) and another with that many parameterised ones
(``/p{i}/{item_id:int}``), built by ``bench.curves.tables``. Requests go to the
first, the middle and the last route added, in-process. A router that tries
its routes one by one shows a cost growing with the table at the last route;
one that indexes them stays flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.curves.measure import Probe, measure, started
from bench.curves.model import Curve
from bench.curves.tables import BUILDERS, answer
from bench.inprocess import Clock
from bench.results import describe
from bench.scenarios import Scenario, text_body

POSITIONS = ("first", "middle", "last")
ITEM_ID = 42


@dataclass(frozen=True)
class RoutingSettings:
    """How big the tables get and how long each point is timed."""

    counts: tuple[int, ...] = (10, 100, 1_000, 10_000)
    rounds: int = 5
    requests: int = 1000
    warmup: int = 200
    #: About this many µs per round of one point: slow points make fewer requests.
    budget: float = 50_000.0
    #: The largest table each framework is given. FastAPI and Litestar take seconds of
    #: CPU to build a table of 10,000 routes (minutes for the whole curve), and their
    #: cost already grows from 10 to 1,000; stopping them there keeps `bench/run all`
    #: under 20 minutes.
    most_routes: tuple[tuple[str, int], ...] = (("fastapi", 1_000), ("litestar", 1_000))


def target(count: int, position: str) -> int:
    """The index of the first, middle or last route of a table of ``count``."""
    return {"first": 0, "middle": count // 2, "last": count - 1}[position]


def scenario(index: int, param: bool) -> Scenario:
    """The request to route ``index`` and the answer that proves it matched."""
    if param:
        url, expected = f"/p{index}/{ITEM_ID}", answer(index, ITEM_ID)
    else:
        url, expected = f"/s{index}/leaf", answer(index)
    return Scenario(f"route-{index}", "GET", url, 200, text_body(expected))


def new_curve(param: bool, frameworks: list[str], settings: RoutingSettings) -> Curve:
    kind = "parameterised `/p{i}/{item_id:int}`" if param else "static `/s{i}/leaf`"
    return Curve(
        name="routing-param" if param else "routing-static",
        title=f"Routing: µs per request against route count, {kind} routes",
        x_label="routes in the table",
        y_label="µs per request, in-process",
        xs=list(settings.counts),
        frameworks=[f for f in BUILDERS if f in frameworks],
        variants=list(POSITIONS),
        log_y=True,
    )


async def _one_count(
    curve: Curve, param: bool, count: int, settings: RoutingSettings, clock: Clock
) -> None:
    apps = {}
    most = dict(settings.most_routes)
    for name in curve.frameworks:
        if count > most.get(name, count):
            continue  # past the largest table this framework is given (see RoutingSettings)
        try:
            apps[name] = BUILDERS[name](count, param)
        except Exception as exc:  # noqa: BLE001 - a peer that cannot build is a result
            curve.fail(name, f"FAIL building {count} routes: {describe(exc)}")
    async with started(apps, curve) as states:
        probes = [
            Probe(
                name,
                position,
                count,
                apps[name],
                state,
                scenario(target(count, position), param),
                settings.requests,
                settings.warmup,
            )
            for name, state in states.items()
            for position in POSITIONS
        ]
        await measure(probes, curve, settings.rounds, clock, settings.budget)


async def run(frameworks: list[str], settings: RoutingSettings, clock: Clock) -> list[Curve]:
    """Measure the static and the parameterised curve."""
    curves = []
    for param in (False, True):
        curve = new_curve(param, frameworks, settings)
        for count in settings.counts:
            print(f"  {curve.name}: {count} routes", flush=True)
            await _one_count(curve, param, count, settings, clock)
        for name, most in settings.most_routes:
            if name in curve.frameworks and most < max(settings.counts):
                curve.notes.append(f"{name} measured up to {most:,} routes (its table build)")
        curve.notes.append(
            f"median of {settings.rounds} interleaved rounds of up to {settings.requests} "
            f"requests (fewer where a round would pass {settings.budget / 1000:g} ms) after "
            f"up to {settings.warmup} warm-up; each answer checked (route i answers i)"
        )
        curves.append(curve)
    return curves
