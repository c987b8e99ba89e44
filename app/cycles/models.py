"""Coaching cycles and GROW write-ups of triad meetings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import limits
from app.extensions import db
from app.models import ActionStep, School, User, UTCDateTime, utcnow


class CoachingCycle(db.Model):
    """A school's coaching cycle: whole local days from `starts_on` to `ends_on`.

    Cycles of one school never overlap (checked by app.admin.cycles when one is saved)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(limits.CYCLE_NAME))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship()

    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.UniqueConstraint("school_id", "name", name="uq_coaching_cycle_school_name"),
    )

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def dates(self) -> str:
        """'2 Nov – 13 Dec 2026' (years on both ends when they differ)."""
        if self.starts_on.year != self.ends_on.year:
            return f"{self.starts_on:%-d %b %Y} – {self.ends_on:%-d %b %Y}"
        return f"{self.starts_on:%-d %b} – {self.ends_on:%-d %b %Y}"

    @property
    def weeks(self) -> int:
        return ((self.ends_on - self.starts_on).days + 7) // 7


class GrowWriteUp(db.Model):
    """A triad meeting written up as Goal, Reality, Options and Way forward.

    Read by the triad's members only: never by leads or admins (app.authz.triads)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    #: The triad (CoachingPair.triad_key) whose meeting this is.
    triad_key: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    met_on: Mapped[date] = mapped_column(sa.Date)
    goal: Mapped[str] = mapped_column(sa.Text)
    reality: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[str] = mapped_column(sa.Text)
    way_forward: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
    member_steps: Mapped[list[GrowMemberStep]] = relationship(
        back_populates="write_up", cascade="all, delete-orphan", order_by="GrowMemberStep.id"
    )


class GrowMemberStep(db.Model):
    """One member of the triad at the meeting and the step they were practising then
    (their live step; None when they had none)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Goes with its write-up (an erased author's write-ups go, app/privacy).
    write_up_id: Mapped[int] = mapped_column(
        sa.ForeignKey("grow_write_up.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    #: Emptied when the step is deleted (an erased person's visits and steps).
    action_step_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("action_step.id", ondelete="SET NULL")
    )

    write_up: Mapped[GrowWriteUp] = relationship(back_populates="member_steps")
    member: Mapped[User] = relationship()
    action_step: Mapped[ActionStep | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("write_up_id", "member_id", name="uq_grow_member_step_member"),
    )
