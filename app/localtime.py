"""School-local time: every date, ISO week and term is read on the school's own clock
(a week in London and a week in Dubai start at different instants). Times are stored in
UTC; this is the one place that turns them into a school's days, weeks and terms.

`timezone` is always an IANA name, as School.timezone holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Moments and days --------------------------------------------------------------------


def local_time(moment: datetime | None, timezone: str) -> datetime | None:
    """A UTC time as the clock on the school's wall showed it."""
    return moment.astimezone(ZoneInfo(timezone)) if moment else None


def local_date(moment: datetime, timezone: str) -> date:
    """The school's calendar day of a moment."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_today(timezone: str, now: datetime | None = None) -> date:
    return local_date(now or datetime.now(UTC), timezone)


def sqlite_local_date(moment: str, timezone: str) -> str:
    """local_date for SQL on SQLite (app.authz.school_dates): a UTC moment as SQLite holds
    it ('2026-06-10 12:30:00.000000') to the school's day ('2026-06-11')."""
    return local_date(datetime.fromisoformat(moment).replace(tzinfo=UTC), timezone).isoformat()


def local_iso(moment: datetime | None, timezone: str) -> str:
    """'2026-11-16T09:05:00+00:00' on the school's clock, or '' for no time."""
    return moment.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds") if moment else ""


def start_of_day(day: date, timezone: str) -> datetime:
    """The UTC instant the school's `day` begins (DST-safe)."""
    return datetime.combine(day, time.min, ZoneInfo(timezone)).astimezone(UTC)


def school_day(moment: datetime | None, timezone: str, with_weekday: bool = True) -> str:
    """A day as people in the school say it: "Monday 16 November" (year added when it
    is not this year)."""
    local = local_time(moment, timezone)
    if local is None:
        return ""
    text = f"{local:%A} {local.day} {local:%B}" if with_weekday else f"{local.day} {local:%B}"
    if local.year != local_today(timezone).year:
        text += f" {local.year}"
    return text


#: How often offset_spans looks at the clock (then halves to the second of a change).
PROBE_SECONDS = 6 * 3600


def offset_spans(timezone: str, start: datetime, end: datetime) -> list[tuple]:
    """[start, end) cut where the school's clocks change: (since, until, UTC offset) for
    each stretch on one offset. Looked at every six hours, then to the second: clocks
    never change twice within six hours, and always on a whole second."""
    zone = ZoneInfo(timezone)
    first, last = int(start.timestamp()), int(end.timestamp())

    def offset_at(second: int) -> timedelta:
        return datetime.fromtimestamp(second, zone).utcoffset()

    spans, since, offset = [], first, offset_at(first)
    checked = first
    for probe in [*range(first + PROBE_SECONDS, last, PROBE_SECONDS), last - 1]:
        if offset_at(probe) != offset:
            while probe - checked > 1:  # halve to the first second on the new offset
                middle = (checked + probe) // 2
                if offset_at(middle) == offset:
                    checked = middle
                else:
                    probe = middle
            spans.append((since, probe, offset))
            since, offset = probe, offset_at(probe)
        checked = probe
    spans.append((since, last, offset))
    return [
        (datetime.fromtimestamp(since, UTC), datetime.fromtimestamp(until, UTC), offset)
        for since, until, offset in spans
    ]


#: A period's [start, end) in UTC for each school timezone it is read in.
UtcWindows = dict[str, tuple[datetime, datetime]]


def utc_offset_label(local: datetime) -> str:
    """'UTC+01:00' (or 'UTC') for an aware time: which clock a time is on."""
    offset = local.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign, offset = ("-", -offset) if offset < timedelta(0) else ("+", offset)
    hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def is_ambiguous(local: datetime) -> bool:
    """Does this wall-clock time happen twice (the hour the clocks go back)?"""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


@dataclass(frozen=True)
class Clock:
    """The clock a person reads times on: their first school's (by id, as the emails
    choose). The offset is shown when that could be misread: the person's schools keep
    different clocks (or they have none, so it is UTC), or the time happens twice."""

    timezone: str
    always_offset: bool = False

    @classmethod
    def of_schools(cls, schools) -> Clock:
        zones = list(dict.fromkeys(school.timezone for school in sorted(schools, key=_by_id)))
        if not zones:
            return cls("UTC", always_offset=True)
        return cls(zones[0], always_offset=len(zones) > 1)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.timezone)).date()

    def show(self, moment: datetime) -> str:
        """'25 Oct 2026, 01:30', with ' (UTC+01:00)' where it could be misread."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        text = f"{local:%-d %b %Y, %H:%M}"
        if self.always_offset or is_ambiguous(local):
            text += f" ({utc_offset_label(local)})"
        return text


def _by_id(school) -> int:
    return school.id


@dataclass(frozen=True)
class Period:
    """Whole local days, `first_day` to `last_day` inclusive."""

    first_day: date
    last_day: date
    #: For file names: "2026-W47" or "2026-11-01_2026-11-30".
    label: str

    def utc_window(self, timezone: str) -> tuple[datetime, datetime]:
        """[start, end) in UTC of these local days in `timezone` (DST-safe)."""
        return start_of_day(self.first_day, timezone), start_of_day(
            self.last_day + timedelta(days=1), timezone
        )


# ISO weeks ---------------------------------------------------------------------------


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


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


def last_complete_week(today: date) -> str:
    """The ISO week before the one `today` is in."""
    return iso_week_label(today - timedelta(days=7))


def weeks_up_to(today: date, count: int) -> list[str]:
    """The `count` ISO weeks ending with the one `today` is in, oldest first."""
    this_monday = monday_of(today)
    return [
        iso_week_label(this_monday - timedelta(weeks=back)) for back in range(count - 1, -1, -1)
    ]


# Terms -------------------------------------------------------------------------------

#: English school terms by the month they fall in: autumn from September, spring from
#: January, summer from April. Close enough to group a year's steps the way teachers do.
TERM_BY_MONTH = {
    **{month: "Autumn" for month in (9, 10, 11, 12)},
    **{month: "Spring" for month in (1, 2, 3)},
    **{month: "Summer" for month in (4, 5, 6, 7, 8)},
}


def term_of(day: date) -> str:
    return f"{TERM_BY_MONTH[day.month]} term {day.year}"


def register(app) -> None:
    """The template filters every page may use."""
    app.add_template_filter(_school_time_filter, "school_time")
    app.add_template_filter(_school_day_filter, "school_day")


def _school_day_filter(moment: datetime | None, school, with_weekday: bool = True) -> str:
    return school_day(moment, school.timezone, with_weekday)


def _school_time_filter(moment: datetime | None, school) -> datetime | None:
    return local_time(moment, school.timezone)
