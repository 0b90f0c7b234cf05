"""Body-size curve: a JSON echo (``POST /echo``) from 100 B to 10 MiB, in-process.

The request is the ``echo`` scenario of every framework's usual app with a
bigger body: an object holding a list of small records, grown until the next
record would pass the target size. The answer must parse to the same data.
The time covers reading the body, parsing it, encoding it back and sending it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from bench.apps import load
from bench.curves.measure import Probe, measure, started
from bench.curves.model import Curve
from bench.inprocess import Clock
from bench.results import describe
from bench.scenarios import BY_NAME, Scenario, json_body

#: Who runs it: the apps of the fixed scenarios all have ``/echo``.
FRAMEWORKS = ("responder", "falcon", "starlette", "fastapi", "litestar")


@dataclass(frozen=True)
class BodySettings:
    """The sizes swept and how long each point is timed."""

    sizes: tuple[int, ...] = (100, 1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20)
    rounds: int = 3
    requests: int = 1000
    warmup: int = 100
    #: About this many µs per round of one point: big bodies make fewer requests...
    budget: float = 100_000.0
    #: ... but at least this many (a 10 MiB echo takes up to 2 s in FastAPI).
    least: int = 2


def payload(size: int) -> dict[str, Any]:
    """A JSON object whose compact text is as close to ``size`` bytes as records allow."""
    records: list[dict[str, Any]] = []
    data = {"items": records}
    length = len(_dump(data))
    while True:
        i = len(records)
        record = {"id": i, "name": f"item-{i:08d}", "tags": ["a", "b"], "price": 1.5}
        grown = length + len(_dump(record)) + (1 if i else 0)  # the comma between records
        if grown > size:
            break
        records.append(record)
        length = grown
    room = size - length - len(',"pad":""')
    if room > 0:  # top up with padding, so that a small target is hit too
        data["pad"] = "x" * room
    return data


def _dump(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def scenario(size: int) -> Scenario:
    """The echo request with a body of about ``size`` bytes, and its check."""
    data = payload(size)
    echo = BY_NAME["echo"]
    return dataclasses.replace(echo, name=f"echo-{size}", body=_dump(data), check=json_body(data))


async def run(frameworks: list[str], settings: BodySettings, clock: Clock) -> list[Curve]:
    """Measure the echo at every size, the frameworks interleaved at each size."""
    curve = Curve(
        name="body-size",
        title="JSON echo: µs per request against body size",
        x_label="body size (bytes)",
        y_label="µs per request, in-process",
        xs=list(settings.sizes),
        frameworks=[f for f in FRAMEWORKS if f in frameworks],
        log_y=True,
    )
    apps = {}
    for name in curve.frameworks:
        try:
            apps[name] = load(name).app
        except Exception as exc:  # noqa: BLE001
            curve.fail(name, f"skipped: import failed: {describe(exc)}")
    async with started(apps, curve) as states:
        for size in settings.sizes:
            print(f"  {curve.name}: {size} bytes", flush=True)
            request = scenario(size)
            probes = [
                Probe(
                    name, "", size, apps[name], state, request, settings.requests, settings.warmup
                )
                for name, state in states.items()
            ]
            await measure(probes, curve, settings.rounds, clock, settings.budget, settings.least)
    curve.notes.append(
        f"median of {settings.rounds} interleaved rounds of up to {settings.requests} requests "
        f"(fewer where a round would pass {settings.budget / 1000:g} ms, at least "
        f"{settings.least}); every answer parsed "
        "and compared with what was sent"
    )
    return [curve]
