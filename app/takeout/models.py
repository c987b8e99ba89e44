"""A download being prepared or ready: a person's own data, or a whole trust's archive."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Trust, User, UTCDateTime, utcnow

EXPORT_KINDS = ("person", "trust")
EXPORT_STATUSES = ("pending", "building", "ready", "failed", "expired")


class DataExport(db.Model):
    """One zip asked for by one person, downloadable by that person only, until expires_at.

    Built by a thread started after the request or by `flask build-exports`, whichever
    claims it first (the claim is one UPDATE … WHERE status = 'pending').
    """

    __tablename__ = "data_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person who asked: the only one who may download it.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The trust archived (kind "trust" only).
    trust_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trust.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    #: A builder holds the export until then; one that died lets it go when it passes.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The zip's file name in TAKEOUT_DIR (random, never derived from ids or names).
    file_name: Mapped[str] = mapped_column(sa.String(80), default="")
    bytes: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After this the link answers 404 and `build-exports` deletes the file.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()
    trust: Mapped[Trust | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('person', 'trust')", name="kind"),
        sa.CheckConstraint(
            "status IN ('pending', 'building', 'ready', 'failed', 'expired')", name="status"
        ),
    )
