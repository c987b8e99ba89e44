"""Coverage: for each teacher of a lead's schools, whether they have a coach, when they were
last visited and whether that is longer ago than the school's cadence allows (weekly 7
days, fortnightly 14).

A teacher with no current coach is "no coach": what they need is a coach, not a drop-in.
A coached teacher's drop-in is due (`overdue`) when more days than the cadence have passed
since their last visit (in the school's own calendar), or when they have had no visit yet.
It says the coaching is late, never anything about the teacher. "Recent" visits are those
of the last six weeks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.authz import pair_is_current
from app.authz.school_dates import pair_school_today
from app.cycles.models import CoachingCycle
from app.cycles.services import cycle_in
from app.errors import UnknownSchool
from app.extensions import db
from app.localtime import local_date, local_today
from app.models import CADENCE_DAYS, ActionStep, CoachingPair, Membership, School, User, Visit

HALF_TERM = timedelta(weeks=6)
#: Rows shown at once; a trust lead narrows by school or coach to see the rest.
MAX_ROWS = 300
SORT_KEYS = ("teacher", "school", "coach", "last_visit", "days", "visits", "step_status")
#: The "Show" filter: everyone, only drop-ins due, only teachers with no coach.
SHOW_CHOICES = ("all", "due", "no-coach")
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
    #: Long enough since the last visit (or never visited) by the school's cadence.
    past_cadence: bool = True

    @property
    def has_coach(self) -> bool:
        return bool(self.coaches)

    @property
    def overdue(self) -> bool:
        """A drop-in is due: the teacher has a coach and the cadence has passed."""
        return self.has_coach and self.past_cadence

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


def _current_coaches(school_ids: list[int], now: datetime):
    return db.session.execute(
        sa.select(CoachingPair.school_id, CoachingPair.teacher_id, User.id, User.name)
        .join(User, User.id == CoachingPair.coach_id)
        .where(CoachingPair.school_id.in_(school_ids), pair_is_current(pair_school_today(now)))
        .order_by(User.name)
    ).all()


def _last_visits(school_ids: list[int], since: datetime, until: datetime):
    """Per (school, teacher) with a visit before `until`: the last visit's start, its
    action step, and how many visits started since `since`."""
    stats = (
        sa.select(
            Visit.school_id,
            Visit.teacher_id,
            sa.func.max(Visit.started_at).label("last_at"),
            sa.func.count(sa.case((Visit.started_at >= since, 1))).label("recent"),
        )
        .where(Visit.school_id.in_(school_ids), Visit.started_at <= until)
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
        .outerjoin(ActionStep, ActionStep.id == Visit.action_step_id)
        # Two visits starting at the same instant: the later id's step wins, every time.
        .order_by(Visit.id)
    ).all()


def coverage_rows(
    schools: list[School], now: datetime, since: datetime | None = None
) -> list[TeacherCoverage]:
    """One row per active teacher of these schools, in no particular order, as things
    stood at `now`; "recent" visits are those since `since` (by default six weeks)."""
    by_id = {school.id: school for school in schools}
    school_ids = list(by_id)
    rows = {
        (school_id, teacher_id): TeacherCoverage(teacher_id, name, by_id[school_id])
        for school_id, teacher_id, name in _teachers(school_ids)
    }
    for school_id, teacher_id, coach_id, coach_name in _current_coaches(school_ids, now):
        if (school_id, teacher_id) in rows:
            rows[(school_id, teacher_id)].coaches.append((coach_id, coach_name))
    for school_id, teacher_id, last_at, recent, visit_id, step_text, step_status in _last_visits(
        school_ids, since or now - HALF_TERM, now
    ):
        row = rows.get((school_id, teacher_id))
        if row is None:
            continue
        zone = row.school.timezone
        row.last_visit_on = local_date(last_at, zone)
        row.days_since = (local_today(zone, now) - row.last_visit_on).days
        row.last_visit_id = visit_id
        row.recent_visits = recent
        row.past_cadence = row.days_since > row.cadence_days
        row.step_text, row.step_status = step_text, step_status
    return list(rows.values())


@dataclass(frozen=True)
class CoverageFilters:
    #: A coaching cycle: its school only, its visits, as things stood at its end.
    cycle: CoachingCycle | None = None
    school: School | None = None
    coach_id: int | None = None
    show: str = "all"
    sort: str = "last_visit"
    descending: bool = False

    @classmethod
    def from_args(cls, args: MultiDict, schools: list[School]) -> CoverageFilters:
        """Read the query string; an unknown sort or show falls back to the default, an
        unknown school is not found (UnknownSchool). `overdue=1` (older links) means
        show=due."""
        school = None
        cycle = None
        if "cycle" in args and args.get("cycle"):
            cycle = cycle_in([s.id for s in schools], args.get("cycle", type=int))
            if cycle is None:
                raise UnknownSchool(args.get("cycle", ""))
        if cycle is not None:
            school = cycle.school
        elif slug := args.get("school"):
            school = next((s for s in schools if s.slug == slug), None)
            if school is None:
                raise UnknownSchool(slug)
        sort = args.get("sort", "last_visit")
        show = args.get("show") or ("due" if args.get("overdue") == "1" else "all")
        coach_id = args.get("coach", type=int)
        return cls(
            cycle=cycle,
            school=school,
            coach_id=coach_id if coach_id is not None and 0 < coach_id < 2**31 else None,
            show=show if show in SHOW_CHOICES else "all",
            sort=sort if sort in SORT_KEYS else "last_visit",
            descending=args.get("dir") == "desc",
        )

    def query_args(self, **changes) -> dict[str, str]:
        """The query string for these filters with some changed (for sort links)."""
        values = {
            "cycle": self.cycle.id if self.cycle else None,
            "school": None if self.cycle or not self.school else self.school.slug,
            "coach": self.coach_id,
            "show": None if self.show == "all" else self.show,
            "sort": self.sort,
            "dir": "desc" if self.descending else None,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value is not None}

    def shows(self, row: TeacherCoverage) -> bool:
        return (
            (self.school is None or row.school.id == self.school.id)
            and (self.coach_id is None or self.coach_id in {c for c, _ in row.coaches})
            and (
                self.show == "all"
                or (self.show == "due" and row.overdue)
                or (self.show == "no-coach" and not row.has_coach)
            )
        )


def _sort_key(sort: str):
    never = date.min
    keys = {
        "teacher": lambda r: (r.teacher_name.lower(),),
        "school": lambda r: (r.school.name.lower(), r.teacher_name.lower()),
        "coach": lambda r: (r.coach_names.lower() or "\uffff", r.teacher_name.lower()),
        # Oldest (or never) first: those most in need of a visit lead.
        "last_visit": lambda r: (r.last_visit_on or never, r.teacher_name.lower()),
        # Fewest days first; never visited counts as the most days.
        "days": lambda r: (
            r.days_since is None,
            r.days_since or 0,
            r.teacher_name.lower(),
        ),
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
    no_coach: int


def filter_and_sort(rows: list[TeacherCoverage], filters: CoverageFilters) -> CoverageTable:
    chosen = [row for row in rows if filters.shows(row)]
    chosen.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    overdue = sum(1 for row in chosen if row.overdue)
    no_coach = sum(1 for row in chosen if not row.has_coach)
    return CoverageTable(chosen[:MAX_ROWS], len(chosen), overdue, no_coach)


@dataclass(frozen=True)
class CoachedShare:
    """How many of a school's teachers have a current coach ("every teacher has a coach")."""

    school: School
    coached: int
    teachers: int

    @property
    def percent(self) -> int:
        return round(100 * self.coached / self.teachers) if self.teachers else 0

    @property
    def without(self) -> int:
        return self.teachers - self.coached


def coached_shares(schools: list[School], rows: list[TeacherCoverage]) -> list[CoachedShare]:
    """One per school, in the schools' order, counting every active teacher."""
    teachers: Counter = Counter()
    coached: Counter = Counter()
    for row in rows:
        teachers[row.school.id] += 1
        coached[row.school.id] += row.has_coach
    return [CoachedShare(school, coached[school.id], teachers[school.id]) for school in schools]


def coaches_of(rows: list[TeacherCoverage]) -> list[tuple[int, str]]:
    """Every current coach among these rows, by name, for the coach filter."""
    coaches = {coach for row in rows for coach in row.coaches}
    return sorted(coaches, key=lambda coach: coach[1].lower())
