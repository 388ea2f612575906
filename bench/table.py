"""A section's figures as rows of data, and the Markdown table, verdicts and JSON made of them.

A row is what was measured: tutorcal's value, the floor's (if any) and a target on either
the ratio (tutorcal / floor) or on tutorcal's own value; the text of each cell and the
PASS/OVER verdict follow from those numbers, the same way in every section::

    table = Table(("tutorcal serve", "floor (bare FastAPI+Tortoise)"))
    table.compare("reads/s", 812.0, 950.0, "{:.0f}", Target(0.8, at_least=True))
    table.add("Google calls per read", calls / reads, "{:.3g}", Target(0))
    print(table.markdown(), *table.verdicts(), sep="\\n")

OVER means the target is missed, whichever way the target points. A row without a target
says ``info``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["PASS", "OVER", "info"]


@dataclass(frozen=True)
class Target:
    bound: float
    at_least: bool = False  # "≥ bound", else "≤ bound"
    unit: str = ""

    @property
    def text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{'≥' if self.at_least else '≤'} {self.bound:g}{unit}"

    def met(self, value: float) -> bool:
        # Judged on the value as printed, so a row never reads "1.30 ... OVER" against "≤ 1.3".
        shown = round(value, 2)
        return not math.isnan(value) and (
            shown >= self.bound if self.at_least else shown <= self.bound
        )


@dataclass
class Row:
    metric: str
    tutorcal: str
    floor: str = "-"
    ratio: str = "-"
    target: str = "-"
    result: Verdict = "info"
    values: dict[str, float | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        def finite(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        return {
            "metric": self.metric,
            "tutorcal": self.tutorcal,
            "floor": self.floor,
            "ratio": self.ratio,
            "target": self.target,
            "result": self.result,
            "values": {key: finite(value) for key, value in self.values.items()},
        }


def judge(passed: bool) -> Verdict:
    return "PASS" if passed else "OVER"


def ratio_of(tutorcal: float, floor: float) -> float:
    return tutorcal / floor if floor and not math.isnan(floor) else math.nan


def shown(value: float, form: str) -> str:
    return "-" if math.isnan(value) else form.format(value)


def markdown(header: Sequence[str], numeric: int, body: Iterable[Sequence[str]]) -> str:
    """A Markdown table: the metric, then ``numeric`` right-aligned columns, then the rest."""
    lines = [
        f"| {' | '.join(header)} |",
        "|---|" + "---:|" * numeric + "---|" * (len(header) - 1 - numeric),
    ]
    lines += [f"| {' | '.join(cells)} |" for cells in body]
    return "\n".join(lines)


@dataclass
class Table:
    """Rows under one heading: one column (tutorcal) or two (tutorcal and its floor)."""

    labels: Sequence[str]
    rows: list[Row] = field(default_factory=list)

    def compare(
        self,
        metric: str,
        tutorcal: float,
        floor: float,
        form: str,
        target: Target | None = None,
        **values: float | None,
    ) -> Row:
        """tutorcal beside the floor, with the ratio; ``target`` on the ratio."""
        ratio = ratio_of(tutorcal, floor)
        row = Row(
            metric,
            shown(tutorcal, form),
            shown(floor, form),
            shown(ratio, "{:.2f}"),
            values={"tutorcal": tutorcal, "floor": floor, "ratio": ratio, **values},
        )
        if target is not None:
            row.target, row.result = target.text, judge(target.met(ratio))
        self.rows.append(row)
        return row

    def add(
        self,
        metric: str,
        value: float,
        text: str,
        target: Target | None = None,
        *,
        passed: bool | None = None,
        floor: str = "-",
        target_text: str | None = None,
        **values: float | None,
    ) -> Row:
        """tutorcal's own figure: ``text`` a format for ``value`` or the cell itself;
        judged by ``target`` or by ``passed`` (a check the target alone cannot say)."""
        cell = text.format(value) if "{" in text else text
        row = Row(metric, cell, floor, values={"tutorcal": value, **values})
        if target is not None:
            row.target, row.result = target.text, judge(target.met(value))
        if passed is not None:
            row.result = judge(passed)
        if target_text is not None:
            row.target = target_text
        self.rows.append(row)
        return row

    def markdown(self) -> str:
        if len(self.labels) == 1:
            return markdown(
                ("metric", self.labels[0], "target", "result"),
                1,
                ((r.metric, r.tutorcal, r.target, r.result) for r in self.rows),
            )
        return markdown(
            ("metric", *self.labels[:2], "ratio", "target", "result"),
            3,
            ((r.metric, r.tutorcal, r.floor, r.ratio, r.target, r.result) for r in self.rows),
        )

    def verdicts(self) -> list[str]:
        return [
            f"{row.result}: {row.metric}: {row.ratio if row.ratio != '-' else row.tutorcal} "
            f"(target {row.target})"
            for row in self.rows
            if row.result != "info"
        ]

    def as_json(self) -> list[dict[str, Any]]:
        return [row.as_json() for row in self.rows]


@dataclass
class Report:
    """What a section hands back: its table, its own data for the JSON, notes, a profile."""

    table: Table
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    profile: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            **self.data,
            "rows": self.table.as_json(),
            "notes": self.notes,
            "profile": self.profile,
            "table_markdown": self.table.markdown(),
        }
