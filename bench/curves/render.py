"""Write a curve as a Markdown table (values and ratios) and a PNG plot.

The table has one row per (x, variant) and, as every bench table, ratio
columns oriented so that > 1 means Responder is faster. The plot draws one
line per (framework, variant): a colour per framework, a line style per
variant, the x axis logarithmic (every sweep is geometric). matplotlib is
imported only when a plot is written, with the Agg backend (no display).
"""

from __future__ import annotations

from pathlib import Path

from bench.apps import SUBJECT
from bench.curves.model import Curve, human_size
from bench.report import environment

_STYLES = ("-", "--", ":", "-.")
_COLOURS = {
    "responder": "#d62728",
    "starlette": "#1f77b4",
    "litestar": "#2ca02c",
    "falcon": "#9467bd",
    "fastapi": "#17becf",
    "raw": "#7f7f7f",
}


def x_text(curve: Curve, x: int) -> str:
    """An x value as the table shows it (sizes in B/KiB/MiB)."""
    return human_size(x) if "bytes" in curve.x_label else f"{x:,}"


def _value(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value:.3f}"
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def _ratio(curve: Curve, ours: float | None, theirs: float | None) -> str:
    if not ours or not theirs:
        return "—"
    return f"{(theirs / ours if curve.lower_is_better else ours / theirs):.2f}"


def table(curve: Curve) -> list[str]:
    """The Markdown table: values per framework, then each peer's ratio to Responder."""
    peers = [f for f in curve.frameworks if f != SUBJECT]
    with_ratios = SUBJECT in curve.frameworks
    ratio_names = [
        f"{p} ÷ {SUBJECT}" if curve.lower_is_better else f"{SUBJECT} ÷ {p}" for p in peers
    ]
    many = len(curve.variants) > 1
    header = [curve.x_label, *(["variant"] if many else []), *curve.frameworks]
    header += ratio_names if with_ratios else []
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for x in curve.xs:
        for variant in curve.variants:
            row = [x_text(curve, x), *([variant] if many else [])]
            row += [_value(curve.get(f, variant, x)) for f in curve.frameworks]
            if with_ratios:
                ours = curve.get(SUBJECT, variant, x)
                row += [_ratio(curve, ours, curve.get(p, variant, x)) for p in peers]
            lines.append("| " + " | ".join(row) + " |")
    return lines


def markdown(curve: Curve, image: str | None = None) -> str:
    """The curve's whole section: title, convention, versions, table, plot, notes."""
    better = "lower" if curve.lower_is_better else "higher"
    if curve.lower_is_better:
        convention = f"Ratio columns are peer ÷ {SUBJECT}"
    else:
        convention = f"Ratio columns are {SUBJECT} ÷ peer"
    out = [
        f"## {curve.title}",
        "",
        f"{curve.y_label} ({better} is better). {convention}: **> 1 means {SUBJECT} is faster**.",
        "",
        environment(),
        "",
        *table(curve),
        "",
    ]
    if image:
        out += [f"![{curve.title}]({image})", ""]
    out += [f"- {note}" for note in curve.notes]
    out += [f"- **{framework}**: {why}" for framework, why in curve.problems.items()]
    return "\n".join(out).rstrip() + "\n"


def plot(curve: Curve, path: Path) -> Path:
    """Draw the curve to ``path`` as a PNG (Agg backend); returns the path."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    try:
        for framework in curve.frameworks:
            for index, variant in enumerate(curve.variants):
                xs, ys = curve.series(framework, variant)
                if not xs:
                    continue
                label = f"{framework} {variant}".strip()
                style = _STYLES[index % len(_STYLES)]
                colour = _COLOURS.get(framework)
                ax.plot(xs, ys, style, marker="o", markersize=3, color=colour, label=label)
        ax.set_xscale("log")
        if curve.log_y:
            ax.set_yscale("log")
        ticks = curve.xs
        ax.set_xticks(ticks, [x_text(curve, x) for x in ticks])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())  # the labelled ticks only
        ax.set_title(curve.title.replace("`", ""), fontsize=10)
        ax.set_xlabel(curve.x_label)
        ax.set_ylabel(curve.y_label)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7, ncol=2 if len(curve.variants) > 1 else 1)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path


def write(curve: Curve, results_dir: Path, with_plot: bool = True) -> Path:
    """Write ``<name>.md`` (and ``<name>.png``) under ``results_dir``; returns the table's path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    image = None
    if with_plot:
        image = plot(curve, results_dir / f"{curve.name}.png").name
    path = results_dir / f"{curve.name}.md"
    path.write_text(markdown(curve, image))
    return path
