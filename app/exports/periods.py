"""Reading the stretch of time an export asks for: an ISO week or a date range, as a
person types it. The days themselves are read on each school's clock (app.localtime)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.localtime import Period

ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
#: The longest date range one export may cover: a school year and a little more.
MAX_RANGE_DAYS = 366


class ExportInputError(ValueError):
    """Input a person can correct; the message says how."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def parse_week(text: str | None) -> Period:
    """'2026-W47' → Monday to Sunday of that ISO week."""
    text = (text or "").strip()
    match = ISO_WEEK.match(text)
    if not match:
        raise ExportInputError("Enter a week like 2026-W47 (year, W, week number).", "week")
    year, week = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ExportInputError(f"{year} has no week {week}.", "week") from None
    return Period(monday, monday + timedelta(days=6), text)


def parse_day(text: str | None, field: str, name: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ExportInputError(f"Enter the {name} as a date like 2026-11-01.", field) from None


def parse_date_range(first: str | None, last: str | None) -> Period:
    first_day = parse_day(first, "from", "first day")
    last_day = parse_day(last, "to", "last day")
    if last_day < first_day:
        raise ExportInputError("The last day must be on or after the first day.", "to")
    if (last_day - first_day).days >= MAX_RANGE_DAYS:
        raise ExportInputError(f"Choose at most {MAX_RANGE_DAYS} days.", "to")
    return Period(first_day, last_day, f"{first_day.isoformat()}_{last_day.isoformat()}")
