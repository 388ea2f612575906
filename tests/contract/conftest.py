"""Prints what the schemathesis contract run did (operations, examples, failures per role)."""

from __future__ import annotations

import pytest

from tests.contract.totals import TOTALS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not any(t.examples for t in TOTALS.values()):
        return
    terminalreporter.section("schemathesis contract totals")
    for role, totals in TOTALS.items():
        terminalreporter.write_line(
            f"{role:8} operations={len(totals.operations)} examples={totals.examples} "
            f"failures={len(totals.failures)}"
        )
        for failure in sorted(totals.failures):
            terminalreporter.write_line(f"    {failure}")
