"""Erasing a person (an admin's action, UK GDPR article 17): their account, roles and
pairs go; the visits they wrote or received are deleted or kept without their name, as the
admin chooses; their photos, reflections and comments go from the database and the store;
audit entries that name them lose the name, and so do colleagues' notes, comments and
reflections that name them in full. What remains is the fact, on the audit trail
of each trust they belonged to: "Person #123 erased".

Every column that refers to a person is handled by its rule in app/privacy/personal.py.
The service flushes; the route commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from app.admin.services import trusts_of_person
from app.extensions import db
from app.models import (
    ActionStep,
    AuditEvent,
    LoginFailure,
    School,
    StepComment,
    User,
    Visit,
    utcnow,
)
from app.privacy import personal, records
from app.steps.models import PracticeEntry
from app.takeout.jobs import file_of, forget_exports_of
from app.takeout.models import DataExport

VISIT_CHOICES = ("delete", "anonymise")
OUTCOME = {"delete": "deleted", "anonymise": "kept without their name"}


class ErasureRefused(ValueError):
    pass


@dataclass
class Erasure:
    person_id: int
    visits: str
    counts: dict[str, int]


def _visit_ids(person: User) -> list:
    return list(
        db.session.scalars(
            sa.select(Visit.id).where(
                sa.or_(Visit.coach_id == person.id, Visit.teacher_id == person.id)
            )
        )
    )


def _step_ids(person: User) -> list[int]:
    return list(
        db.session.scalars(sa.select(ActionStep.id).where(ActionStep.teacher_id == person.id))
    )


def _delete_visit_records(person: User, counts: dict[str, int]) -> None:
    counts["visits"] = records.delete_visits(_visit_ids(person))
    counts["steps"] = records.delete_steps(_step_ids(person))


def _anonymise_visit_records(person: User, counts: dict[str, int]) -> None:
    """The other person of each visit keeps it; the erased one's side points at the
    placeholder. Notes about them (visits they received) go; notes they wrote about a
    colleague stay with that colleague's record."""
    placeholder = records.former_staff()
    visit_ids = _visit_ids(person)
    counts["photos"] = records.delete_photos(records.photos_of_visits(visit_ids))
    options = {"synchronize_session": False}
    received = sa.update(Visit).where(Visit.teacher_id == person.id)
    counts["visits"] = db.session.execute(
        received.values(teacher_id=placeholder.id, notes="", updated_at=utcnow()),
        execution_options=options,
    ).rowcount
    wrote = sa.update(Visit).where(Visit.coach_id == person.id)
    counts["visits"] += db.session.execute(
        wrote.values(coach_id=placeholder.id, updated_at=utcnow()), execution_options=options
    ).rowcount
    counts["steps"] = records.anonymise_steps(_step_ids(person), placeholder, utcnow())


def _delete_rows(person: User, counts: dict[str, int]) -> None:
    options = {"synchronize_session": False}
    for rule in personal.columns_with(personal.DELETE):
        table = db.metadata.tables[rule.table]
        deleted = db.session.execute(
            table.delete().where(table.c[rule.column] == person.id), execution_options=options
        ).rowcount
        counts[rule.table] = counts.get(rule.table, 0) + deleted
    for rule in personal.columns_with(personal.SET_NULL):
        table = db.metadata.tables[rule.table]
        db.session.execute(
            table.update().where(table.c[rule.column] == person.id).values({rule.column: None}),
            execution_options=options,
        )
    db.session.execute(
        sa.delete(LoginFailure).where(LoginFailure.email == person.email), execution_options=options
    )


def _scrub(value, words: dict[str, str]):
    if isinstance(value, str):
        for word, replacement in words.items():
            value = value.replace(word, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(item, words) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, words) for key, item in value.items()}
    return value


def _unname_audit(person: User, trust_ids: set[int]) -> None:
    """Audit entries of their trusts that name them keep what happened, not who."""
    stand_in = f"person #{person.id}"
    words = {word: stand_in for word in (person.email, person.name) if len(word) >= 3}
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.trust_id.in_(trust_ids)))
    for event in events:
        summary, details = _scrub(event.summary, words), _scrub(event.details, words)
        if summary != event.summary or details != event.details:
            event.summary, event.details = summary, details


def trusts_concerned(person: User) -> set[int]:
    """The trusts they belong to, and any whose schools hold visits or steps of theirs
    (from roles since removed): each one's audit trail records the erasure."""
    theirs = sa.or_(Visit.coach_id == person.id, Visit.teacher_id == person.id)
    visit_schools = sa.select(Visit.school_id).where(theirs)
    step_schools = sa.select(ActionStep.school_id).where(ActionStep.teacher_id == person.id)
    schools = sa.union(visit_schools, step_schools)
    held = db.session.scalars(sa.select(School.trust_id).where(School.id.in_(schools)))
    return trusts_of_person(person) | set(held)


#: Free text other people wrote, where a colleague may be named in full.
FREE_TEXT = (
    (Visit, Visit.notes),
    (StepComment, StepComment.body),
    (PracticeEntry, PracticeEntry.note),
    (ActionStep, ActionStep.reflection),
)


def _unname_free_text(person: User) -> None:
    """Notes, comments and reflections of others that name them in full (or give their
    email) say "a former colleague" instead."""
    words = [word for word in (person.email, person.name) if len(word) >= 3]
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    for model, column in FREE_TEXT:
        mentions = sa.or_(*(sa.func.lower(column).contains(word.lower()) for word in words))
        for row_id, text in db.session.execute(sa.select(model.id, column).where(mentions)):
            db.session.execute(
                sa.update(model)
                .where(model.id == row_id)
                .values({column.key: pattern.sub("a former colleague", text)}),
                execution_options={"synchronize_session": False},
            )


def _forget_trust_exports(trust_ids: set[int]) -> None:
    """Whole-trust downloads already prepared hold the person too: they go (an admin
    makes a fresh one)."""
    exports = db.session.scalars(
        sa.select(DataExport).where(DataExport.kind == "trust", DataExport.trust_id.in_(trust_ids))
    )
    for export in exports:
        if export.file_name:
            file_of(export).unlink(missing_ok=True)
        db.session.delete(export)


def erase_person(actor: User, person: User, visits: str) -> Erasure:
    """Erase `person` (authz has said the actor may: every role of theirs is in the actor's
    trusts)."""
    if visits not in VISIT_CHOICES:
        raise ErasureRefused("Choose what happens to their visits.")
    if person.id == actor.id:
        raise ErasureRefused("You cannot erase yourself: ask another admin of the trust.")
    if person.email == records.FORMER_STAFF_EMAIL:
        raise ErasureRefused("This is not a person.")
    # Two confirmations sent at once (a double click): this write waits for the first
    # erasure's commit (a row lock on PostgreSQL, the database lock on SQLite) and then
    # finds nobody left to erase.
    signed_out = sa.update(User).where(User.id == person.id).values(active=False)
    options = {"synchronize_session": False}
    if db.session.execute(signed_out, execution_options=options).rowcount != 1:
        raise ErasureRefused("This person has already been erased.")
    trust_ids = trusts_concerned(person)
    counts: dict[str, int] = {}
    if visits == "delete":
        photo_count = len(records.photos_of_visits(_visit_ids(person)))
        _delete_visit_records(person, counts)
        counts["photos"] = photo_count
    else:
        _anonymise_visit_records(person, counts)
    forget_exports_of(person.id)  # their downloads' files, then the rows
    _forget_trust_exports(trust_ids)
    _delete_rows(person, counts)
    _unname_audit(person, trust_ids)
    _unname_free_text(person)
    person_id = person.id
    db.session.execute(sa.delete(User).where(User.id == person_id))
    db.session.expunge(person)
    for trust_id in sorted(trust_ids):
        db.session.add(
            AuditEvent(
                trust_id=trust_id,
                actor_id=actor.id,
                action="person.erase",
                summary=f"Person #{person_id} erased (their visits {OUTCOME[visits]})",
                details={
                    "visits": OUTCOME[visits],
                    "visits_changed": counts.get("visits", 0),
                    "photos_deleted": counts.get("photos", 0),
                },
            )
        )
    db.session.flush()
    return Erasure(person_id, visits, counts)
