"""The schools a lead looks after: the dashboard's scope and the export page's."""

from __future__ import annotations

import sqlalchemy as sa

from app.authz import led_school_ids
from app.extensions import db
from app.models import School, User


def led_schools(user: User) -> list[School]:
    """The schools `user` leads (as a school or trust lead), by name; empty for others."""
    return list(
        db.session.scalars(
            sa.select(School).where(School.id.in_(led_school_ids(user))).order_by(School.name)
        )
    )
