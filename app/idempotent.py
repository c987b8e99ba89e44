"""Inserts that cannot duplicate: the database's uniqueness constraint on a client-made id,
not a check-then-insert in Python, is what keeps a replayed upload from making a second row.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_once(model, values: dict, key: str = "id") -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when this call made the row; False when a
    row with that key already existed (or a concurrent request made it first: the database
    waits for that request to finish, so the caller can read the row back)."""
    statement = _insert_once(db.session.get_bind().dialect.name, model, key)
    # RETURNING, not rowcount: psycopg reports -1 for this statement.
    return db.session.execute(statement, values).first() is not None


@cache
def _insert_once(dialect: str, model, key: str):
    """Built once per table: the values come as parameters."""
    return (
        _INSERTS[dialect](model)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(getattr(model, key))
    )
