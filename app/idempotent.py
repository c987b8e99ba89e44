"""Inserts that cannot duplicate: the database's uniqueness constraint on a client-made id,
not a check-then-insert in Python, is what keeps a replayed upload from making a second row.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from app.expected_photos import ExpectedPhoto
from app.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_statement(model, values: dict | list[dict]):
    """INSERT for this database's dialect (one with ON CONFLICT); a list: several rows."""
    return _INSERTS[db.session.get_bind().dialect.name](model).values(values)


def as_loaded(model, values: dict):
    """The object of a row this request has just inserted by a Core statement, made from
    the values it was given (every column of the row), as though the ORM had loaded it:
    in the session, nothing to flush; a relationship is read when first used. The values
    go straight into the new instance's state, as the ORM's loader puts a row's (the
    constructor would record each as a change, to be forgotten at once)."""
    instance = sa.inspect(model).class_manager.new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance


def insert_once(model, values: dict, key: str | tuple[str, ...] = "id") -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when this call made the row; False when a
    row with that key already existed (or a concurrent request made it first: the database
    waits for that request to finish, so the caller can read the row back). `key` names
    the unique column, or the columns of a unique constraint."""
    keys = (key,) if isinstance(key, str) else key
    statement = (
        insert_statement(model, values)
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(getattr(model, keys[0]))
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


def claim_photo_ids(visit_id, photo_ids: list, *, new_visit: bool) -> set[str]:
    """Claim `photo_ids` for the visit; the ids another visit claimed first come back (and
    stay theirs). A client-made photo id belongs to the first visit that lists it, so
    someone who can merely see a visit (and so its photo ids) cannot claim one for a visit
    of their own and keep the real one from completing. The primary key of expected_photo
    refuses the second claim: one INSERT … ON CONFLICT DO NOTHING RETURNING, and for an
    existing visit one look-up of the ids it did not get (its own, or another's)."""
    if not photo_ids:
        return set()
    wanted = {str(photo_id): uuid.UUID(str(photo_id)) for photo_id in photo_ids}
    rows = [{"photo_id": photo_id, "visit_id": visit_id} for photo_id in wanted.values()]
    statement = insert_statement(ExpectedPhoto, rows).on_conflict_do_nothing()
    got = set(db.session.scalars(statement.returning(ExpectedPhoto.photo_id)))
    missing = [photo_id for photo_id in wanted.values() if photo_id not in got]
    if missing and not new_visit:
        missing = db.session.scalars(
            sa.select(ExpectedPhoto.photo_id).where(
                ExpectedPhoto.photo_id.in_(missing), ExpectedPhoto.visit_id != visit_id
            )
        ).all()
    return {str(photo_id) for photo_id in missing}


def release_photo_ids(visit_id, kept: list) -> None:
    """The visit no longer lists these: another visit may list them now."""
    kept_ids = [uuid.UUID(str(photo_id)) for photo_id in kept]
    db.session.execute(
        sa.delete(ExpectedPhoto).where(
            ExpectedPhoto.visit_id == visit_id, ExpectedPhoto.photo_id.not_in(kept_ids)
        )
    )


def photo_id_claimed_elsewhere(visit_id, photo_id) -> bool:
    query = sa.select(ExpectedPhoto.visit_id).where(
        ExpectedPhoto.photo_id == photo_id, ExpectedPhoto.visit_id != visit_id
    )
    return db.session.scalar(query) is not None


def insert_or_update(model, values: dict, keys: tuple[str, ...], update: tuple[str, ...]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET update: one row per key, last write wins."""
    statement = insert_statement(model, values)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )
    db.session.execute(statement)
