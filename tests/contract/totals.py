"""What the contract run did, per role, for the terminal summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RoleTotals:
    operations: set[str] = field(default_factory=set)
    examples: int = 0
    failures: dict[str, str] = field(default_factory=dict)


TOTALS: dict[str, RoleTotals] = {role: RoleTotals() for role in ("student", "tutor", "admin")}
