"""Rows of every personal kind for one person, for the retention and erasure tests."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    LoginFailure,
    Photo,
    StepComment,
    StepView,
    User,
    UserSession,
    Visit,
)
from app.notify.models import EmailOptOut, SentEmail
from app.photos.storage import photo_storage
from app.selfaudit_models import SelfAudit
from app.sso.models import SsoIdentity
from tests.factories import make_stored_photo


def add_photo(visit: Visit) -> Photo:
    """A stored photo the visit expects (as a capture would list it)."""
    photo = make_stored_photo(visit, "red")
    visit.expected_photo_ids = [*(visit.expected_photo_ids or []), str(photo.id)]
    db.session.flush()
    return photo


def files_exist(keys: list[str]) -> list[bool]:
    storage = photo_storage()
    present = []
    for key in keys:
        try:
            storage.read(key)
            present.append(True)
        except FileNotFoundError:
            present.append(False)
    return present


def keys_of(photo: Photo) -> list[str]:
    return [photo.storage_key, photo.thumbnail_key]


def comment(visit: Visit, author: User, body: str, at: datetime | None = None) -> StepComment:
    row = StepComment(id=uuid.uuid4(), step_id=visit.action_step_id, author_id=author.id, body=body)
    if at:
        row.created_at = at
    db.session.add(row)
    db.session.add(StepView(user_id=author.id, step_id=visit.action_step_id))
    db.session.flush()
    return row


def everything_personal(person: User, trust_id: int, school_id: int) -> None:
    """A session, emails, an opt-out, a provider account, a failed sign-in, a self-audit
    and audit entries that name the person."""
    db.session.add_all(
        [
            SelfAudit(
                teacher_id=person.id,
                school_id=school_id,
                term="Autumn term 2026",
                term_starts_on=date(2026, 9, 1),
                answers={},
                focus_area="questioning",
            ),
            UserSession(user_id=person.id, token_hash=secrets.token_hex(32)),
            SentEmail(
                key=f"new_step:{person.id}:step:1", kind="new_step", user_id=person.id, about="x"
            ),
            EmailOptOut(user_id=person.id, kind="coach_weekly"),
            SsoIdentity(user_id=person.id, issuer="https://idp.test", subject=f"s{person.id}"),
            LoginFailure(email=person.email, address="192.0.2.1"),
            AuditEvent(
                trust_id=trust_id,
                actor_id=person.id,
                action="staff.add",
                summary=f"Added {person.name} at a school",
                details={"email": person.email, "roles": ["teacher"]},
            ),
        ]
    )
    db.session.flush()


def rows_mentioning(*words: str) -> list[tuple[str, tuple]]:
    """Every row of every table whose values contain any of the words."""
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            text = repr(tuple(row))
            if any(word.lower() in text.lower() for word in words):
                found.append((table.name, tuple(row)))
    return found


def rows_referring_to(person_id: int) -> list[tuple[str, str]]:
    found = []
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == "user":
                column = key.parent
                count = db.session.scalar(
                    sa.select(sa.func.count()).select_from(table).where(column == person_id)
                )
                if count:
                    found.append((table.name, column.name))
    return found
