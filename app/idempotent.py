"""Inserts that cannot duplicate: the database's uniqueness constraint on a client-made id,
not a check-then-insert in Python, is what keeps a replayed upload from making a second row.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Visit

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_once(model, values: dict, key: str = "id") -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when this call made the row; False when a
    row with that key already existed (or a concurrent request made it first: the database
    waits for that request to finish, so the caller can read the row back)."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(getattr(model, key))
    )
    # RETURNING, not rowcount: psycopg reports -1 for this statement.
    return db.session.execute(statement).first() is not None


def lock_row(model, key) -> None:
    """Hold the row until the transaction ends: later callers wait. PostgreSQL locks it
    FOR UPDATE; SQLite has one writer at a time, so a no-op write takes that turn (its
    reads are not held in a snapshot, so what follows sees every earlier commit)."""
    column = model.__table__.primary_key.columns[0]
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(column).where(column == key).with_for_update())
    else:
        # Every column with an onupdate default is set to itself, so nothing changes.
        unchanged = {c.name: c for c in model.__table__.columns if c.onupdate is not None}
        statement = sa.update(model).where(column == key)
        db.session.execute(statement.values({column.name: column, **unchanged}))


def photo_ids_listed_elsewhere(visit_id, photo_ids: list[str]) -> set[str]:
    """Those of `photo_ids` that another visit already lists as its photos. A client-made
    photo id belongs to the first visit that lists it, so someone who can merely see a
    visit (and so its photo ids) cannot claim one for a visit of their own and keep the
    real one from completing. (A scan of the visits' JSON lists: only when ids are given.)"""
    if not photo_ids:
        return set()
    listed = sa.cast(Visit.expected_photo_ids, sa.Text)
    rows = db.session.scalars(
        sa.select(listed).where(
            Visit.id != visit_id, sa.or_(*(listed.contains(str(i)) for i in photo_ids))
        )
    )
    text = " ".join(rows)
    return {str(i) for i in photo_ids if str(i) in text}
