"""Hop mode: what it costs to run one sync call off the event loop and get its answer back.

``bench/run hop`` times, in one process and interleaved round by round, the
ways an async framework can hand a plain function to a thread and await it:

- **inline**: the function called on the loop (no hop: what
  ``sync_to_thread=False`` does), the baseline;
- **responder run_sync**: Responder's own worker threads (one queue item per
  call, one loop wake-up for the calls that finish together);
- **loop.run_in_executor**: asyncio's default ``ThreadPoolExecutor``;
- **asyncio.to_thread**: the same executor, with the context copied;
- **anyio.to_thread.run_sync**: what Starlette (and so FastAPI) uses;
- **thread ping-pong (floor)**: two threads handing a turn back and forth with
  ``threading.Event``, no event loop at all: the least any hop can cost here.

Each cell is the median over rounds of µs per call, by the wall clock and by
this process's CPU time (all threads). One call at a time, as the in-process
``sync`` scenario makes them: this measures the hand-off, not throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.report import publish

RESULTS = Path(__file__).resolve().parent / "results"

#: An async function making ``calls`` hops, one after another.
Timed = Callable[[int], Awaitable[None]]


def _answer() -> int:
    return 42


async def _inline(calls: int) -> None:
    for _ in range(calls):
        _answer()


async def _responder(calls: int) -> None:
    from responder._concurrency import run_sync

    for _ in range(calls):
        await run_sync(_answer)


async def _executor(calls: int) -> None:
    loop = asyncio.get_running_loop()
    for _ in range(calls):
        await loop.run_in_executor(None, _answer)


async def _to_thread(calls: int) -> None:
    for _ in range(calls):
        await asyncio.to_thread(_answer)


async def _anyio(calls: int) -> None:
    import anyio.to_thread

    for _ in range(calls):
        await anyio.to_thread.run_sync(_answer)


def _ping_pong(calls: int) -> None:
    """Two threads passing a turn back and forth: one round trip per call."""
    there, back = threading.Event(), threading.Event()

    def other() -> None:
        for _ in range(calls):
            there.wait()
            there.clear()
            back.set()

    thread = threading.Thread(target=other)
    thread.start()
    for _ in range(calls):
        there.set()
        back.wait()
        back.clear()
    thread.join()


WAYS: dict[str, Timed | None] = {
    "inline (sync_to_thread=False)": _inline,
    "responder run_sync": _responder,
    "loop.run_in_executor": _executor,
    "asyncio.to_thread": _to_thread,
    "anyio.to_thread.run_sync": _anyio,
    "thread ping-pong (floor)": None,
}


def _time(way: Timed | None, calls: int, loop_factory: Callable[[], Any]) -> tuple[float, float]:
    """(wall µs, CPU µs) per call, after a warm-up of a tenth of the calls."""
    if way is None:
        _ping_pong(max(calls // 10, 1))
        wall, cpu = time.perf_counter(), time.process_time()
        _ping_pong(calls)
    else:
        loop = loop_factory()
        try:
            loop.run_until_complete(way(max(calls // 10, 1)))
            wall, cpu = time.perf_counter(), time.process_time()
            loop.run_until_complete(way(calls))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
    return (
        (time.perf_counter() - wall) / calls * 1e6,
        (time.process_time() - cpu) / calls * 1e6,
    )


def run(calls: int, rounds: int, loop: str) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) µs per call for every way, the ways interleaved each round."""
    factory: Callable[[], Any] = asyncio.new_event_loop
    if loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in WAYS}
    for index in range(rounds):
        print(f"  round {index + 1}/{rounds}", flush=True)
        for name, way in WAYS.items():
            samples[name].append(_time(way, calls, factory))
    return {
        name: (statistics.median(s[0] for s in got), statistics.median(s[1] for s in got))
        for name, got in samples.items()
    }


def render(result: dict[str, tuple[float, float]], calls: int, rounds: int, loop: str) -> str:
    """The table: µs per call, and each way's cost over the inline call."""
    base_wall, base_cpu = result["inline (sync_to_thread=False)"]
    ours_wall, ours_cpu = result["responder run_sync"]
    lines = [
        f"## One sync call off the event loop ({loop}), µs per call (lower is better)",
        "",
        "| way | wall µs | CPU µs | wall over inline | CPU over inline "
        "| CPU over inline ÷ responder's |",
        "|---|---|---|---|---|---|",
    ]
    for name, (wall, cpu) in result.items():
        over = cpu - base_cpu
        ratio = over / (ours_cpu - base_cpu) if ours_cpu > base_cpu else float("nan")
        lines.append(
            f"| {name} | {wall:.2f} | {cpu:.2f} | {wall - base_wall:.2f} | {over:.2f} "
            f"| {ratio:.2f} |"
        )
    lines += [
        "",
        f"- median of {rounds} interleaved rounds x {calls:,} calls, one call at a time, "
        "after a warm-up of a tenth of that; CPU is this process's, all threads",
        f"- responder's hop over inline: {ours_wall - base_wall:.2f} µs wall, "
        f"{ours_cpu - base_cpu:.2f} µs CPU",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print and write ``bench/results/hop.md``."""
    parser = argparse.ArgumentParser(prog="bench/run hop", description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    print(f"hop ({args.loop}):", flush=True)
    text = render(run(args.calls, args.rounds, args.loop), args.calls, args.rounds, args.loop)
    publish(text, args.results_dir, "hop")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
