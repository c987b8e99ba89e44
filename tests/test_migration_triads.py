"""Upgrading finds the peer triads made before triads had a key: three pairs of a school in
a ring with the same dates get one key; other pairs get none."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from tests.test_migrations import empty_database_app  # noqa: F401  (pytest fixture)


def test_existing_rings_of_three_become_triads(empty_database_app):  # noqa: F811
    with empty_database_app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO trust (id, name, created_at) VALUES (1, 'T', :now)"),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO school (id, trust_id, name, slug, timezone, cadence, created_at)"
                    " VALUES (1, 1, 'S', 's', 'Europe/London', 'weekly', :now)"
                ),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
            for user_id in range(1, 7):
                connection.execute(
                    sa.text(
                        'INSERT INTO "user" (id, email, name, active, created_at)'
                        " VALUES (:id, :email, 'P', true, :now)"
                    ),
                    {"id": user_id, "email": f"p{user_id}@t", "now": "2026-01-01 00:00:00+00:00"},
                )
            pairs = [
                (1, 1, 2, date(2026, 9, 1)),  # the ring 1 → 2 → 3 → 1
                (2, 2, 3, date(2026, 9, 1)),
                (3, 3, 1, date(2026, 9, 1)),
                (4, 4, 5, date(2026, 9, 1)),  # a ring with one pair started later: no triad
                (5, 5, 6, date(2026, 9, 1)),
                (6, 6, 4, date(2026, 10, 1)),
                (7, 1, 4, date(2026, 9, 1)),  # a plain pair
            ]
            for pair_id, coach, teacher, since in pairs:
                connection.execute(
                    sa.text(
                        "INSERT INTO coaching_pair (id, school_id, coach_id, teacher_id, since)"
                        " VALUES (:id, 1, :coach, :teacher, :since)"
                    ),
                    {"id": pair_id, "coach": coach, "teacher": teacher, "since": since},
                )
        upgrade()
        with db.engine.connect() as connection:
            keys = dict(
                connection.execute(sa.text("SELECT id, triad_key FROM coaching_pair")).all()
            )
    assert keys[1] is not None and keys[1] == keys[2] == keys[3]
    assert [keys[pair_id] for pair_id in (4, 5, 6, 7)] == [None] * 4
