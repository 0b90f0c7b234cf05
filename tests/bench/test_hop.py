"""bench/run hop: every way of running a sync call off the loop is timed and tabled."""

from __future__ import annotations

from bench import hop
from bench.cli import main


def test_hop_mode_times_every_way_and_writes_its_table(tmp_path, capsys) -> None:
    assert main(["hop", "--calls", "200", "--rounds", "1", "--results-dir", str(tmp_path)]) == 0
    table = (tmp_path / "hop.md").read_text()
    for way in hop.WAYS:
        assert f"| {way} |" in table
    assert "responder's hop over inline" in table
    assert "written to" in capsys.readouterr().out


def test_run_gives_a_median_for_every_way_on_either_loop() -> None:
    for loop in ("asyncio", "uvloop"):
        result = hop.run(calls=100, rounds=1, loop=loop)
        assert set(result) == set(hop.WAYS)
        assert all(wall > 0 and cpu >= 0 for wall, cpu in result.values())
