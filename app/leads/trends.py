"""Trends at a glance: visits per week per school over the term and, week by week, the
share of teachers seen within their school's cadence, drawn as inline SVG on the server
(no chart library), and the per-coach summary.

The term is simply the last twelve ISO weeks, this one included; this week is still going
on, so its figures are "so far" and the charts mark it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.leads.coverage import TeacherCoverage, coaches_of
from app.localtime import iso_week_label, local_date, local_today, monday_of_iso_week, weeks_up_to
from app.models import CADENCE_DAYS, School, Visit

TERM_WEEKS = 12
#: Weekly chart drawing area (SVG user units): room on the left and below for the ticks
#: and the one label each axis has.
WEEK_CHART = {"width": 360, "height": 150, "left": 50, "right": 8, "top": 12, "bottom": 44}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: str
    value: int
    #: The current week, not over yet.
    so_far: bool


@dataclass(frozen=True)
class SchoolWeeks:
    """Visits per week in one school."""

    school: School
    counts: list[int]
    bars: list[Bar]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class WeekShare:
    within: int
    teachers: int

    @property
    def percent(self) -> int:
        return round(100 * self.within / self.teachers) if self.teachers else 0


@dataclass(frozen=True)
class SchoolShares:
    """Week by week, how many of one school's teachers had been seen within its cadence at
    the end of that week (this week: today)."""

    school: School
    weeks: list[WeekShare]
    bars: list[Bar]

    @property
    def latest(self) -> WeekShare:
        return self.weeks[-1]


@dataclass(frozen=True)
class Trends:
    weeks: list[str]
    visits: list[SchoolWeeks]
    busiest_week: int
    shares: list[SchoolShares]
    week_chart: dict
    #: False for a cycle that is over: its last week is not "this week, so far".
    ongoing: bool = True

    @property
    def week_starts(self) -> list[date]:
        """The Monday of each week, for labels a person reads ("16 Nov", not "W47")."""
        return [monday_of_iso_week(week) for week in self.weeks]


def _visits_since(school_ids: list[int], since: datetime):
    return db.session.execute(
        sa.select(Visit.school_id, Visit.coach_id, Visit.teacher_id, Visit.started_at).where(
            Visit.school_id.in_(school_ids), Visit.started_at >= since
        )
    ).all()


def _bars(values: list[int], weeks: list[str], top: int, ongoing: bool = True) -> list[Bar]:
    """Bars on a scale from 0 to `top`; the last week is this week, so far (if ongoing)."""
    chart = WEEK_CHART
    area_width = chart["width"] - chart["left"] - chart["right"]
    area_height = chart["height"] - chart["top"] - chart["bottom"]
    slot = area_width / len(values)
    bars = []
    for index, value in enumerate(values):
        height = area_height * value / top if top else 0
        bars.append(
            Bar(
                x=round(chart["left"] + index * slot + 2, 1),
                y=round(chart["top"] + area_height - height, 1),
                width=round(slot - 4, 1),
                height=round(height, 1),
                week=weeks[index],
                value=value,
                so_far=ongoing and index == len(values) - 1,
            )
        )
    return bars


def _local_visits(
    schools: list[School], now: datetime, weeks: int = TERM_WEEKS
) -> dict[int, list[tuple[int, date]]]:
    """Per school: (teacher id, local date) of each visit of the term, and of the fortnight
    before it (a visit then still counts as "within cadence" in the first weeks)."""
    zones = {school.id: school.timezone for school in schools}
    since = now - timedelta(weeks=weeks + 2, days=1)
    visits: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for school_id, _coach_id, teacher_id, started_at in _visits_since(list(zones), since):
        visits[school_id].append((teacher_id, local_date(started_at, zones[school_id])))
    return visits


def _weekly_counts(weeks: list[str], visits: list[tuple[int, date]]) -> list[int]:
    counts = Counter(iso_week_label(day) for _teacher_id, day in visits)
    return [counts[week] for week in weeks]


def _weekly_shares(
    school: School,
    weeks: list[str],
    teacher_ids: set[int],
    visits: list[tuple[int, date]],
    today: date,
) -> list[WeekShare]:
    """At the end of each week (this week: today), how many of these teachers had a visit
    within the cadence: the last visit no more than 7 (or 14) days before. The same rule
    as coverage, so this week's figure is the coverage table's."""
    cadence = timedelta(days=CADENCE_DAYS[school.cadence])
    days_by_teacher: dict[int, list[date]] = defaultdict(list)
    for teacher_id, day in visits:
        if teacher_id in teacher_ids:
            days_by_teacher[teacher_id].append(day)
    for days in days_by_teacher.values():
        days.sort()
    shares = []
    for week in weeks:
        end = min(monday_of_iso_week(week) + timedelta(days=6), today)
        within = sum(
            1 for days in days_by_teacher.values() if _visited_between(days, end - cadence, end)
        )
        shares.append(WeekShare(within, len(teacher_ids)))
    return shares


def _visited_between(sorted_days: list[date], first: date, last: date) -> bool:
    index = bisect_left(sorted_days, first)
    return index < len(sorted_days) and sorted_days[index] <= last


def trends_for(
    schools: list[School],
    rows: list[TeacherCoverage],
    now: datetime,
    week_count: int = TERM_WEEKS,
    ongoing: bool = True,
) -> Trends:
    """The last `week_count` weeks up to `now` (a cycle's weeks when coverage shows one;
    `ongoing` False when that cycle is over)."""
    weeks = weeks_up_to(local_today(schools[0].timezone, now), week_count)
    visits = _local_visits(schools, now, week_count)
    counts = {school.id: _weekly_counts(weeks, visits[school.id]) for school in schools}
    busiest = max((max(c) for c in counts.values()), default=0)
    teachers: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        teachers[row.school.id].add(row.teacher_id)
    shares = []
    for school in schools:
        today = local_today(school.timezone, now)
        weekly = _weekly_shares(school, weeks, teachers[school.id], visits[school.id], today)
        bars = _bars([share.percent for share in weekly], weeks, 100, ongoing)
        shares.append(SchoolShares(school, weekly, bars))
    return Trends(
        weeks,
        [
            SchoolWeeks(
                school, counts[school.id], _bars(counts[school.id], weeks, busiest, ongoing)
            )
            for school in schools
        ],
        busiest,
        shares,
        WEEK_CHART,
        ongoing,
    )


@dataclass(frozen=True)
class CoachSummary:
    coach_id: int
    name: str
    coachees: int
    visits_this_week: int
    overdue: int


def coach_summaries(
    schools: list[School], rows: list[TeacherCoverage], now: datetime
) -> list[CoachSummary]:
    """Each current coach in these schools: visits this ISO week (in the school's own
    calendar) and how many of their coachees are overdue."""
    zones = {school.id: school.timezone for school in schools}
    this_week: Counter = Counter()
    for school_id, coach_id, _teacher_id, started_at in _visits_since(
        list(zones), now - timedelta(days=8)
    ):
        zone = zones[school_id]
        if iso_week_label(local_date(started_at, zone)) == iso_week_label(local_today(zone, now)):
            this_week[coach_id] += 1
    coachees: dict[int, list[TeacherCoverage]] = defaultdict(list)
    for row in rows:
        for coach_id, _name in row.coaches:
            coachees[coach_id].append(row)
    return [
        CoachSummary(
            coach_id,
            name,
            len(coachees[coach_id]),
            this_week[coach_id],
            sum(1 for row in coachees[coach_id] if row.overdue),
        )
        for coach_id, name in coaches_of(rows)
    ]
