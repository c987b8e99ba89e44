"""Each kind of email through a real SMTP server: who gets it, what it says, the CSV bytes,
the stop link; and each sent once however often `flask send-notifications` runs."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.localtime import last_complete_week, local_today, monday_of
from app.models import ActionStep, Visit
from app.notify.models import SentEmail
from tests.api_support import ApiClient, capture_for
from tests.conftest import Auth
from tests.factories import make_visit
from tests.mail_support import build_school, html_of, links_in, mailbox, text_of  # noqa: F401

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world(app):
    return build_school()


def this_monday_at(hour: int) -> datetime:
    monday = monday_of(local_today("Europe/London"))
    return datetime.combine(monday, time(hour), LONDON).astimezone(UTC)


def send(runner, at: datetime | None = None) -> str:
    args = ["send-notifications"] + (["--at", at.isoformat()] if at else [])
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def rows() -> list[SentEmail]:
    return list(db.session.scalars(sa.select(SentEmail).order_by(SentEmail.id)))


def to_teachers(mailbox) -> list:
    """What the teachers got (on a Monday the coach's and lead's emails go out too)."""
    return [
        m for m in mailbox.messages if m["To"].addresses[0].addr_spec.startswith(("ann@", "bo@"))
    ]


def recipients(messages) -> list[str]:
    return [m["To"].addresses[0].addr_spec for m in messages]


def coach_client(app, world) -> ApiClient:
    return ApiClient(app.test_client()).sign_in(world["coach"].email)


# A new step ----------------------------------------------------------------------------


def test_a_step_set_on_the_phone_is_emailed_to_the_teacher_once_it_syncs(
    app, runner, world, mailbox
):
    phone = coach_client(app, world)
    body = capture_for(world["ann"])
    assert phone.put_visit(uuid.uuid4(), body).status_code == 201

    send(runner)
    send(runner)

    [message] = to_teachers(mailbox)
    assert message["To"].addresses[0].addr_spec == "ann@riverside.test"
    assert message["Subject"] == "A new step to practise, from Sam"
    text = text_of(message)
    assert "Hello Ann," in text
    assert "Sam Cole set a new action step" in text
    assert body["action_step"]["text"] in text
    assert "https://dropin.test/teacher" in text
    assert body["action_step"]["text"] in html_of(message)
    assert [(r.kind, r.outcome) for r in rows() if r.kind == "new_step"] == [("new_step", "sent")]


def test_keep_practising_sends_no_new_step_email(app, runner, world, mailbox):
    visit = make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    send(runner)
    assert len(to_teachers(mailbox)) == 1
    phone = coach_client(app, world)
    again = capture_for(world["ann"], action_step={"step_id": visit.action_step_id})
    assert phone.put_visit(uuid.uuid4(), again).status_code == 201

    send(runner)

    assert len(to_teachers(mailbox)) == 1


def test_a_step_already_acknowledged_or_old_is_not_emailed(app, runner, world, mailbox):
    seen = make_visit(world["coach"], world["ann"], world["school"]).action_step
    seen.acknowledged_at = datetime.now(UTC)
    old = make_visit(world["coach"], world["bo"], world["school"]).action_step
    old.created_at = datetime.now(UTC) - timedelta(days=3)
    db.session.commit()

    send(runner)

    assert to_teachers(mailbox) == []


# The reminder --------------------------------------------------------------------------


def _step_arrived(world, teacher: str, days_ago: int) -> ActionStep:
    step = make_visit(world["coach"], world[teacher], world["school"]).action_step
    step.created_at = datetime.now(UTC) - timedelta(days=days_ago)
    db.session.commit()
    return step


def test_a_step_not_acknowledged_after_the_schools_school_days_is_reminded_once(
    runner, world, mailbox
):
    world["school"].reminder_after_days = 1
    _step_arrived(world, "ann", days_ago=4)  # at least one weekday has passed since

    send(runner)
    send(runner)

    [message] = to_teachers(mailbox)
    assert message["Subject"] == "Your new step is waiting for you"
    assert "Hello Ann," in text_of(message)
    assert [r.outcome for r in rows() if r.kind == "step_reminder"] == ["sent"]


def test_no_reminder_before_the_school_days_have_passed_or_once_acknowledged(
    runner, world, mailbox
):
    world["school"].reminder_after_days = 20
    _step_arrived(world, "ann", days_ago=4)
    seen = _step_arrived(world, "bo", days_ago=10)
    seen.acknowledged_at = datetime.now(UTC)
    db.session.commit()

    send(runner)

    assert to_teachers(mailbox) == []


def test_school_days_skip_the_weekend():
    from datetime import date

    from app.notify.planner import school_days_between

    friday = date(2026, 11, 27)
    assert school_days_between(friday, date(2026, 11, 29)) == 0  # Sat, Sun
    assert school_days_between(friday, date(2026, 11, 30)) == 1  # Monday
    assert school_days_between(friday, date(2026, 12, 4)) == 5


# The coach's Monday email --------------------------------------------------------------


def test_the_coach_hears_on_monday_who_is_due_and_which_steps_are_unread(runner, world, mailbox):
    make_visit(world["coach"], world["ann"], world["school"], step_text="Cold call by name")
    db.session.commit()

    send(runner, at=this_monday_at(6))  # before the weekly hour: nothing weekly yet
    assert recipients(mailbox.messages) == ["ann@riverside.test"]
    send(runner, at=this_monday_at(8))
    send(runner, at=this_monday_at(9))

    [message] = mailbox.to("sam@riverside.test")
    assert message["Subject"] == "Your drop-ins this week"
    text = text_of(message)
    assert "Due a drop-in this week:\n- Bo Bell: no drop-in yet" in text
    assert 'Ann Ash: "Cold call by name"' in text
    assert "https://dropin.test/visits" in text


def test_no_weekly_email_on_another_day(runner, world, mailbox):
    send(runner, at=this_monday_at(8) + timedelta(days=1))
    assert mailbox.to("sam@riverside.test") == []
    assert mailbox.to("lee@riverside.test") == []


# The lead's weekly email ---------------------------------------------------------------


def _visit_last_week(world) -> str:
    label = last_complete_week(local_today("Europe/London"))
    wednesday = datetime.combine(monday_of(local_today("Europe/London")), time(10), LONDON)
    make_visit(
        world["coach"],
        world["bo"],
        world["school"],
        started_at=(wednesday - timedelta(days=5)).astimezone(UTC),
        notes="=SUM(A1) pupils, café",
    )
    db.session.commit()
    return label


def _export_as(app, email: str, label: str) -> bytes:
    client = app.test_client()
    Auth(client).login(email)
    response = client.get(f"/exports/visits.csv?week={label}")
    assert response.status_code == 200
    return response.get_data()


def test_the_lead_gets_the_weeks_csv_with_the_exports_exact_bytes(app, runner, world, mailbox):
    label = _visit_last_week(world)

    send(runner, at=this_monday_at(8))
    send(runner, at=this_monday_at(8))

    [message] = mailbox.to("lee@riverside.test")
    assert message["Subject"] == f"Drop-in coverage for week {label}"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"dropin-visits-{label}.csv"
    assert attachment.get_payload(decode=True) == _export_as(app, "lee@riverside.test", label)
    text = text_of(message)
    assert "Riverside: 1 drop-in(s) in the week; 2 teacher(s)" in text
    assert "Lee" not in message["Subject"] and "lee@" not in message["Subject"]


def test_a_csv_too_large_to_attach_is_linked(app, runner, world, mailbox):
    limit = app.config["NOTIFY_ATTACHMENT_MAX_BYTES"]
    app.config["NOTIFY_ATTACHMENT_MAX_BYTES"] = 10
    label = _visit_last_week(world)
    try:
        send(runner, at=this_monday_at(8))
    finally:
        app.config["NOTIFY_ATTACHMENT_MAX_BYTES"] = limit

    [message] = mailbox.to("lee@riverside.test")
    assert list(message.iter_attachments()) == []
    assert f"https://dropin.test/exports/visits.csv?week={label}" in links_in(message)


# Stopping and choosing -----------------------------------------------------------------


def test_the_stop_link_works_without_signing_in_and_stops_only_that_kind(
    app, runner, world, mailbox
):
    make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    send(runner)
    [message] = to_teachers(mailbox)
    stop = next(link for link in links_in(message) if "/emails/stop/" in link)
    assert message["List-Unsubscribe"] == f"<{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = stop.removeprefix("https://dropin.test")
    client = app.test_client()

    page = client.get(path)
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    # The mail app's one-click POST (RFC 8058): no session, no form token.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more of these emails" in done.get_data(as_text=True)

    db.session.rollback()
    make_visit(world["coach"], world["bo"], world["school"])  # Bo's email still goes
    ann_step = db.session.scalar(
        sa.select(Visit).where(Visit.teacher_id == world["ann"].id)
    ).action_step
    ann_step.status = "replaced"
    db.session.flush()
    make_visit(world["coach"], world["ann"], world["school"], step_text="A second step")
    world["school"].reminder_after_days = 1
    db.session.commit()
    send(runner)

    assert recipients(to_teachers(mailbox)) == ["ann@riverside.test", "bo@riverside.test"]


def test_a_stop_link_that_is_not_ours_is_404(client, world):
    assert client.get("/emails/stop/not-a-token").status_code == 404
    assert client.post("/emails/stop/not-a-token").status_code == 404


def test_the_preferences_page_switches_kinds_off_and_on(app, runner, world, mailbox):
    client = app.test_client()
    auth = Auth(client)
    auth.login("ann@riverside.test")
    page = client.get("/account/emails").get_data(as_text=True)
    assert page.count('name="kinds"') == 2 and page.count("checked") == 2
    token = auth.page_csrf_token("/account/emails")

    saved = client.post(
        "/account/emails", data={"csrf_token": token, "kinds": ["step_reminder", "lead_weekly"]}
    )
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    send(runner)
    assert to_teachers(mailbox) == []

    client.post("/account/emails", data={"csrf_token": token, "kinds": ["new_step"]})
    make_visit(world["coach"], world["bo"], world["school"])
    db.session.commit()
    send(runner)
    # Switched back on: Ann hears of the step she has still not read, and Bo of his.
    assert sorted(recipients(to_teachers(mailbox))) == ["ann@riverside.test", "bo@riverside.test"]


def test_without_smtp_nothing_is_recorded(app, runner, world):
    make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    output = send(runner)
    assert "SMTP_HOST is not set" in output
    assert rows() == []
