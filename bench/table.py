"""One row of the benchmark table, and the table printed at the end of a run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """A measure beside its baseline. `ratio` is what the goal is stated in; `met` says
    whether the goal holds."""

    measure: str
    ours: str
    baseline: str
    ratio: str
    goal: str
    met: bool | None


def at_least(value: float, goal: float) -> tuple[str, bool]:
    return f"{value:.2f}", value >= goal


def at_most(value: float, goal: float) -> tuple[str, bool]:
    return f"{value:.2f}", value <= goal


COLUMNS = ("measure", "ours", "baseline (same run)", "ratio", "goal", "met")


def _cells(row: Row) -> tuple[str, ...]:
    met = {True: "yes", False: "NO", None: "–"}[row.met]
    return (row.measure, row.ours, row.baseline, row.ratio, row.goal, met)


def markdown(rows: Iterable[Row]) -> str:
    """The table as Markdown, columns padded so it also reads well in a terminal."""
    lines = [COLUMNS, *(_cells(row) for row in rows)]
    widths = [max(len(line[n]) for line in lines) for n in range(len(COLUMNS))]

    def render(cells) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])
