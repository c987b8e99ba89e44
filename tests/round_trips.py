"""Counting database round trips: a count, not a timing, so tests may assert it.

A round trip is one exchange with the database server: a statement, the BEGIN the driver
sends before a transaction's first statement, a COMMIT, a ROLLBACK of an open transaction,
and the ping of a connection taken from the pool (`pool_pre_ping`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa


@dataclass
class RoundTrips:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0
    commits: int = 0
    rollbacks: int = 0
    checkouts: int = 0
    pings_on_checkout: bool = False

    @property
    def total(self) -> int:
        pings = self.checkouts if self.pings_on_checkout else 0
        return len(self.statements) + self.transactions + self.commits + self.rollbacks + pings


@contextmanager
def counting_round_trips(engine: sa.Engine) -> Iterator[RoundTrips]:
    counted = RoundTrips(pings_on_checkout=bool(engine.pool._pre_ping))
    in_transaction: set[int] = set()

    def statement(connection, cursor, sql, *args):
        key = id(connection.connection.dbapi_connection)
        if key not in in_transaction:
            in_transaction.add(key)
            counted.transactions += 1
        counted.statements.append(sql)

    def commit(connection):
        key = id(connection.connection.dbapi_connection)
        if key in in_transaction:
            in_transaction.discard(key)
            counted.commits += 1

    def rollback(connection):
        key = id(connection.connection.dbapi_connection)
        if key in in_transaction:
            in_transaction.discard(key)
            counted.rollbacks += 1

    def checkout(*args):
        counted.checkouts += 1

    listeners = [
        (engine, "before_cursor_execute", statement),
        (engine, "commit", commit),
        (engine, "rollback", rollback),
        (engine.pool, "checkout", checkout),
    ]
    for target, name, listener in listeners:
        sa.event.listen(target, name, listener)
    try:
        yield counted
    finally:
        for target, name, listener in listeners:
            sa.event.remove(target, name, listener)
