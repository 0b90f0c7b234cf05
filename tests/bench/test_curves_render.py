"""A curve is written as a Markdown table with ratios to Responder, and as a PNG."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.curves.model import Curve, human_size
from bench.curves.render import table, write
from bench.http import parse_latency

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def latency_curve() -> Curve:
    curve = Curve(
        name="demo",
        title="Demo",
        x_label="connections",
        y_label="ms",
        xs=[1, 100],
        frameworks=["responder", "starlette"],
        variants=["p50", "p99"],
    )
    curve.add("responder", "p50", 1, 2.0)
    curve.add("starlette", "p50", 1, 3.0)
    curve.add("responder", "p99", 1, 4.0)
    curve.add("starlette", "p99", 1, 2.0)
    curve.add("responder", "p50", 100, 5.0)  # starlette has no point at 100
    return curve


def test_table_has_a_row_per_x_and_variant_with_ratios_above_one_when_responder_wins() -> None:
    lines = table(latency_curve())

    assert lines[0] == "| connections | variant | responder | starlette | starlette ÷ responder |"
    assert lines[2] == "| 1 | p50 | 2.00 | 3.00 | 1.50 |"
    assert lines[3] == "| 1 | p99 | 4.00 | 2.00 | 0.50 |"
    assert lines[4] == "| 100 | p50 | 5.00 | — | — |"
    assert len(lines) == 2 + 4


def test_higher_is_better_ratios_are_responder_over_peer() -> None:
    curve = Curve("rate", "Rate", "connections", "req/s", [1], ["responder", "starlette"])
    curve.lower_is_better = False
    curve.add("responder", "", 1, 300.0)
    curve.add("starlette", "", 1, 200.0)

    assert table(curve)[0].endswith("| responder ÷ starlette |")
    assert table(curve)[2] == "| 1 | 300 | 200 | 1.50 |"


def test_write_puts_the_table_and_a_png_plot_side_by_side(tmp_path: Path) -> None:
    curve = latency_curve()
    curve.notes.append("measured on a test")

    page = write(curve, tmp_path / "results")

    png = tmp_path / "results" / "demo.png"
    assert png.read_bytes()[:8] == PNG_MAGIC
    text = page.read_text()
    assert "![Demo](demo.png)" in text
    assert "| 1 | p50 | 2.00 | 3.00 | 1.50 |" in text
    assert "- measured on a test" in text


def test_write_without_plots_writes_only_the_table(tmp_path: Path) -> None:
    write(latency_curve(), tmp_path, with_plot=False)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.md"]


def test_sizes_read_as_bytes_kib_and_mib() -> None:
    assert [human_size(n) for n in (100, 1 << 10, 10 << 10, 10 << 20)] == [
        "100 B",
        "1 KiB",
        "10 KiB",
        "10 MiB",
    ]


WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:8000/text
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   412.00us  100.00us   2.10ms   90.00%
  Latency Distribution
     50%  350.50us
     75%  401.00us
     90%    1.20ms
     99%    2.05s
  10000 requests in 1.00s, 1.20MB read
Requests/sec:  10000.00
"""


def test_wrk_latency_percentiles_are_read_in_milliseconds() -> None:
    assert parse_latency(WRK_OUTPUT) == pytest.approx(
        {"50%": 0.3505, "75%": 0.401, "90%": 1.2, "99%": 2050.0}
    )
    assert parse_latency("Requests/sec: 1.0") == {}
