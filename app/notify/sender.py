"""Sending the recorded emails, each once, however many senders run at once.

A sender claims a row with one conditional UPDATE (… WHERE not finished AND not claimed
by a live sender); the database lets only one sender's UPDATE match, and the claim is
committed before the mail server is called. A send that fails is let go with a later
retry time; after MAX_ATTEMPTS it is given up. A sender that dies mid-send lets its
claim lapse after LEASE, and the email is tried again: a crash between the mail server's
"OK" and the commit that records it is the one case that can send twice (the Message-ID
is the same, so mail systems may drop the copy).
"""

from __future__ import annotations

import smtplib
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import mail
from app.extensions import db
from app.models import utcnow
from app.notify.messages import build
from app.notify.models import EmailOptOut, SentEmail

MAX_ATTEMPTS = 5
#: How long a sender holds an email it is sending.
LEASE = timedelta(minutes=10)
#: Emails one run takes on; the next run carries on.
BATCH = 500


def retry_delay(attempts: int) -> timedelta:
    """5, 10, 20, 40 minutes after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(minutes=5 * 2 ** (attempts - 1))


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        SentEmail.finished_at.is_(None),
        sa.or_(SentEmail.claimed_until.is_(None), SentEmail.claimed_until < now),
    )


def claim(email_id: int) -> bool:
    """True when this sender now holds the email (committed)."""
    now = utcnow()
    statement = (
        sa.update(SentEmail)
        .where(SentEmail.id == email_id, _claimable(now))
        .values(claimed_until=now + LEASE)
        .returning(SentEmail.id)
        .execution_options(synchronize_session=False)
    )
    claimed = db.session.execute(statement).first() is not None
    db.session.commit()
    return claimed


def _finish(email: SentEmail, outcome: str) -> str:
    email.finished_at = utcnow()
    email.outcome = outcome
    email.claimed_until = None
    db.session.commit()
    return outcome


def _failed(email: SentEmail, error: Exception) -> str:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    if email.attempts >= MAX_ATTEMPTS:
        return _finish(email, "gave up")
    email.claimed_until = utcnow() + retry_delay(email.attempts)
    db.session.commit()
    return "failed"


def _stopped(email: SentEmail) -> bool:
    return not email.user.active or (
        db.session.scalar(
            sa.select(EmailOptOut.id).where(
                EmailOptOut.user_id == email.user_id, EmailOptOut.kind == email.kind
            )
        )
        is not None
    )


def send_one(email_id: int, now: datetime) -> str:
    """Send one claimed email, written as at `now`; returns its outcome: sent, skipped,
    failed or gave up. Claims and retry times always follow the real clock."""
    email = db.session.get(SentEmail, email_id)
    if _stopped(email):
        return _finish(email, "skipped")
    try:
        message = build(email, now)
    except Exception as error:  # a bad row must not stop the others; it is kept and retried
        current_app.logger.exception("Could not write email %s", email.key)
        db.session.rollback()
        return _failed(db.session.get(SentEmail, email_id), error)
    if message is None:
        return _finish(email, "skipped")
    db.session.commit()  # no transaction held open while the mail server answers
    try:
        mail.send(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("Could not send email %s: %s", email.key, error)
        return _failed(email, error)
    return _finish(email, "sent")


def send_due(now: datetime) -> Counter:
    """Send every recorded email not yet done with; counts per outcome ("taken": another
    sender had it first)."""
    ids = db.session.scalars(
        sa.select(SentEmail.id).where(_claimable(utcnow())).order_by(SentEmail.id).limit(BATCH)
    ).all()
    db.session.commit()
    counts: Counter = Counter()
    for email_id in ids:
        if not claim(email_id):
            counts["taken"] += 1
            continue
        counts[send_one(email_id, now)] += 1
    return counts
