"""Weeks and date ranges, read in a school's own timezone."""

from datetime import UTC, date, datetime

import pytest

from app.exports.csv_writer import neutralise_formula
from app.exports.periods import ExportInputError, parse_date_range, parse_week
from app.localtime import last_complete_week


def test_week_windows_follow_each_schools_clock():
    week = parse_week("2026-W13")  # UK clocks go forward on Sunday 29 March 2026
    assert (week.first_day, week.last_day) == (date(2026, 3, 23), date(2026, 3, 29))
    assert week.utc_window("Europe/London") == (
        datetime(2026, 3, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 23, tzinfo=UTC),
    )
    assert week.utc_window("Asia/Tokyo") == (
        datetime(2026, 3, 22, 15, tzinfo=UTC),
        datetime(2026, 3, 29, 15, tzinfo=UTC),
    )


def test_iso_years_with_53_weeks():
    assert parse_week("2026-W53").first_day == date(2026, 12, 28)
    with pytest.raises(ExportInputError, match="2025 has no week 53"):
        parse_week("2025-W53")


@pytest.mark.parametrize("text", ["2026W47", "2026-W4", "2026-w47", "W47", "2026-W47; DROP", ""])
def test_malformed_weeks_are_refused_with_the_format(text):
    with pytest.raises(ExportInputError, match="like 2026-W47"):
        parse_week(text)


def test_last_complete_week_of_a_monday_and_a_sunday():
    assert last_complete_week(date(2026, 11, 23)) == "2026-W47"  # Monday of W48
    assert last_complete_week(date(2026, 11, 29)) == "2026-W47"  # Sunday of W48
    assert last_complete_week(date(2026, 1, 1)) == "2025-W52"


def test_date_range_limits():
    assert parse_date_range("2025-11-24", "2026-11-24").label == "2025-11-24_2026-11-24"
    with pytest.raises(ExportInputError, match="at most 366 days"):
        parse_date_range("2025-11-23", "2026-11-24")


@pytest.mark.parametrize(
    "cell, safe",
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (" =x", " =x"),
    ],
)
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise_formula(cell) == safe
