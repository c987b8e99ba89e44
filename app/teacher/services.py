"""What a teacher reads about their own action steps: the current one, the history and
the journey over the term. Reading only; every change to a step goes through
`app.visits.services.update_action_step`, the one rule shared with the API.

A teacher sees only visits where they are the teacher: even a teacher who also coaches
or leads sees colleagues' visits elsewhere, never on these pages.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from app.authz import own_visits_clause
from app.cycles.services import CycleFinder
from app.extensions import db
from app.localtime import local_date, term_of
from app.models import STEP_STATUSES, ActionStep, LibraryStep, User, Visit

#: The filter value for steps the coach wrote fresh (no library category).
OWN_WORDS = "own-words"
OWN_WORDS_LABEL = "Written fresh by your coach"


def own_visits(teacher: User) -> sa.Select:
    """The teacher's own visits, newest first, with what the pages show loaded."""
    return (
        sa.select(Visit)
        .where(own_visits_clause(teacher))
        .options(
            selectinload(Visit.action_step).selectinload(ActionStep.library_step),
            selectinload(Visit.action_step).selectinload(ActionStep.visits),
            selectinload(Visit.photos),
            selectinload(Visit.coach),
            selectinload(Visit.school),
        )
        .order_by(Visit.started_at.desc(), Visit.created_at.desc())
    )


def current_visit(teacher: User) -> Visit | None:
    """The latest visit on the teacher's live step (the step they are working on now),
    or, with no live step, their latest visit."""
    on_live_step = own_visits(teacher).join(Visit.action_step).where(ActionStep.is_live_clause())
    return db.session.scalar(on_live_step.limit(1)) or db.session.scalar(
        own_visits(teacher).limit(1)
    )


def own_visit_or_404(teacher: User, visit_id: uuid.UUID) -> Visit:
    """One of the teacher's own visits; 404 for anyone else's, whoever may see it."""
    visit = db.session.scalar(own_visits(teacher).where(Visit.id == visit_id))
    if visit is None or visit.action_step is None:
        abort(404)
    return visit


@dataclass(frozen=True)
class HistoryFilter:
    """The history page's filters; empty strings mean "all"."""

    status: str = ""
    category: str = ""

    @classmethod
    def from_args(cls, args, categories: list[str]) -> HistoryFilter:
        """Unknown values are ignored (all shown), never an error page."""
        status = args.get("status", "")
        category = args.get("category", "")
        return cls(
            status=status if status in STEP_STATUSES else "",
            category=category if category in categories or category == OWN_WORDS else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.category)


def step_categories(teacher: User) -> list[str]:
    """The library categories of the teacher's own steps, for the history filter."""
    query = (
        sa.select(LibraryStep.category)
        .join(ActionStep, ActionStep.library_step_id == LibraryStep.id)
        .join(Visit, Visit.action_step_id == ActionStep.id)
        .where(Visit.id.in_(own_visits(teacher).with_only_columns(Visit.id).order_by(None)))
        .distinct()
        .order_by(LibraryStep.category)
    )
    return list(db.session.scalars(query))


def setting_visits(visits: list[Visit]) -> list[Visit]:
    """Each step once, by the visit that set it (its revisits are listed on the step),
    keeping the order given."""
    first_of_step: dict[int, Visit] = {}
    for visit in reversed(visits):
        first_of_step.setdefault(visit.action_step_id, visit)
    chosen = set(map(id, first_of_step.values()))
    return [visit for visit in visits if id(visit) in chosen]


def history(teacher: User, chosen: HistoryFilter) -> list[Visit]:
    """Every step of the teacher once, by the visit that set it, newest first, filtered."""
    query = own_visits(teacher).join(Visit.action_step)
    if chosen.status:
        query = query.where(ActionStep.status == chosen.status)
    if chosen.category == OWN_WORDS:
        query = query.where(ActionStep.library_step_id.is_(None))
    elif chosen.category:
        query = query.join(ActionStep.library_step).where(LibraryStep.category == chosen.category)
    return setting_visits(list(db.session.scalars(query)))


def category_of(step: ActionStep) -> str:
    return step.library_step.category if step.library_step else OWN_WORDS_LABEL


# The journey: how the steps built on each other over each term.


@dataclass(frozen=True)
class JourneyStep:
    """One step on the journey and, when it continues an earlier focus, that step."""

    visit: Visit
    builds_on: Visit | None


@dataclass(frozen=True)
class Term:
    """A stretch of the journey: a coaching cycle of the school, or, for steps set outside
    any cycle, the school term."""

    name: str
    steps: list[JourneyStep]
    #: The cycle's dates ("2 Nov – 11 Dec 2026"); empty for a term.
    dates: str = ""


def _stretch_of(visit: Visit, cycles: CycleFinder) -> tuple[str, str]:
    """(name, dates) of the cycle the visit's school day falls in, else of its term."""
    day = local_date(visit.started_at, visit.school.timezone)
    cycle = cycles.cycle_on(visit.school_id, day)
    if cycle is not None:
        return cycle.name, cycle.dates
    return term_of(day), ""


def journey(teacher: User) -> list[Term]:
    """Cycles (or terms, outside any cycle) newest first; in each, the steps in the order
    they were set, each linked to the earlier step of the same category it builds on."""
    visits = [v for v in db.session.scalars(own_visits(teacher)).all() if v.action_step]
    visits = list(reversed(setting_visits(visits)))
    cycles = CycleFinder({visit.school_id for visit in visits})
    last_of_category: dict[str, Visit] = {}
    stretches: list[Term] = []
    for visit in visits:
        library_step = visit.action_step.library_step
        category = library_step.category if library_step else None
        builds_on = last_of_category.get(category) if category else None
        name, dates = _stretch_of(visit, cycles)
        # A new stretch each time it changes: a term's steps after a cycle are their own.
        if not stretches or (stretches[-1].name, stretches[-1].dates) != (name, dates):
            stretches.append(Term(name, [], dates))
        stretches[-1].steps.append(JourneyStep(visit, builds_on))
        if category:
            last_of_category[category] = visit
    return list(reversed(stretches))
