"""Everything Dropin holds about one person, section by section.

A section is a name and a function person -> rows (dicts of plain values); the zip holds
each section as JSON and as CSV. A feature that keeps more about people (practice logs,
self-audits…) adds its section to SECTIONS.

What belongs to whom: a visit is about its teacher and written by its coach, so it is in
both their zips. A teacher's reflection and the teacher's own words on a step are theirs:
a coach's zip holds the steps they set, without the reflection, and only the comments the
coach wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.authz import triad_keys_of
from app.cycles.models import GrowWriteUp
from app.extensions import db
from app.models import (
    ActionStep,
    CoachingPair,
    Membership,
    Photo,
    School,
    StepComment,
    Trust,
    TrustRole,
    User,
    Visit,
)
from app.notify.models import EmailOptOut, SentEmail
from app.selfaudit_models import SelfAudit
from app.sso.models import SsoIdentity
from app.steps.models import PracticeEntry

Rows = Iterable[dict]


@dataclass(frozen=True)
class Section:
    name: str
    rows: Callable[[User], Rows]


def account(person: User) -> Rows:
    yield {
        "id": person.id,
        "email": person.email,
        "name": person.name,
        "active": person.active,
        "created_at": person.created_at,
        "password_changed_at": person.password_changed_at,
        "experience": person.experience,
        "phase": person.phase,
    }


def roles(person: User) -> Rows:
    in_schools = db.session.execute(
        sa.select(School.name, Membership.role)
        .join(School, School.id == Membership.school_id)
        .where(Membership.user_id == person.id)
        .order_by(School.name, Membership.role)
    )
    for school, role in in_schools:
        yield {"where": school, "role": role}
    in_trusts = db.session.execute(
        sa.select(Trust.name, TrustRole.role)
        .join(Trust, Trust.id == TrustRole.trust_id)
        .where(TrustRole.user_id == person.id)
        .order_by(Trust.name, TrustRole.role)
    )
    for trust, role in in_trusts:
        yield {"where": trust, "role": role}


def coaching_pairs(person: User) -> Rows:
    coach, teacher = aliased(User), aliased(User)
    query = (
        sa.select(CoachingPair, School.name, coach.name, teacher.name)
        .join(School, School.id == CoachingPair.school_id)
        .join(coach, coach.id == CoachingPair.coach_id)
        .join(teacher, teacher.id == CoachingPair.teacher_id)
        .where(sa.or_(CoachingPair.coach_id == person.id, CoachingPair.teacher_id == person.id))
        .order_by(CoachingPair.since, CoachingPair.id)
    )
    for pair, school, coach_name, teacher_name in db.session.execute(query):
        yield {
            "school": school,
            "coach": coach_name,
            "teacher": teacher_name,
            "since": pair.since,
            "until": pair.until,
        }


def _visits(where: sa.ColumnElement[bool], other_side) -> Rows:
    other = aliased(User)
    photos = sa.select(sa.func.count(Photo.id)).where(Photo.visit_id == Visit.id).scalar_subquery()
    query = (
        sa.select(Visit, School.name, other.name, other.email, photos)
        .join(School, School.id == Visit.school_id)
        .join(other, other.id == other_side)
        .where(where)
        .order_by(Visit.started_at, Visit.id)
    )
    yield from db.session.execute(query)


def visits_as_teacher(person: User) -> Rows:
    for visit, school, coach_name, coach_email, photos in _visits(
        Visit.teacher_id == person.id, Visit.coach_id
    ):
        yield {
            **_visit_fields(visit, school, photos),
            "coach": coach_name,
            "coach_email": coach_email,
        }


def visits_as_coach(person: User) -> Rows:
    for visit, school, teacher_name, teacher_email, photos in _visits(
        Visit.coach_id == person.id, Visit.teacher_id
    ):
        yield {
            **_visit_fields(visit, school, photos),
            "teacher": teacher_name,
            "teacher_email": teacher_email,
        }


def _visit_fields(visit: Visit, school: str, photos: int) -> dict:
    return {
        "id": visit.id,
        "school": school,
        "started_at": visit.started_at,
        "duration_minutes": visit.duration_minutes,
        "class_name": visit.class_name,
        "subject": visit.subject,
        "notes": visit.notes,
        "action_step_id": visit.action_step_id,
        "photos": photos,
    }


def _step_fields(step: ActionStep) -> dict:
    return {
        "id": step.id,
        "text": step.text,
        "practice_rehearse": step.practice_rehearse,
        "practice_success": step.practice_success,
        "status": step.status,
        "set_at": step.set_at,
        "status_changed_at": step.status_changed_at,
        "acknowledged_at": step.acknowledged_at,
        "closed_at": step.closed_at,
    }


def steps_as_teacher(person: User) -> Rows:
    steps = db.session.scalars(
        sa.select(ActionStep)
        .where(ActionStep.teacher_id == person.id)
        .order_by(ActionStep.set_at, ActionStep.id)
    )
    for step in steps:
        yield {
            **_step_fields(step),
            "reflection": step.reflection,
            "reflected_at": step.reflected_at,
        }


def steps_as_coach(person: User) -> Rows:
    """Steps set or revisited on the coach's visits; the teacher's reflection stays out."""
    written = sa.select(Visit.action_step_id).where(Visit.coach_id == person.id)
    steps = db.session.scalars(
        sa.select(ActionStep)
        .where(ActionStep.id.in_(written), ActionStep.teacher_id != person.id)
        .order_by(ActionStep.set_at, ActionStep.id)
    )
    for step in steps:
        yield {**_step_fields(step), "teacher": step.teacher.name}


def _on_steps(person: User, model) -> sa.Select:
    """Rows of `model` (on a step, with an author) that the person wrote on any step, or
    anyone wrote on the person's own steps; each with its author's name."""
    own_steps = sa.select(ActionStep.id).where(ActionStep.teacher_id == person.id)
    author = aliased(User)
    return (
        sa.select(model, author.name)
        .join(author, author.id == model.author_id)
        .where(sa.or_(model.author_id == person.id, model.step_id.in_(own_steps)))
    )


def step_comments(person: User) -> Rows:
    """What the person wrote on any step, and what their coach wrote on their own steps."""
    query = _on_steps(person, StepComment).order_by(StepComment.created_at, StepComment.id)
    for comment, author_name in db.session.execute(query):
        yield {
            "id": comment.id,
            "step_id": comment.step_id,
            "author": author_name,
            "body": comment.body,
            "created_at": comment.created_at,
        }


def practice_log(person: User) -> Rows:
    """Practice the person logged on any step, and all practice logged on their own steps
    (the log is the teacher's own, like the conversation)."""
    query = _on_steps(person, PracticeEntry).order_by(
        PracticeEntry.practised_on, PracticeEntry.created_at, PracticeEntry.id
    )
    for entry, author_name in db.session.execute(query):
        yield {
            "id": entry.id,
            "step_id": entry.step_id,
            "author": author_name,
            "kind": entry.kind,
            "practised_on": entry.practised_on,
            "note": entry.note,
            "created_at": entry.created_at,
        }


def self_audits(person: User) -> Rows:
    """The person's own termly self-audits (a coach's zip never holds their teachers',
    shared or not: they are the teacher's)."""
    audits = db.session.execute(
        sa.select(SelfAudit, School.name)
        .join(School, School.id == SelfAudit.school_id)
        .where(SelfAudit.teacher_id == person.id)
        .order_by(SelfAudit.term_starts_on, SelfAudit.id)
    )
    for audit, school in audits:
        yield {
            "school": school,
            "term": audit.term,
            "term_starts_on": audit.term_starts_on,
            "answers": audit.answers,
            "focus_area": audit.focus_area,
            "shared_with_coach": audit.shared_with_coach,
            "updated_at": audit.updated_at,
        }


def triad_write_ups(person: User) -> Rows:
    """The GROW write-ups of the triads the person is in: the record the three of them
    keep (every member reads them all, so each member's zip holds them all)."""
    write_ups = db.session.execute(
        sa.select(GrowWriteUp, School.name, User.name)
        .join(School, School.id == GrowWriteUp.school_id)
        .join(User, User.id == GrowWriteUp.author_id)
        .where(GrowWriteUp.triad_key.in_(triad_keys_of(person)))
        .order_by(GrowWriteUp.met_on, GrowWriteUp.id)
    )
    for write_up, school, author in write_ups:
        yield {
            "school": school,
            "met_on": write_up.met_on,
            "written_by": author,
            "goal": write_up.goal,
            "reality": write_up.reality,
            "options": write_up.options,
            "way_forward": write_up.way_forward,
            "steps_practised": [
                {
                    "member": link.member.name,
                    "step": link.action_step.text if link.action_step else None,
                }
                for link in write_up.member_steps
            ],
        }


def sign_in_accounts(person: User) -> Rows:
    identities = db.session.scalars(
        sa.select(SsoIdentity).where(SsoIdentity.user_id == person.id).order_by(SsoIdentity.id)
    )
    for identity in identities:
        yield {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "created_at": identity.created_at,
            "last_sign_in_at": identity.last_sign_in_at,
        }


def emails(person: User) -> Rows:
    sent = db.session.scalars(
        sa.select(SentEmail).where(SentEmail.user_id == person.id).order_by(SentEmail.id)
    )
    for email in sent:
        yield {
            "kind": email.kind,
            "about": email.about,
            "created_at": email.created_at,
            "outcome": email.outcome,
        }


def emails_stopped(person: User) -> Rows:
    stopped = db.session.scalars(
        sa.select(EmailOptOut).where(EmailOptOut.user_id == person.id).order_by(EmailOptOut.id)
    )
    for opt_out in stopped:
        yield {"kind": opt_out.kind, "created_at": opt_out.created_at}


SECTIONS: list[Section] = [
    Section("account", account),
    Section("roles", roles),
    Section("coaching_pairs", coaching_pairs),
    Section("visits_as_teacher", visits_as_teacher),
    Section("visits_as_coach", visits_as_coach),
    Section("steps_as_teacher", steps_as_teacher),
    Section("steps_as_coach", steps_as_coach),
    Section("step_comments", step_comments),
    Section("practice_log", practice_log),
    Section("self_audits", self_audits),
    Section("triad_write_ups", triad_write_ups),
    Section("sign_in_accounts", sign_in_accounts),
    Section("emails", emails),
    Section("emails_stopped", emails_stopped),
]


def photos_of(person: User) -> sa.Select:
    """Photos of visits the person took part in, as teacher or as coach."""
    visits = sa.select(Visit.id).where(
        sa.or_(Visit.teacher_id == person.id, Visit.coach_id == person.id)
    )
    return sa.select(Photo).where(Photo.visit_id.in_(visits)).order_by(Photo.visit_id, Photo.id)
