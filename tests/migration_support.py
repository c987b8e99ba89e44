"""Rows written straight into a migrated database in an older shape (no models: the
models describe the newest schema), for the tests of data migrations."""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

T0 = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)


def insert_row(connection, table: str, **values) -> None:
    columns = ", ".join(f'"{name}"' for name in values)
    params = ", ".join(f":{name}" for name in values)
    typed = [
        sa.bindparam(name, type_=sa.Uuid())
        for name, value in values.items()
        if isinstance(value, uuid.UUID)
    ]
    # Names come from the tests only, never from input.
    statement = sa.text(f'INSERT INTO "{table}" ({columns}) VALUES ({params})')  # noqa: S608
    connection.execute(statement.bindparams(*typed), values)


def insert_trust_and_school(connection) -> None:
    """Trust 1 and its school 1, as every data-migration test starts."""
    insert_row(connection, "trust", id=1, name="T", created_at=T0)
    insert_row(
        connection,
        "school",
        id=1,
        trust_id=1,
        name="S",
        slug="s",
        timezone="Europe/London",
        cadence="weekly",
        created_at=T0,
    )
