"""A teacher's termly self-audit, and the term dates a school's admin sets (the models of
app/selfaudit/, kept beside app/models.py so app/authz/ can ask about them)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import School, User, UTCDateTime, utcnow


class SelfAudit(db.Model):
    """One teacher's own look at their teaching in one term: an answer per statement and
    the one area they want to focus on. Theirs: their coach reads it only when shared,
    leads never (they see counts of focus areas per school)."""

    __tablename__ = "self_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    #: The term's name as the school calls it ("Autumn term 2026").
    term: Mapped[str] = mapped_column(sa.String(60))
    term_starts_on: Mapped[date] = mapped_column(sa.Date)
    #: statement key -> scale key (app/selfaudit/areas.py).
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    focus_area: Mapped[str] = mapped_column(sa.String(16))
    shared_with_coach: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    teacher: Mapped[User] = relationship()
    school: Mapped[School] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("teacher_id", "school_id", "term", name="uq_self_audit_term"),
    )


class SchoolTerm(db.Model):
    """A term as the school's admin set it; dates outside every set term fall back to
    England's usual terms (app.localtime.term_of)."""

    __tablename__ = "school_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)

    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="in_order"),)
