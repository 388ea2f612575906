"""The scale section's table: one column per step, the ratio to the step before between them.

Linear growth reads x10 a step (the steps are 10x apart), flat x1. A row's goal is ``flat``
(at most FLAT_RATIO a step), ``zero``, a ``bound`` on every step's value, or none (``info``);
PASS/OVER follow from the numbers, as in bench/table.py, whose ``Table`` this stands in for.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.table import Table, Verdict, markdown

FLAT_RATIO = 2.0
Goal = Literal["flat", "zero", "bound", "info"]


@dataclass
class GrowthRow:
    metric: str
    values: Sequence[float | None]  # one a step; None: not measured (a timeout)
    unit: str = ""
    goal: Goal = "info"
    digits: int = 1
    bound: float | None = None

    def ratios(self) -> list[str]:
        return [
            f"x{b / a:.1f}" if a and b is not None and not math.isnan(a) else "-"
            for a, b in itertools.pairwise(self.values)
        ]

    def result(self) -> Verdict:
        present = [v for v in self.values if v is not None]
        if self.goal == "info":
            return "info"
        if len(present) < len(self.values):
            return "OVER"
        if self.goal == "zero":
            return "PASS" if all(v == 0 for v in present) else "OVER"
        if self.goal == "bound":
            return "PASS" if self.bound is not None and max(present) <= self.bound else "OVER"
        steps = itertools.pairwise(present)
        return "PASS" if all(b <= a * FLAT_RATIO for a, b in steps if a) else "OVER"

    def goal_text(self) -> str:
        return {
            "flat": f"flat (≤ x{FLAT_RATIO:g} a step)",
            "zero": "0",
            "bound": f"≤ {self.bound:g}" if self.bound is not None else "-",
            "info": "-",
        }[self.goal]

    def cells(self) -> list[str]:
        shown = ["-" if v is None else f"{v:,.{self.digits}f}{self.unit}" for v in self.values]
        cells = shown[:1]
        for value, ratio in zip(shown[1:], self.ratios(), strict=True):
            cells += [ratio, value]
        return cells

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "values": list(self.values),
            "ratios": self.ratios(),
            "goal": self.goal_text(),
            "result": self.result(),
        }


@dataclass
class GrowthTable(Table):
    """``labels``: the steps' headings."""

    growth: list[GrowthRow] = field(default_factory=list)

    def markdown(self) -> str:
        steps = list(self.labels[:1])
        for label in self.labels[1:]:
            steps += ["ratio", label]
        return markdown(
            ("metric", *steps, "goal", "result"),
            len(steps),
            ((row.metric, *row.cells(), row.goal_text(), row.result()) for row in self.growth),
        )

    def verdicts(self) -> list[str]:
        return [
            f"{row.result()}: {row.metric}: {' '.join(row.ratios()) or '-'} "
            f"(goal {row.goal_text()})"
            for row in self.growth
            if row.goal != "info"
        ]

    def as_json(self) -> list[dict[str, Any]]:
        return [row.as_json() for row in self.growth]
