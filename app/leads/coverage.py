"""Coverage: for each teacher of a lead's schools, when they were last visited and whether
that is longer ago than the school's cadence allows (weekly 7 days, fortnightly 14).

A teacher's drop-in is due (`overdue`) when more days than the cadence have passed since
their last visit (in the school's own calendar), or when they have had no visit yet. It says
the coaching is late, never anything about the teacher. "Recent" visits are those of the
last six weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.authz import pair_is_current
from app.errors import UnknownSchool
from app.extensions import db
from app.localtime import local_date, local_today
from app.models import CADENCE_DAYS, ActionStep, CoachingPair, Membership, School, User, Visit

HALF_TERM = timedelta(weeks=6)
#: Rows shown at once; a trust lead narrows by school or coach to see the rest.
MAX_ROWS = 300
SORT_KEYS = ("teacher", "school", "coach", "last_visit", "visits", "step_status")
CADENCE_WORDS = {"weekly": "every week", "fortnightly": "every fortnight"}
STATUS_ORDER = {"new": 0, "practising": 1, "embedded": 2, None: 3}


@dataclass
class TeacherCoverage:
    teacher_id: int
    teacher_name: str
    school: School
    coaches: list[tuple[int, str]] = field(default_factory=list)
    last_visit_on: date | None = None
    last_visit_id: str | None = None
    days_since: int | None = None
    recent_visits: int = 0
    step_text: str | None = None
    step_status: str | None = None
    overdue: bool = True

    @property
    def cadence_days(self) -> int:
        return CADENCE_DAYS[self.school.cadence]

    @property
    def cadence_words(self) -> str:
        """The cadence in plain words: "every week" or "every fortnight"."""
        return CADENCE_WORDS[self.school.cadence]

    @property
    def coach_names(self) -> str:
        return ", ".join(name for _, name in self.coaches)


def _teachers(school_ids: list[int]):
    return db.session.execute(
        sa.select(Membership.school_id, User.id, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role == "teacher", Membership.school_id.in_(school_ids), User.active)
    ).all()


def _current_coaches(school_ids: list[int], today: date):
    return db.session.execute(
        sa.select(CoachingPair.school_id, CoachingPair.teacher_id, User.id, User.name)
        .join(User, User.id == CoachingPair.coach_id)
        .where(CoachingPair.school_id.in_(school_ids), pair_is_current(today))
        .order_by(User.name)
    ).all()


def _last_visits(school_ids: list[int], since: datetime):
    """Per (school, teacher) with a visit: the last visit's start, its action step, and how
    many visits started since `since`."""
    stats = (
        sa.select(
            Visit.school_id,
            Visit.teacher_id,
            sa.func.max(Visit.started_at).label("last_at"),
            sa.func.count(sa.case((Visit.started_at >= since, 1))).label("recent"),
        )
        .where(Visit.school_id.in_(school_ids))
        .group_by(Visit.school_id, Visit.teacher_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(
            stats.c.school_id,
            stats.c.teacher_id,
            stats.c.last_at,
            stats.c.recent,
            Visit.id,
            ActionStep.text,
            ActionStep.status,
        )
        .join(
            Visit,
            sa.and_(
                Visit.school_id == stats.c.school_id,
                Visit.teacher_id == stats.c.teacher_id,
                Visit.started_at == stats.c.last_at,
            ),
        )
        .outerjoin(ActionStep, ActionStep.visit_id == Visit.id)
        # Two visits starting at the same instant: the later id's step wins, every time.
        .order_by(Visit.id)
    ).all()


def coverage_rows(schools: list[School], now: datetime) -> list[TeacherCoverage]:
    """One row per active teacher of these schools, in no particular order."""
    by_id = {school.id: school for school in schools}
    school_ids = list(by_id)
    rows = {
        (school_id, teacher_id): TeacherCoverage(teacher_id, name, by_id[school_id])
        for school_id, teacher_id, name in _teachers(school_ids)
    }
    for school_id, teacher_id, coach_id, coach_name in _current_coaches(school_ids, now.date()):
        if (school_id, teacher_id) in rows:
            rows[(school_id, teacher_id)].coaches.append((coach_id, coach_name))
    for school_id, teacher_id, last_at, recent, visit_id, step_text, step_status in _last_visits(
        school_ids, now - HALF_TERM
    ):
        row = rows.get((school_id, teacher_id))
        if row is None:
            continue
        zone = row.school.timezone
        row.last_visit_on = local_date(last_at, zone)
        row.days_since = (local_today(zone, now) - row.last_visit_on).days
        row.last_visit_id = visit_id
        row.recent_visits = recent
        row.overdue = row.days_since > row.cadence_days
        row.step_text, row.step_status = step_text, step_status
    return list(rows.values())


@dataclass(frozen=True)
class CoverageFilters:
    school: School | None = None
    coach_id: int | None = None
    overdue_only: bool = False
    sort: str = "last_visit"
    descending: bool = False

    @classmethod
    def from_args(cls, args: MultiDict, schools: list[School]) -> CoverageFilters:
        """Read the query string; an unknown sort falls back to the default, an unknown
        school is not found (UnknownSchool)."""
        school = None
        if slug := args.get("school"):
            school = next((s for s in schools if s.slug == slug), None)
            if school is None:
                raise UnknownSchool(slug)
        sort = args.get("sort", "last_visit")
        return cls(
            school=school,
            coach_id=args.get("coach", type=int),
            overdue_only=args.get("overdue") == "1",
            sort=sort if sort in SORT_KEYS else "last_visit",
            descending=args.get("dir") == "desc",
        )

    def query_args(self, **changes) -> dict[str, str]:
        """The query string for these filters with some changed (for sort links)."""
        values = {
            "school": self.school.slug if self.school else None,
            "coach": self.coach_id,
            "overdue": "1" if self.overdue_only else None,
            "sort": self.sort,
            "dir": "desc" if self.descending else None,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value is not None}


def _sort_key(sort: str):
    never = date.min
    keys = {
        "teacher": lambda r: (r.teacher_name.lower(),),
        "school": lambda r: (r.school.name.lower(), r.teacher_name.lower()),
        "coach": lambda r: (r.coach_names.lower() or "\uffff", r.teacher_name.lower()),
        # Oldest (or never) first: those most in need of a visit lead.
        "last_visit": lambda r: (r.last_visit_on or never, r.teacher_name.lower()),
        "visits": lambda r: (r.recent_visits, r.teacher_name.lower()),
        "step_status": lambda r: (STATUS_ORDER.get(r.step_status, 3), r.teacher_name.lower()),
    }
    return keys[sort]


@dataclass(frozen=True)
class CoverageTable:
    rows: list[TeacherCoverage]
    #: Matching rows before the MAX_ROWS cut.
    total: int
    overdue: int


def filter_and_sort(rows: list[TeacherCoverage], filters: CoverageFilters) -> CoverageTable:
    chosen = [
        row
        for row in rows
        if (filters.school is None or row.school.id == filters.school.id)
        and (filters.coach_id is None or filters.coach_id in {c for c, _ in row.coaches})
        and (not filters.overdue_only or row.overdue)
    ]
    chosen.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    overdue = sum(1 for row in chosen if row.overdue)
    return CoverageTable(chosen[:MAX_ROWS], len(chosen), overdue)


def coaches_of(rows: list[TeacherCoverage]) -> list[tuple[int, str]]:
    """Every current coach among these rows, by name, for the coach filter."""
    coaches = {coach for row in rows for coach in row.coaches}
    return sorted(coaches, key=lambda coach: coach[1].lower())
