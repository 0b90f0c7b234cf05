"""Render a RunResult as Markdown: values, ratios vs Responder, and notes."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

from bench.apps import BASELINE, SUBJECT
from bench.results import Cell, RunResult

_PACKAGES = (
    "responder",
    "falcon",
    "starlette",
    "fastapi",
    "litestar",
    "pydantic",
    "msgspec",
    "uvicorn",
    "granian",
    "hypercorn",
    "uvloop",
    "httptools",
    "orjson",
    "pyyaml",
    "msgpack",
)


def publish(text: str, results_dir: Path, name: str) -> None:
    """Print a report and write it to ``results_dir/<name>.md``, saying where."""
    print("\n" + text)
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}.md"
    path.write_text(text)
    print(f"(written to {path})")


def environment() -> str:
    """One line of versions so numbers can be compared across runs."""
    versions = []
    for package in _PACKAGES:
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    checkout = os.environ.get("BENCH_RESPONDER")
    where = f" (responder from {checkout})" if checkout else ""
    return f"Python {platform.python_version()}; " + ", ".join(versions) + where


def _fmt(cell: Cell, digits: int) -> str:
    if cell.value is None:
        return cell.status or "skipped"
    flag = " *" if cell.note and cell.status else ""
    return f"{cell.value:,.{digits}f}{flag}"


def _ratio(subject: Cell, peer: Cell, lower_is_better: bool) -> str:
    """Always oriented so that > 1 means Responder is faster."""
    ours, theirs = subject.value, peer.value
    if not ours or not theirs:  # missing, or zero
        return "—"
    ratio = theirs / ours if lower_is_better else ours / theirs
    return f"{ratio:.2f}"


def _main_table(result: RunResult, lower_is_better: bool, digits: int) -> list[str]:
    shown = [f for f in result.frameworks if f not in result.skipped]
    peers = [f for f in shown if f not in (SUBJECT, BASELINE)]
    with_ratios = SUBJECT in shown
    if lower_is_better:
        ratio_names = [f"{p} ÷ {SUBJECT}" for p in peers]
    else:
        ratio_names = [f"{SUBJECT} ÷ {p}" for p in peers]
    header = ["scenario", *shown, *(ratio_names if with_ratios else [])]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for scenario in result.scenarios:
        row = [scenario] + [_fmt(result.get(f, scenario), digits) for f in shown]
        if with_ratios:
            subject = result.get(SUBJECT, scenario)
            for peer in peers:
                row.append(_ratio(subject, result.get(peer, scenario), lower_is_better))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _share_of_raw(result: RunResult, scenario: str = "text", cost: bool = False) -> list[str]:
    """Each framework's throughput on ``scenario`` as a share of raw ASGI.

    From requests per second, or from CPU per request (``cost``): raw's µs ÷
    the framework's, the share it would get if the server were CPU-bound.
    """
    raw = result.get(BASELINE, scenario)
    if scenario not in result.scenarios or raw.value is None:
        return []
    unit = "server CPU µs per request" if cost else "req/s"
    lines = [
        "",
        f"Share of raw ASGI throughput on `{scenario}` (higher is better):",
        "",
        f"| framework | {unit} | % of raw ASGI |",
        "|---|---|---|",
    ]
    for framework in result.frameworks:
        cell = result.get(framework, scenario)
        if cell.value:
            share = 100 * (raw.value / cell.value if cost else cell.value / raw.value)
            shown = f"{cell.value:,.1f}" if cost else f"{cell.value:,.0f}"
            lines.append(f"| {framework} | {shown} | {share:.1f}% |")
    return lines


def _notes(result: RunResult) -> list[str]:
    notes = [f"- {note}" for note in result.notes]
    notes += [f"- **{f} skipped**: {why}" for f, why in result.skipped.items()]
    for framework, row in result.cells.items():
        not_run: dict[str, list[str]] = {}  # reason -> scenarios, one note per reason
        for scenario, cell in row.items():
            if cell.status == "FAIL":
                notes.append(f"- **{framework}/{scenario} FAILED**: {cell.note}")
            elif cell.status == "n/a" and framework != BASELINE:
                not_run.setdefault(cell.note, []).append(scenario)
            elif cell.value is not None and cell.note and result.mode.startswith("http"):
                notes.append(f"- {framework}/{scenario}: {cell.note}")
        for reason, scenarios in not_run.items():
            notes.append(f"- {framework} n/a on {', '.join(scenarios)}: {reason}")
    if result.get(BASELINE, "text").value is not None:
        notes.append(
            f"- `{BASELINE}`: a hand-written ASGI callable (text, json: prebuilt bytes; "
            "echo: the body sent back unparsed)"
        )
    return notes


def render(result: RunResult) -> str:
    """The full Markdown section for one mode."""
    faster = f"**> 1 means {SUBJECT} is faster**"
    if result.mode == "inprocess":
        title = "## In-process: framework overhead, µs per request (lower is better)"
        convention = f"Ratio columns are peer µs ÷ {SUBJECT} µs: {faster}."
        lines = _main_table(result, lower_is_better=True, digits=2)
    elif result.mode.startswith("http-cpu"):
        server = result.mode.removeprefix("http-cpu").strip("-") or "uvicorn"
        title = f"## HTTP: {server}'s CPU µs per request under wrk (lower is better)"
        convention = (
            f"The server process tree's CPU time (user + system) over the measured run ÷ "
            f"requests served. Ratio columns are peer µs ÷ {SUBJECT} µs: {faster}."
        )
        lines = _main_table(result, lower_is_better=True, digits=1)
        for scenario in ("text", "json", "echo"):
            lines += _share_of_raw(result, scenario, cost=True)
    else:
        server = result.mode.partition("-")[2] or "uvicorn"
        title = f"## HTTP: requests per second via {server} + wrk (higher is better)"
        convention = f"Ratio columns are {SUBJECT} req/s ÷ peer req/s: {faster}."
        lines = _main_table(result, lower_is_better=False, digits=0)
        for scenario in ("text", "json", "echo"):
            lines += _share_of_raw(result, scenario)
    out = [title, "", convention, "", environment(), "", *lines, "", *_notes(result)]
    return "\n".join(out) + "\n"
