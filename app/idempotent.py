"""Inserts that cannot duplicate: the database's uniqueness constraint on a client-made id,
not a check-then-insert in Python, is what keeps a replayed upload from making a second row.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert(model, values: dict):
    return _INSERTS[db.session.get_bind().dialect.name](model).values(**values)


def insert_once(model, values: dict, key: str | tuple[str, ...] = "id") -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when this call made the row; False when a
    row with that key already existed (or a concurrent request made it first: the database
    waits for that request to finish, so the caller can read the row back). `key` names
    the unique column, or the columns of a unique constraint."""
    keys = (key,) if isinstance(key, str) else key
    statement = (
        _insert(model, values)
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(getattr(model, keys[0]))
    )
    # RETURNING, not rowcount: psycopg reports -1 for this statement.
    return db.session.execute(statement).first() is not None


def insert_or_update(model, values: dict, keys: tuple[str, ...], update: tuple[str, ...]) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET update: one row per key, last write wins."""
    statement = _insert(model, values)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )
    db.session.execute(statement)
