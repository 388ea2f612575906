"""The scale section's table and plan reading (bench/scale_table.py, bench/scale_plans.py)."""

from __future__ import annotations

from bench.scale_plans import scans
from bench.scale_table import GrowthRow, GrowthTable


def test_a_growth_row_shows_the_ratio_between_steps_and_judges_flat_growth() -> None:
    flat = GrowthRow("full sync", [600.0, 700.0, 650.0], " ms", "flat")
    linear = GrowthRow("visible after", [2.0, 20.0, 200.0], " s", "flat")

    assert flat.cells() == ["600.0 ms", "x1.2", "700.0 ms", "x0.9", "650.0 ms"]
    assert flat.result() == "PASS"
    assert linear.ratios() == ["x10.0", "x10.0"]
    assert linear.result() == "OVER"


def test_a_step_not_measured_fails_its_goal_and_shows_no_ratio() -> None:
    row = GrowthRow("every change visible", [1.0, None], " s", "flat")

    assert row.ratios() == ["-"]
    assert row.result() == "OVER"


def test_the_growth_table_has_a_column_per_step_with_ratios_between() -> None:
    table = GrowthTable(
        ["5 tutors", "50 tutors"],
        growth=[GrowthRow("lost", [0.0, 0.0], goal="zero", digits=0)],
    )

    assert table.markdown().splitlines() == [
        "| metric | 5 tutors | ratio | 50 tutors | goal | result |",
        "|---|---:|---:|---:|---|---|",
        "| lost | 0 | - | 0 | 0 | PASS |",
    ]
    assert table.verdicts() == ["PASS: lost: - (goal 0)"]


def test_a_bitmap_index_scan_is_named_after_the_table_of_its_heap_scan() -> None:
    plan = {
        "Node Type": "Nested Loop",
        "Plans": [
            {
                "Node Type": "Bitmap Heap Scan",
                "Relation Name": "tutoring_sessions",
                "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "idx_sessions"}],
            },
            {"Node Type": "Seq Scan", "Relation Name": "bookings"},
        ],
    }

    assert list(scans(plan)) == [
        {"node": "Bitmap Heap Scan", "table": "tutoring_sessions", "index": ""},
        {"node": "Bitmap Index Scan", "table": "tutoring_sessions", "index": "idx_sessions"},
        {"node": "Seq Scan", "table": "bookings", "index": ""},
    ]
