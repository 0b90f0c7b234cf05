"""What a curve is: one measured quantity against one swept setting, per framework.

A curve holds a grid of points keyed by (framework, variant, x): ``variant``
separates lines that share a framework (the first, middle and last route of a
routing table; p50 and p99 latency), so one table and one plot show them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Curve:
    """One curve's settings and measurements, ready for the table and the plot."""

    name: str
    title: str
    x_label: str
    y_label: str
    xs: list[int]
    frameworks: list[str]
    variants: list[str] = field(default_factory=lambda: [""])
    lower_is_better: bool = True
    log_y: bool = False
    points: dict[tuple[str, str, int], float] = field(default_factory=dict)
    #: framework -> why it has no (or only some) points: n/a, failed, skipped.
    problems: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, framework: str, variant: str, x: int, value: float) -> None:
        """Record one measured point."""
        self.points[(framework, variant, x)] = value

    def get(self, framework: str, variant: str, x: int) -> float | None:
        """The point, or None when it was not measured."""
        return self.points.get((framework, variant, x))

    def fail(self, framework: str, reason: str) -> None:
        """Record (and announce) why a framework is missing some points."""
        self.problems[framework] = reason
        print(f"  {self.name}: {framework}: {reason}", flush=True)

    def series(self, framework: str, variant: str) -> tuple[list[int], list[float]]:
        """The measured (x, y) pairs of one line, in x order, gaps left out."""
        pairs = [(x, self.get(framework, variant, x)) for x in self.xs]
        kept = [(x, y) for x, y in pairs if y is not None]
        return [x for x, _ in kept], [y for _, y in kept]

    @property
    def failed(self) -> bool:
        """True when a framework answered wrongly or crashed (not merely n/a)."""
        return any(reason.startswith("FAIL") for reason in self.problems.values())


def human_size(n: int) -> str:
    """Bytes as 100 B, 10 KiB, 1 MiB: the body-size axis and table labels."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:g} {unit}" if value >= 10 else f"{value:.3g} {unit}"
    return f"{n} B"
