"""The practice log of a step: the teacher, and their coach, note each time the step was
rehearsed or tried in class. The teacher's own record of practice (improving, not
proving): read by them and their current coach(es) only, like the conversation."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import ActionStep, User, UTCDateTime, utcnow

#: How the step was practised: rehearsed outside the lesson, or tried in a lesson.
PRACTICE_KINDS = ("rehearsal", "lesson")


class PracticeEntry(db.Model):
    """One time the step was practised, on a school-local date, with an optional line."""

    __tablename__ = "practice_entry"

    #: Made on the device, so an entry sent twice from an outbox is kept once.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("action_step.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The day it was practised, as the person logging it gave it (the school's calendar).
    practised_on: Mapped[date] = mapped_column(sa.Date)
    #: Text, not String(280): erasure may lengthen it ("a former colleague" for a name).
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Server time; the log is ordered by practised_on, then this.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    step: Mapped[ActionStep] = relationship()
    author: Mapped[User] = relationship()

    __table_args__ = (sa.CheckConstraint("kind IN ('rehearsal', 'lesson')", name="kind"),)
