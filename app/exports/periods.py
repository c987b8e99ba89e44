"""The stretches of time exports and trends speak of: ISO weeks and date ranges, read in
each school's own timezone (a week in London and a week in Dubai start at different
instants)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
#: The longest date range one export may cover: a school year and a little more.
MAX_RANGE_DAYS = 366


class ExportInputError(ValueError):
    """Input a person can correct; the message says how."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Period:
    """Whole local days, `first_day` to `last_day` inclusive."""

    first_day: date
    last_day: date
    #: For file names: "2026-W47" or "2026-11-01_2026-11-30".
    label: str

    def utc_window(self, timezone: str) -> tuple[datetime, datetime]:
        """[start, end) in UTC of these local days in `timezone` (DST-safe)."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.first_day, time.min, zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time.min, zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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


def monday_of_iso_week(label: str) -> date:
    """'2026-W47' (a label this app made) → the Monday of that week."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def week_dates(label: str) -> str:
    """'2026-W47' → 'Week of 16–22 Nov 2026' (or '30 Nov – 6 Dec 2026' across months)."""
    monday = monday_of_iso_week(label)
    sunday = monday + timedelta(days=6)
    if monday.year != sunday.year:
        return f"Week of {monday:%-d %b %Y} – {sunday:%-d %b %Y}"
    if monday.month != sunday.month:
        return f"Week of {monday:%-d %b} – {sunday:%-d %b %Y}"
    return f"Week of {monday.day}–{sunday:%-d %b %Y}"


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


def last_complete_week(today: date) -> str:
    """The ISO week before the one `today` is in."""
    return iso_week_label(today - timedelta(days=7))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
