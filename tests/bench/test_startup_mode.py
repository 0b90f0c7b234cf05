"""bench/run startup: one round for Responder alone, read back from its report."""

from __future__ import annotations

from bench import startup


def test_a_startup_run_measures_responder_and_says_how_busy_the_machine_was() -> None:
    result = startup.run(["responder"], runs=1)
    report = startup.render(result, runs=1)
    row = next(line for line in report.splitlines() if line.startswith("| responder |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    import_cpu, modules = float(cells[2]), int(cells[6].replace(",", ""))
    assert import_cpu > 0 and modules > 100
    assert "1-minute load average: " in report and " at the start, " in report
