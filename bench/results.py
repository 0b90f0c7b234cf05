"""Result containers shared by both drivers and the report writer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    """One framework x scenario outcome: a number, or why there is none."""

    value: float | None = None
    #: Short marker shown instead of a number ("n/a", "FAIL", "skipped").
    status: str = ""
    note: str = ""


@dataclass
class RunResult:
    """Everything one mode measured, ready to be rendered."""

    mode: str
    frameworks: list[str]
    scenarios: list[str]
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)
    #: Frameworks that could not be loaded or started -> reason.
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def skip(self, framework: str, reason: str) -> None:
        """Record (and announce) that a framework produced no results."""
        self.skipped[framework] = reason
        print(f"  skipping {framework}: {reason}", flush=True)

    def set(self, framework: str, scenario: str, cell: Cell) -> None:
        self.cells.setdefault(framework, {})[scenario] = cell

    def get(self, framework: str, scenario: str) -> Cell:
        return self.cells.get(framework, {}).get(scenario, Cell(status="skipped"))

    @property
    def failed(self) -> bool:
        """True when any app returned a wrong response."""
        cells = (cell for row in self.cells.values() for cell in row.values())
        return any(cell.status == "FAIL" for cell in cells)


def describe(exc: BaseException) -> str:
    """Compact one-line description of an exception for notes."""
    return f"{type(exc).__name__}: {exc}"
