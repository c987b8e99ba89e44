"""Checking, saving and summarising self-audits. Services flush; routes commit."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.authz import focus_counts_clause, own_self_audits
from app.extensions import db
from app.models import School, User
from app.selfaudit.areas import AREAS, SCALE_LABELS
from app.selfaudit.terms import Term, current_term
from app.selfaudit_models import SelfAudit

ANSWER_MISSING = "Choose how this feels for you at the moment."
FOCUS_MISSING = "Choose the one area you want to focus on this term."


def read_form(form) -> tuple[dict[str, str], str, dict[str, list[str]]]:
    """(answers, focus area, errors by field) from the posted form; nothing is trusted."""
    answers: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for area in AREAS:
        for statement in area.statements:
            value = form.get(f"answer-{statement.key}", "")
            if value in SCALE_LABELS:
                answers[statement.key] = value
            else:
                errors[statement.key] = [ANSWER_MISSING]
    focus = form.get("focus_area", "")
    if focus not in {area.key for area in AREAS}:
        errors["focus_area"] = [FOCUS_MISSING]
        focus = ""
    return answers, focus, errors


def audit_for_term(teacher: User, school: School, term: Term) -> SelfAudit | None:
    return db.session.scalar(
        own_self_audits(teacher).where(
            SelfAudit.school_id == school.id, SelfAudit.term == term.name
        )
    )


def earlier_audits(teacher: User, term: Term) -> list[SelfAudit]:
    """The teacher's self-audits of other terms, newest first."""
    return list(db.session.scalars(own_self_audits(teacher).where(SelfAudit.term != term.name)))


def save_self_audit(
    teacher: User, school: School, term: Term, answers: dict[str, str], focus_area: str
) -> SelfAudit:
    """This term's self-audit, made or changed (sharing is left as it was)."""
    audit = audit_for_term(teacher, school, term)
    if audit is None:
        audit = SelfAudit(
            teacher_id=teacher.id,
            school_id=school.id,
            term=term.name,
            term_starts_on=term.first_day,
        )
        db.session.add(audit)
    audit.answers = dict(answers)
    audit.focus_area = focus_area
    db.session.flush()
    return audit


def set_sharing(audit: SelfAudit, shared: bool) -> None:
    audit.shared_with_coach = shared
    db.session.flush()


#: The fewest teachers a count a lead sees may stand for: a count of one or two would
#: let a lead who knows the others' choices tell whose focus is whose.
FEWEST_FOR_COUNTS = 3
OTHER_AREAS = "Other areas"


def shown_focus_rows(by_area: list[tuple[str, int]]) -> list[tuple[str, int]] | None:
    """The rows a lead may see, or None for the total alone. An area's count shows only
    when it is at least FEWEST_FOR_COUNTS; areas chosen by one or two fold into "Other
    areas", shown only when that fold too reaches FEWEST_FOR_COUNTS. Otherwise only the
    total shows: beside the total, the shown rows would give the small remainder away.
    Areas no one chose are left out (no one's choice to protect, nothing to fold), and a
    table of "Other areas" alone would only repeat the total, so the total shows."""
    total = sum(count for _, count in by_area)
    if total < FEWEST_FOR_COUNTS:
        return None
    rows = [(title, count) for title, count in by_area if count >= FEWEST_FOR_COUNTS]
    others = sum(count for _, count in by_area if 0 < count < FEWEST_FOR_COUNTS)
    if not others:
        return rows
    if others < FEWEST_FOR_COUNTS or not rows:
        return None
    return [*rows, (OTHER_AREAS, others)]


@dataclass(frozen=True)
class FocusCounts:
    """How many teachers of a school chose each focus area this term: counts only."""

    school: School
    term: Term
    by_area: list[tuple[str, int]]  # (area title, count), in the areas' order

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_area)

    @property
    def rows(self) -> list[tuple[str, int]] | None:
        """What a lead sees per area (None: the total alone); see shown_focus_rows."""
        return shown_focus_rows(self.by_area)


def focus_counts(lead: User, schools: list[School]) -> list[FocusCounts]:
    """Per school the lead leads, this term's count of each focus area. Asks the database
    for counts only: no row of anyone's answers is ever loaded for a lead."""
    result = []
    for school in schools:
        term = current_term(school)
        counted = dict(
            db.session.execute(
                sa.select(SelfAudit.focus_area, sa.func.count(SelfAudit.id))
                .where(
                    focus_counts_clause(lead),
                    SelfAudit.school_id == school.id,
                    SelfAudit.term == term.name,
                )
                .group_by(SelfAudit.focus_area)
            ).all()
        )
        by_area = [(area.title, counted.get(area.key, 0)) for area in AREAS]
        result.append(FocusCounts(school, term, by_area))
    return result


def focus_areas_this_term(school: School) -> dict[int, str]:
    """teacher id -> the focus area they chose this term, for grouping triads (the admin
    sees the grouping, never the answers)."""
    term = current_term(school)
    return dict(
        db.session.execute(
            sa.select(SelfAudit.teacher_id, SelfAudit.focus_area).where(
                SelfAudit.school_id == school.id, SelfAudit.term == term.name
            )
        ).all()
    )
