"""Which emails are due now: each is recorded as a SentEmail row before anything is sent.

A row's key, "kind:person:about", is unique in the database and inserted with INSERT … ON
CONFLICT DO NOTHING, so planning twice, or on two servers at once, records each email once.

- new_step: a live step not yet acknowledged, made in the last two days (a step synced
  late from a phone counts from when the server got it).
- step_reminder: a step still "new" and unacknowledged after the school's number of school
  days (Monday to Friday) since it arrived; once per step.
- coach_weekly / lead_weekly: on Monday from WEEKLY_HOUR on the person's school clock;
  the coach's is about this week, the lead's about the week just ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.authz import pair_is_current
from app.authz.school_dates import school_today
from app.extensions import db
from app.idempotent import insert_once
from app.localtime import iso_week_label, last_complete_week, local_date, local_time
from app.models import ActionStep, CoachingPair, Membership, School, TrustRole, User, utcnow
from app.notify.models import EmailOptOut, SentEmail

#: A step older than this when first seen by the sender gets no "new step" email.
NEW_STEP_WINDOW = timedelta(days=2)
#: Steps older than this are never reminded (so switching emails on reminds no backlog).
REMINDER_WINDOW = timedelta(days=28)
#: Local hour on Monday from which the weekly emails go out.
WEEKLY_HOUR = 7

Wanted = tuple[str, int, str]  # (kind, user id, about)


def email_key(kind: str, user_id: int, about: str) -> str:
    return f"{kind}:{user_id}:{about}"


def school_days_between(first: date, last: date) -> int:
    """Monday-to-Friday days after `first`, up to and including `last`."""
    days = 0
    day = first + timedelta(days=1)
    while day <= last:
        days += day.weekday() < 5
        day += timedelta(days=1)
    return days


def _unacknowledged_steps(now: datetime, window: timedelta):
    return db.session.execute(
        sa.select(
            ActionStep.id,
            ActionStep.teacher_id,
            ActionStep.status,
            ActionStep.created_at,
            School.timezone,
            School.reminder_after_days,
        )
        .join(School, School.id == ActionStep.school_id)
        .join(User, User.id == ActionStep.teacher_id)
        .where(
            ActionStep.is_live_clause(),
            ActionStep.acknowledged_at.is_(None),
            ActionStep.created_at >= now - window,
            User.active,
        )
    ).all()


def _new_steps(now: datetime) -> Iterator[Wanted]:
    for step in _unacknowledged_steps(now, NEW_STEP_WINDOW):
        yield ("new_step", step.teacher_id, f"step:{step.id}")


def _reminders(now: datetime) -> Iterator[Wanted]:
    for step in _unacknowledged_steps(now, REMINDER_WINDOW):
        waited = school_days_between(
            local_date(step.created_at, step.timezone), local_date(now, step.timezone)
        )
        if step.status == "new" and waited >= step.reminder_after_days:
            yield ("step_reminder", step.teacher_id, f"step:{step.id}")


def _first_zone(rows) -> dict[int, str]:
    """Each person's timezone: that of their first school (by id) among `rows`."""
    zones: dict[int, str] = {}
    for user_id, _, timezone in sorted(rows, key=lambda row: (row[0], row[1])):
        zones.setdefault(user_id, timezone)
    return zones


def coach_zones(now: datetime) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(CoachingPair.coach_id, School.id, School.timezone)
        .join(School, School.id == CoachingPair.school_id)
        .join(User, User.id == CoachingPair.coach_id)
        .where(pair_is_current(school_today(School.timezone, now)), User.active)
    ).all()
    return _first_zone(rows)


def lead_zones() -> dict[int, str]:
    school_leads = (
        sa.select(Membership.user_id, School.id, School.timezone)
        .join(School, School.id == Membership.school_id)
        .where(Membership.role == "lead")
    )
    trust_leads = (
        sa.select(TrustRole.user_id, School.id, School.timezone)
        .join(School, School.trust_id == TrustRole.trust_id)
        .where(TrustRole.role == "trust_lead")
    )
    active = set(db.session.scalars(sa.select(User.id).where(User.active)))
    rows = [*db.session.execute(school_leads), *db.session.execute(trust_leads)]
    return _first_zone([row for row in rows if row[0] in active])


def weekly_moment(now: datetime, timezone: str) -> date | None:
    """The school's date when it is Monday from WEEKLY_HOUR on its clock, else None."""
    local = local_time(now, timezone)
    if local.weekday() == 0 and local.hour >= WEEKLY_HOUR:
        return local.date()
    return None


def _weekly(now: datetime) -> Iterator[Wanted]:
    for coach_id, timezone in coach_zones(now).items():
        if monday := weekly_moment(now, timezone):
            yield ("coach_weekly", coach_id, f"week:{iso_week_label(monday)}")
    for lead_id, timezone in lead_zones().items():
        if monday := weekly_moment(now, timezone):
            yield ("lead_weekly", lead_id, f"week:{last_complete_week(monday)}")


def due_emails(now: datetime) -> list[Wanted]:
    wanted = [*_new_steps(now), *_reminders(now), *_weekly(now)]
    stopped = set(db.session.execute(sa.select(EmailOptOut.user_id, EmailOptOut.kind)).all())
    return [
        (kind, user_id, about) for kind, user_id, about in wanted if (user_id, kind) not in stopped
    ]


def plan_emails(now: datetime) -> int:
    """Record every email due now; returns how many were new. Commits."""
    wanted = due_emails(now)
    # End the reading transaction first: on SQLite a transaction that read and then writes
    # cannot wait for another writer; one that starts by writing waits its turn.
    db.session.commit()
    made = 0
    # In key order: two planners inserting the same keys in different orders could each
    # wait for the other's uncommitted row (a deadlock on PostgreSQL).
    for kind, user_id, about in sorted(wanted, key=lambda email: email_key(*email)):
        values = {
            "key": email_key(kind, user_id, about),
            "kind": kind,
            "user_id": user_id,
            "about": about,
            "created_at": utcnow(),
            "attempts": 0,
            "last_error": "",
            "outcome": "",
        }
        made += insert_once(SentEmail, values, key="key")
    db.session.commit()
    return made
