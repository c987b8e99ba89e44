"""Trends at a glance: visits per week per school over the term and the share of teachers
seen within their school's cadence, drawn as inline SVG on the server (no chart library),
and the per-coach summary.

The term is simply the last twelve ISO weeks, this one included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.leads.coverage import TeacherCoverage, coaches_of
from app.localtime import iso_week_label, local_date, local_today, monday_of_iso_week, weeks_up_to
from app.models import School, Visit

TERM_WEEKS = 12
#: Weekly chart drawing area (SVG user units).
WEEK_CHART = {"width": 360, "height": 120, "left": 34, "right": 8, "top": 12, "bottom": 26}
SHARE_CHART = {"width": 640, "row": 34, "label": 230, "bar": 300}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: str
    visits: int


@dataclass(frozen=True)
class SchoolWeeks:
    school: School
    counts: list[int]
    bars: list[Bar]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CadenceShare:
    school: School
    within: int
    teachers: int
    y: float
    width: float

    @property
    def percent(self) -> int:
        return round(100 * self.within / self.teachers) if self.teachers else 0


@dataclass(frozen=True)
class Trends:
    weeks: list[str]
    visits: list[SchoolWeeks]
    busiest_week: int
    shares: list[CadenceShare]
    week_chart: dict
    share_chart: dict
    share_height: int

    @property
    def week_starts(self) -> list[date]:
        """The Monday of each week, for labels a person reads ("16 Nov", not "W47")."""
        return [monday_of_iso_week(week) for week in self.weeks]


def _visits_since(school_ids: list[int], since: datetime):
    return db.session.execute(
        sa.select(Visit.school_id, Visit.coach_id, Visit.started_at).where(
            Visit.school_id.in_(school_ids), Visit.started_at >= since
        )
    ).all()


def _bars(counts: list[int], weeks: list[str], busiest: int) -> list[Bar]:
    chart = WEEK_CHART
    area_width = chart["width"] - chart["left"] - chart["right"]
    area_height = chart["height"] - chart["top"] - chart["bottom"]
    slot = area_width / len(counts)
    bars = []
    for index, count in enumerate(counts):
        height = area_height * count / busiest if busiest else 0
        bars.append(
            Bar(
                x=round(chart["left"] + index * slot + 2, 1),
                y=round(chart["top"] + area_height - height, 1),
                width=round(slot - 4, 1),
                height=round(height, 1),
                week=weeks[index],
                visits=count,
            )
        )
    return bars


def _weekly_counts(schools: list[School], weeks: list[str], now: datetime):
    by_school: dict[int, Counter] = {school.id: Counter() for school in schools}
    zones = {school.id: school.timezone for school in schools}
    since = now - timedelta(weeks=TERM_WEEKS, days=1)
    for school_id, _coach_id, started_at in _visits_since(list(by_school), since):
        local_day = local_date(started_at, zones[school_id])
        by_school[school_id][iso_week_label(local_day)] += 1
    return {school_id: [counts[week] for week in weeks] for school_id, counts in by_school.items()}


def trends_for(schools: list[School], rows: list[TeacherCoverage], now: datetime) -> Trends:
    weeks = weeks_up_to(local_today(schools[0].timezone, now), TERM_WEEKS)
    counts = _weekly_counts(schools, weeks, now)
    busiest = max((max(c) for c in counts.values()), default=0)
    visits = [
        SchoolWeeks(school, counts[school.id], _bars(counts[school.id], weeks, busiest))
        for school in schools
    ]
    teachers_by_school: dict[int, list[TeacherCoverage]] = defaultdict(list)
    for row in rows:
        teachers_by_school[row.school.id].append(row)
    shares = []
    for index, school in enumerate(schools):
        teachers = teachers_by_school[school.id]
        within = sum(1 for row in teachers if not row.overdue)
        share = within / len(teachers) if teachers else 0
        shares.append(
            CadenceShare(
                school,
                within,
                len(teachers),
                y=index * SHARE_CHART["row"],
                width=round(SHARE_CHART["bar"] * share, 1),
            )
        )
    return Trends(
        weeks,
        visits,
        busiest,
        shares,
        WEEK_CHART,
        SHARE_CHART,
        share_height=max(len(schools), 1) * SHARE_CHART["row"],
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
    for school_id, coach_id, started_at in _visits_since(list(zones), now - timedelta(days=8)):
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
