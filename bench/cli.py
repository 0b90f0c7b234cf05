"""Command line entry point: ``python -m bench.cli MODE [options]`` (see ``--help``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench import curves, http, inprocess, startup
from bench.apps import DEFAULT_FRAMEWORKS, FRAMEWORKS
from bench.report import publish, render
from bench.results import RunResult
from bench.scenarios import SCENARIOS, select

RESULTS = Path(__file__).resolve().parent / "results"


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Benchmark Responder against Falcon, Starlette, FastAPI, Litestar.",
    )
    parser.add_argument("mode", choices=["inprocess", "http", "startup", "curves", "all"])
    parser.add_argument(
        "--frameworks",
        type=_csv,
        default=list(DEFAULT_FRAMEWORKS),
        help=f"comma-separated subset of {','.join(FRAMEWORKS)}",
    )
    parser.add_argument(
        "--scenarios",
        type=_csv,
        default=None,
        help=f"comma-separated subset of {','.join(s.name for s in SCENARIOS)}",
    )
    group = parser.add_argument_group("in-process")
    group.add_argument("--rounds", type=int, default=5, help="timed rounds (median)")
    group.add_argument("--requests", type=int, default=2000, help="requests per round")
    group.add_argument("--warmup", type=int, default=500, help="warm-up requests")
    group.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="elapsed time, or this process's CPU time (steadier on a busy machine)",
    )
    group = parser.add_argument_group("http")
    group.add_argument(
        "--duration", type=int, default=None, help="wrk seconds (5; 3 in all, to fit 20 minutes)"
    )
    group.add_argument("--warmup-duration", type=int, default=1, help="warm-up seconds")
    group.add_argument("--connections", type=int, default=50, help="wrk -c")
    group.add_argument("--threads", type=int, default=1, help="wrk -t")
    group.add_argument(
        "--server",
        type=_csv,
        default=["uvicorn"],
        help=f"comma-separated servers to serve the apps with, measured interleaved: "
        f"{','.join(http.SERVERS)} (default uvicorn)",
    )
    group = parser.add_argument_group("startup")
    group.add_argument("--runs", type=int, default=11, help="fresh interpreters per cell")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument(
        "--curves",
        type=_csv,
        default=list(curves.CURVES),
        help=f"comma-separated subset of {','.join(curves.CURVES)} (curves and all)",
    )
    parser.add_argument("--no-plots", action="store_true", help="tables only, no PNGs")
    args = parser.parse_args(argv)
    bad_servers = set(args.server) - set(http.SERVERS)
    if bad_servers:
        parser.error(f"unknown servers: {', '.join(sorted(bad_servers))}")
    if args.duration is None:
        args.duration = 3 if args.mode == "all" else 5
    unknown_curves = set(args.curves) - set(curves.CURVES)
    if unknown_curves:
        parser.error(f"unknown curves: {', '.join(sorted(unknown_curves))}")
    unknown = set(args.frameworks) - set(FRAMEWORKS)
    if unknown:
        parser.error(f"unknown frameworks: {', '.join(sorted(unknown))}")
    try:
        args.scenarios = select(args.scenarios)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def _emit(result: RunResult, results_dir: Path, text: str | None = None) -> None:
    publish(render(result) if text is None else text, results_dir, result.mode)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["upload"]:  # its own options: bench/upload.py
        from bench import upload

        return upload.main(argv[1:])
    if argv[:1] == ["hop"]:  # its own options: bench/hop.py
        from bench import hop

        return hop.main(argv[1:])
    args = parse_args(argv)
    results: list[RunResult] = []
    if args.mode in ("inprocess", "all"):
        print("in-process:", flush=True)
        result = inprocess.run(
            args.frameworks,
            args.scenarios,
            args.rounds,
            args.requests,
            args.warmup,
            args.clock,
        )
        _emit(result, args.results_dir)
        results.append(result)
    if args.mode in ("http", "all"):
        print(f"http ({', '.join(args.server)}):", flush=True)
        for result in http.run(
            args.frameworks,
            args.scenarios,
            args.duration,
            args.warmup_duration,
            args.threads,
            args.connections,
            tuple(args.server),
        ):
            _emit(result, args.results_dir)
            results.append(result)
    if args.mode in ("startup", "all"):
        print("startup:", flush=True)
        result = startup.run(args.frameworks, args.runs)
        _emit(result, args.results_dir, startup.render(result, args.runs))
        results.append(result)
    failed = any(r.failed for r in results)
    if args.mode in ("curves", "all"):
        settings = curves.CurveSettings(clock=args.clock)
        done = curves.run(
            args.curves, args.frameworks, settings, args.results_dir, plots=not args.no_plots
        )
        failed = failed or any(curve.failed for curve in done)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
