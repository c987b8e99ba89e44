"""The domain model: trusts, schools, people, coaching pairs, visits, action steps, photos.

All timestamps are timezone-aware UTC and named `*_at`. Visit and photo ids are UUIDs made
on the coach's device, so a replayed upload can never create a second row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app import limits
from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware (SQLite drops it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


CADENCES = ("weekly", "fortnightly")
#: Days allowed between visits before a teacher counts as overdue.
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14}
SCHOOL_ROLES = ("teacher", "coach", "lead")
TRUST_ROLES = ("trust_lead", "admin")
STEP_STATUSES = ("new", "practising", "embedded", "replaced")
#: A live step is the one the teacher is working on; a teacher has at most one.
LIVE_STEP_STATUSES = ("new", "practising")
#: The SQL form of "live", shared by the partial unique index and its migration.
LIVE_STEP_WHERE = "status IN ('new', 'practising')"


class Trust(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: False when the trust's staff sign in only through its identity provider (its admins
    #: keep their password, so the trust can never be locked out).
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    schools: Mapped[list[School]] = relationship(back_populates="trust", order_by="School.name")


class School(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(sa.ForeignKey("trust.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: IANA zone name; weeks and dates in exports and coverage are the school's own.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/London")
    cadence: Mapped[str] = mapped_column(sa.String(16), default="fortnightly")
    #: School days a new step may wait unacknowledged before the teacher is reminded
    #: (1 to 20, checked by the admin's form: a CHECK would rebuild this table on SQLite).
    reminder_after_days: Mapped[int] = mapped_column(default=3, server_default="3")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trust: Mapped[Trust] = relationship(back_populates="schools")

    __table_args__ = (sa.CheckConstraint("cadence IN ('weekly', 'fortnightly')", name="cadence"),)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; sign-in compares lower-cased.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: None until the person has set a password from their invitation.
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set by an admin to mix peer triads: early_career | developing | experienced, or "".
    experience: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    #: The phase they teach (EYFS, KS1 … KS5), or "".
    phase: Mapped[str] = mapped_column(sa.String(8), default="", server_default="")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    trust_roles: Mapped[list[TrustRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    #: The token of the sign-in session this object was loaded for (not stored: only its
    #: hash is, in UserSession). Flask-Login keeps "id:token" in the session and the
    #: remember cookie, so ending the session on the server refuses every copy of them.
    session_token = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A role a person holds in one school (teacher, coach or school lead)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))

    user: Mapped[User] = relationship(back_populates="memberships")
    school: Mapped[School] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("user_id", "school_id", "role", name="uq_membership_user_school_role"),
        sa.CheckConstraint("role IN ('teacher', 'coach', 'lead')", name="role"),
    )


class TrustRole(db.Model):
    """A role across a whole trust: trust lead (sees everything) or admin (sets up)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    trust_id: Mapped[int] = mapped_column(sa.ForeignKey("trust.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))

    user: Mapped[User] = relationship(back_populates="trust_roles")
    trust: Mapped[Trust] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("user_id", "trust_id", "role", name="uq_trust_role_user_trust_role"),
        sa.CheckConstraint("role IN ('trust_lead', 'admin')", name="role"),
    )


class CoachingPair(db.Model):
    """A coach coaching a teacher in a school, from `since` until `until` (open-ended if None)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    coach_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    since: Mapped[date] = mapped_column(sa.Date, default=date.today)
    until: Mapped[date | None] = mapped_column(sa.Date)
    #: The three pairs of a peer triad share this key; the triad is shown and ended as one.
    triad_key: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)

    school: Mapped[School] = relationship()
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])

    __table_args__ = (sa.CheckConstraint("coach_id <> teacher_id", name="not_self"),)


class LibraryStep(db.Model):
    """A ready-made action step; trust-wide when school_id is None."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(sa.ForeignKey("trust.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(limits.ACTION_STEP))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    #: The practice plan a step set from this one starts with (the coach may adjust it).
    practice_rehearse: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    practice_success: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: A retired step is offered no more but stays on the visits that used it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(db.Model):
    """One drop-in: notes, evidence and exactly one action step. No grades, ever."""

    #: Made on the coach's device when the drop-in starts.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    coach_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=10)
    class_name: Mapped[str] = mapped_column(sa.String(limits.CLASS_NAME), default="")
    subject: Mapped[str] = mapped_column(sa.String(limits.SUBJECT), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    captured_offline: Mapped[bool] = mapped_column(default=False)
    #: Photo ids the device said it would send; complete once all have arrived.
    expected_photo_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The device's clock, kept for the record; never used to order or deduplicate.
    client_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])
    #: The step this visit set or revisited. Set in the same transaction that inserts the
    #: visit (the visit row comes first so a replayed upload stays one INSERT … ON CONFLICT).
    action_step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("action_step.id"), index=True)
    action_step: Mapped[ActionStep] = relationship(back_populates="visits")
    photos: Mapped[list[Photo]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Photo.created_at"
    )

    __table_args__ = (
        sa.Index("ix_visit_teacher_started", "teacher_id", "started_at"),
        sa.CheckConstraint("duration_minutes BETWEEN 1 AND 240", name="duration"),
    )

    @property
    def is_complete(self) -> bool:
        arrived = {str(photo.id) for photo in self.photos}
        return set(self.expected_photo_ids or []) <= arrived


class ActionStep(db.Model):
    """The one thing the teacher practises next: set on one visit, revisited by later ones
    until the coach judges it embedded or sets another (it is then closed as replaced)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    #: The school of the visit that set it.
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(limits.ACTION_STEP))
    library_step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("library_step.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default="new")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reflection: Mapped[str] = mapped_column(sa.Text, default="")
    reflected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The practice plan: what to rehearse and how, and what success looks like.
    practice_rehearse: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    practice_success: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: When the visit that set it started.
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it was embedded or replaced (the start of the visit that closed it).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teacher: Mapped[User] = relationship()
    school: Mapped[School] = relationship()
    library_step: Mapped[LibraryStep | None] = relationship()
    visits: Mapped[list[Visit]] = relationship(
        back_populates="action_step", order_by="[Visit.started_at, Visit.created_at]"
    )
    comments: Mapped[list[StepComment]] = relationship(
        back_populates="step", order_by="[StepComment.created_at, StepComment.id]"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('new', 'practising', 'embedded', 'replaced')", name="status"
        ),
        # The database, not Python, keeps a teacher to one live step.
        sa.Index(
            "uq_action_step_live_teacher",
            "teacher_id",
            unique=True,
            sqlite_where=sa.text(LIVE_STEP_WHERE),
            postgresql_where=sa.text(LIVE_STEP_WHERE),
        ),
    )

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STEP_STATUSES

    @classmethod
    def is_live_clause(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(LIVE_STEP_STATUSES)

    @property
    def set_on(self) -> Visit | None:
        """The visit that set it: its first."""
        return self.visits[0] if self.visits else None

    @property
    def revisits(self) -> list[Visit]:
        return self.visits[1:]


class StepComment(db.Model):
    """One line of the conversation on a step, by the teacher or their coach."""

    #: Made on the device, so a comment sent twice from an outbox is kept once.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("action_step.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Server time: the order comments are shown in.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    step: Mapped[ActionStep] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class StepView(db.Model):
    """When a person last looked at a step: what came after is marked "new" for them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("action_step.id"), index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "step_id", name="uq_step_view_user_step"),)


class Photo(db.Model):
    """A photo of pupils' work, stripped of metadata and stored under unguessable keys."""

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    thumbnail_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    #: Size of the stored display image.
    bytes: Mapped[int]
    #: SHA-256 of the bytes as uploaded: a replay with other bytes is a conflict.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    caption: Mapped[str] = mapped_column(sa.String(limits.CAPTION), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="photos")


class UserSession(db.Model):
    """One signed-in device. Signing out deletes it; a password change or reset and a
    deactivation delete every one of the person's sessions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    #: SHA-256 of the random token the browser holds inside its signed cookies.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginFailure(db.Model):
    """A sign-in attempt (or a password-reset request, kind "reset"), kept briefly to slow
    guessing per account and per address. A sign-in attempt is written before its
    password is checked, so counting after the write is atomic under concurrency."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="sign_in", server_default="sign_in")
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEvent(db.Model):
    """Who changed what in administration, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(sa.ForeignKey("trust.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(64))
    summary: Mapped[str] = mapped_column(sa.String(500))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
