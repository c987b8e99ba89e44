"""What the weekly rhythm keeps: every email, recorded before it is sent, and who stopped
which kind."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import User, UTCDateTime, utcnow

#: Every kind of email, in the order the preferences page lists them.
EMAIL_KINDS = ("new_step", "step_reminder", "coach_weekly", "lead_weekly")


class SentEmail(db.Model):
    """One email to one person about one thing, recorded before it is sent.

    `key` is "kind:person:about" (about: "step:12", "week:2026-W49"); its uniqueness, not a
    check in Python, is what makes each email once however many senders run at once.
    """

    __tablename__ = "sent_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    about: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A sender holds the email until then; a sender that died lets it go when it passes.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    #: When it was done with: sent, skipped (opted out, nothing to say) or given up.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str] = mapped_column(sa.String(16), default="")

    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('new_step', 'step_reminder', 'coach_weekly', 'lead_weekly')", name="kind"
        ),
    )


class EmailOptOut(db.Model):
    """A person who stopped one kind of email (from the preferences page or a link)."""

    __tablename__ = "email_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_email_opt_out_user_kind"),)
