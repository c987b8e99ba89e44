"""Retention: what each trust's periods say is due goes, in batches, from the database and
the photo store, and the trust's audit trail records how many (never what).

Safe to run on two servers at once: on PostgreSQL each batch first takes a transaction
advisory lock, so batches take turns; on either database every delete and update is by
id and counts only the rows it changed, so a batch that finds its rows gone counts 0.
A run that finds nothing due writes nothing, not even an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.extensions import db
from app.models import (
    ActionStep,
    AuditEvent,
    LoginFailure,
    Membership,
    Photo,
    School,
    Trust,
    TrustRole,
    UserSession,
    Visit,
    utcnow,
)
from app.privacy import records
from app.privacy.models import SIGN_IN_DAYS, TrustRetention, retention_of
from app.selfaudit_models import SelfAudit

BATCH = 500
#: Any constant both servers agree on: "retention" in ASCII.
ADVISORY_LOCK_KEY = 0x726574656E74

KINDS = ("photos", "visits", "steps", "self_audits", "audit_events", "sign_in_sessions")
#: Each kind in sentences.
WORDS = {
    "photos": "photos",
    "visits": "visits",
    "steps": "action steps",
    "self_audits": "self-audits",
    "audit_events": "audit entries",
    "sign_in_sessions": "signed-in devices",
}


@dataclass(frozen=True)
class Cutoffs:
    """Everything older than these goes (for one trust, at one moment)."""

    photos: datetime
    visits: datetime
    audit_events: datetime
    sign_in: datetime

    @classmethod
    def of(cls, settings: TrustRetention, now: datetime) -> Cutoffs:
        return cls(
            photos=now - relativedelta(months=settings.photo_months),
            visits=now - relativedelta(years=settings.visit_years),
            audit_events=now - relativedelta(years=settings.audit_years),
            sign_in=now - relativedelta(days=settings.sign_in_days),
        )


@dataclass
class TrustOutcome:
    trust: Trust
    visit_action: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def changed(self) -> bool:
        return any(self.counts.values())


def _trust_schools(trust_id: int) -> sa.Select:
    return sa.select(School.id).where(School.trust_id == trust_id)


def _take_turns() -> None:
    """Held until this batch's transaction ends (PostgreSQL only; SQLite writes in turn)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )


def _in_batches(find: Callable[[], list], act: Callable[[list], int], dry_run: bool) -> int:
    """Find a batch of due ids, act on it and commit, until none is due. A dry run counts
    everything due and changes nothing."""
    if dry_run:
        return len(find())
    total, last = 0, None
    while True:
        _take_turns()
        ids = find()
        if not ids or ids == last:  # nothing due, or nothing more that can go
            db.session.commit()
            return total
        total += act(ids)
        db.session.commit()
        last = ids


def _due_photos(trust_id: int, cutoff: datetime, limit: int | None):
    query = (
        sa.select(Photo.id)
        .join(Visit, Visit.id == Photo.visit_id)
        .where(Visit.school_id.in_(_trust_schools(trust_id)), Visit.started_at < cutoff)
    )
    return lambda: list(db.session.scalars(query.limit(limit)))


def _due_visits(trust_id: int, cutoff: datetime, limit: int | None, placeholder_id: int | None):
    query = sa.select(Visit.id).where(
        Visit.school_id.in_(_trust_schools(trust_id)), Visit.started_at < cutoff
    )
    if placeholder_id is not None:  # anonymising: those not done yet
        query = query.where(
            sa.or_(Visit.coach_id != placeholder_id, Visit.teacher_id != placeholder_id)
        )
    return lambda: list(db.session.scalars(query.order_by(Visit.started_at).limit(limit)))


def _due_steps(trust_id: int, cutoff: datetime, limit: int | None, placeholder_id: int | None):
    """Steps set before the cutoff that no visit after it revisited (their old visits go,
    or lose their names, first)."""
    recent = sa.select(Visit.action_step_id).where(
        Visit.action_step_id.is_not(None), Visit.started_at >= cutoff
    )
    query = sa.select(ActionStep.id).where(
        ActionStep.school_id.in_(_trust_schools(trust_id)),
        ActionStep.set_at < cutoff,
        ActionStep.id.not_in(recent),
    )
    if placeholder_id is not None:
        query = query.where(ActionStep.teacher_id != placeholder_id)
    return lambda: list(db.session.scalars(query.limit(limit)))


def _people_of(trust_id: int) -> sa.Select:
    in_schools = sa.select(Membership.user_id).where(
        Membership.school_id.in_(_trust_schools(trust_id))
    )
    in_trust = sa.select(TrustRole.user_id).where(TrustRole.trust_id == trust_id)
    return sa.union(in_schools, in_trust)


def _id_query(model, *where) -> Callable[[int | None], Callable[[], list]]:
    return lambda limit: (
        lambda: list(db.session.scalars(sa.select(model.id).where(*where).limit(limit)))
    )


def _delete_by_id(model) -> Callable[[list], int]:
    return lambda ids: (
        db.session.execute(
            sa.delete(model).where(model.id.in_(ids)),
            execution_options={"synchronize_session": False},
        ).rowcount
    )


def apply_to_trust(trust: Trust, now: datetime, dry_run: bool = False) -> TrustOutcome:
    settings = retention_of(trust.id)
    cut = Cutoffs.of(settings, now)
    outcome = TrustOutcome(trust, settings.visit_action)
    limit = None if dry_run else BATCH
    counts = outcome.counts
    counts["photos"] = _in_batches(
        _due_photos(trust.id, cut.photos, limit), records.delete_photos, dry_run
    )
    if settings.visit_action == "anonymise":
        placeholder = records.existing_former_staff() if dry_run else records.former_staff()
        known = placeholder.id if placeholder else -1
        counts["visits"] = _in_batches(
            _due_visits(trust.id, cut.visits, limit, known),
            lambda ids: records.anonymise_visits(ids, placeholder),
            dry_run,
        )
        counts["steps"] = _in_batches(
            _due_steps(trust.id, cut.visits, limit, known),
            lambda ids: records.anonymise_steps(ids, placeholder, now),
            dry_run,
        )
    else:
        counts["visits"] = _in_batches(
            _due_visits(trust.id, cut.visits, limit, None),
            lambda ids: records.delete_visits(ids, with_orphan_steps=False),
            dry_run,
        )
        counts["steps"] = _in_batches(
            _due_steps(trust.id, cut.visits, limit, None),
            lambda ids: records.delete_steps(records.orphan_steps(ids)),
            dry_run,
        )
    # Self-audits go (never anonymised: one a teacher a term, so names are the key).
    old_audits = _id_query(
        SelfAudit,
        SelfAudit.school_id.in_(_trust_schools(trust.id)),
        SelfAudit.term_starts_on < cut.visits.date(),
    )
    counts["self_audits"] = _in_batches(old_audits(limit), _delete_by_id(SelfAudit), dry_run)
    old_events = _id_query(
        AuditEvent, AuditEvent.trust_id == trust.id, AuditEvent.created_at < cut.audit_events
    )
    counts["audit_events"] = _in_batches(old_events(limit), _delete_by_id(AuditEvent), dry_run)
    old_sessions = _id_query(
        UserSession,
        UserSession.user_id.in_(_people_of(trust.id)),
        UserSession.created_at < cut.sign_in,
    )
    counts["sign_in_sessions"] = _in_batches(
        old_sessions(limit), _delete_by_id(UserSession), dry_run
    )
    if outcome.changed and not dry_run:
        _record(outcome)
    return outcome


def _record(outcome: TrustOutcome) -> None:
    counts = outcome.counts
    words = ", ".join(f"{number} {WORDS[kind]}" for kind, number in counts.items())
    verb = "anonymised" if outcome.visit_action == "anonymise" else "deleted"
    db.session.add(
        AuditEvent(
            trust_id=outcome.trust.id,
            actor_id=None,
            action="retention.apply",
            summary=f"Retention: removed what was past its period ({words}; visits {verb})",
            details={**counts, "visits_were": verb},
        )
    )
    db.session.commit()


def forget_failed_sign_ins(now: datetime, dry_run: bool = False) -> int:
    """Failed sign-in attempts belong to no trust (an address typed): they go after the
    shortest sign-in period any trust has set."""
    shortest = db.session.scalar(sa.select(sa.func.min(TrustRetention.sign_in_days)))
    days = min(shortest or SIGN_IN_DAYS[0], SIGN_IN_DAYS[0])
    old = _id_query(LoginFailure, LoginFailure.created_at < now - relativedelta(days=days))
    return _in_batches(old(None if dry_run else BATCH), _delete_by_id(LoginFailure), dry_run)


def apply_retention(now: datetime | None = None, dry_run: bool = False) -> list[TrustOutcome]:
    now = now or utcnow()
    trusts = list(db.session.scalars(sa.select(Trust).order_by(Trust.id)))
    return [apply_to_trust(trust, now, dry_run) for trust in trusts]
