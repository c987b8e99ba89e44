"""Each kind of email, written at the moment it is sent: plain text and simple HTML, times
on the person's school clock, links to the site at PUBLIC_URL, and a one-click stop link.

A subject names no one but, at most, a first name. A composer returns None when there is
nothing to say any more (the step was acknowledged meanwhile, nobody is due).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

import sqlalchemy as sa
from flask import current_app, render_template, url_for

from app.authz import led_schools, own_coachees
from app.coaching.services import due_this_week, last_visit_by_teacher
from app.exports.periods import parse_week
from app.exports.services import user_scope, visits_csv
from app.extensions import db
from app.leads.coverage import coverage_rows
from app.localtime import school_day, week_dates
from app.models import ActionStep, School, User, Visit
from app.notify.models import SentEmail
from app.notify.services import KIND_LABELS, unsubscribe_token
from app.steps.services import live_steps_by_teacher


@dataclass
class Draft:
    subject: str
    template: str
    context: dict
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def first_name(user: User) -> str:
    return (user.name.split() or ["there"])[0]


def _step_about(email: SentEmail) -> ActionStep | None:
    step = db.session.get(ActionStep, int(email.about.removeprefix("step:")))
    if step is None or step.teacher_id != email.user_id:
        return None
    if not step.is_live or step.acknowledged_at is not None:
        return None
    return step


def _step_context(step: ActionStep) -> dict:
    set_on = step.set_on
    zone = step.school.timezone
    return {
        "step": step,
        "coach": set_on.coach if set_on else None,
        "set_day": school_day(step.set_at, zone),
        "link": url_for("teacher.index", _external=True),
    }


def new_step(email: SentEmail, now: datetime) -> Draft | None:
    step = _step_about(email)
    if step is None:
        return None
    context = _step_context(step)
    coach = context["coach"]
    subject = f"A new step to practise, from {first_name(coach)}" if coach else "A new step"
    return Draft(subject, "new_step", context)


def step_reminder(email: SentEmail, now: datetime) -> Draft | None:
    step = _step_about(email)
    if step is None or step.status != "new":
        return None
    return Draft("Your new step is waiting for you", "step_reminder", _step_context(step))


def coach_weekly(email: SentEmail, now: datetime) -> Draft | None:
    coach = email.user
    own = own_coachees(coach)
    ids = [c.teacher.id for c in own]
    due = due_this_week(own, last_visit_by_teacher(coach, ids))
    unseen = [
        step for step in live_steps_by_teacher(coach, ids).values() if step.acknowledged_at is None
    ]
    if not due and not unseen:
        return None
    context = {
        "due": due,
        "unseen": sorted(unseen, key=lambda step: step.set_at),
        "week": week_dates(email.about.removeprefix("week:")),
        "link": url_for("visits.index", _external=True),
    }
    return Draft("Your drop-ins this week", "coach_weekly", context)


def _visits_in_week(schools: list[School], period) -> dict[int, int]:
    counts = {}
    for school in schools:
        start, end = period.utc_window(school.timezone)
        counts[school.id] = db.session.scalar(
            sa.select(sa.func.count(Visit.id)).where(
                Visit.school_id == school.id, Visit.started_at >= start, Visit.started_at < end
            )
        )
    return counts


def lead_weekly(email: SentEmail, now: datetime) -> Draft | None:
    lead = email.user
    schools = led_schools(lead)
    if not schools:
        return None
    label = email.about.removeprefix("week:")
    period = parse_week(label)
    csv = b"".join(visits_csv(user_scope(lead, None), period))
    rows = coverage_rows(schools, now)
    counts = _visits_in_week(schools, period)
    summary = [
        {
            "school": school,
            "teachers": sum(1 for row in rows if row.school.id == school.id),
            "due": sum(1 for row in rows if row.school.id == school.id and row.overdue),
            "visits": counts[school.id],
        }
        for school in schools
    ]
    limit = current_app.config["NOTIFY_ATTACHMENT_MAX_BYTES"]
    filename = f"dropin-visits-{label}.csv"
    attached = len(csv) <= limit
    context = {
        "summary": summary,
        "week": week_dates(label),
        "label": label,
        "attached": attached,
        "filename": filename,
        "csv_link": url_for("exports.visits_csv_download", week=label, _external=True),
        "link": url_for("leads.coverage", _external=True),
    }
    attachments = [(filename, csv)] if attached else []
    return Draft(f"Drop-in coverage for week {label}", "lead_weekly", context, attachments)


COMPOSERS = {
    "new_step": new_step,
    "step_reminder": step_reminder,
    "coach_weekly": coach_weekly,
    "lead_weekly": lead_weekly,
}


def _message_id(email: SentEmail) -> str:
    """The same for every attempt at one email, so a mail system that sees it twice may
    drop the second copy."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "dropin.invalid"
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:24]
    return f"<dropin.{email.id}.{digest}@{domain}>"


def build(email: SentEmail, now: datetime) -> EmailMessage | None:
    """The email to send for this row, or None when there is nothing to say now."""
    draft = COMPOSERS[email.kind](email, now)
    if draft is None:
        return None
    user = email.user
    stop_link = url_for(
        "notify.unsubscribe", token=unsubscribe_token(user, email.kind), _external=True
    )
    context = {
        **draft.context,
        "user": user,
        "first_name": first_name(user),
        "kind_label": KIND_LABELS[email.kind],
        "stop_link": stop_link,
        "preferences_link": url_for("notify.preferences", _external=True),
        "school_day": school_day,
    }
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr((user.name, user.email))
    message["Subject"] = draft.subject
    message["Message-ID"] = _message_id(email)
    message["List-Unsubscribe"] = f"<{stop_link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_template(f"notify/email/{draft.template}.txt", **context))
    message.add_alternative(
        render_template(f"notify/email/{draft.template}.html", **context), subtype="html"
    )
    for filename, data in draft.attachments:
        message.add_attachment(data, maintype="text", subtype="csv", filename=filename)
    return message
