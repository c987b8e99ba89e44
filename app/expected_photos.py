"""The photo ids a visit expects, claimed in the database (app.idempotent claims them)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ExpectedPhoto(db.Model):
    """A photo id a visit lists: it belongs to the first visit that lists it. The primary
    key (unique) makes the database refuse a second visit's claim."""

    photo_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("visit.id", ondelete="CASCADE"), index=True
    )
