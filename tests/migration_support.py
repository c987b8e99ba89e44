"""Rows written straight into a migrated database in an older shape (no models: the
models describe the newest schema), for the tests of data migrations."""

import uuid

import sqlalchemy as sa


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
