"""Each email once: recorded before it is sent, claimed by one sender, retried after a
failure without a second copy, and never doubled by two `flask send-notifications`
processes running at once against the same database (SQLite here, PostgreSQL too when
TEST_DATABASE_URL is set)."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.localtime import local_time
from app.notify.models import SentEmail
from app.notify.sender import MAX_ATTEMPTS
from tests.factories import make_pair, make_user, make_visit
from tests.mail_support import build_school, mailbox  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(app):
    return build_school()


def new_step_rows() -> list[SentEmail]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(SentEmail).where(SentEmail.kind == "new_step")))


def not_monday() -> datetime:
    """Now, or yesterday on a Monday: these tests want no weekly emails in the way."""
    now = datetime.now(UTC)
    return now - timedelta(days=1) if local_time(now, "Europe/London").weekday() == 0 else now


def run(runner) -> str:
    result = runner.invoke(args=["send-notifications", "--at", not_monday().isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def to(mailbox, address: str) -> list:
    return [m for m in mailbox.messages if m["To"].addresses[0].addr_spec == address]


def test_a_refused_send_is_kept_and_retried_later_without_a_second_copy(runner, world, mailbox):
    make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    mailbox.answer = "554 Transaction failed"

    assert "failed 1" in run(runner)
    run(runner)  # too soon: the retry waits its turn
    [row] = new_step_rows()
    assert (row.attempts, row.outcome, row.finished_at) == (1, "", None)
    assert "554" in row.last_error
    assert to(mailbox, "ann@riverside.test") == []

    mailbox.answer = "250 OK"
    row.claimed_until = datetime.now(UTC) - timedelta(seconds=1)  # the retry time has come
    db.session.commit()
    run(runner)
    run(runner)

    assert len(to(mailbox, "ann@riverside.test")) == 1
    [row] = new_step_rows()
    assert (row.attempts, row.outcome) == (1, "sent")


def test_a_send_that_keeps_failing_is_given_up(runner, world, mailbox):
    make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    mailbox.answer = "554 Transaction failed"
    run(runner)
    [row] = new_step_rows()
    row.attempts = MAX_ATTEMPTS - 1
    row.claimed_until = None
    db.session.commit()

    run(runner)

    [row] = new_step_rows()
    assert (row.attempts, row.outcome) == (MAX_ATTEMPTS, "gave up")
    assert row.finished_at is not None


def test_a_sender_that_died_holding_an_email_lets_it_go_after_its_lease(runner, world, mailbox):
    make_visit(world["coach"], world["ann"], world["school"])
    db.session.commit()
    from app.notify.planner import plan_emails

    plan_emails(not_monday())
    [row] = new_step_rows()
    row.claimed_until = datetime.now(UTC) + timedelta(minutes=5)  # another sender holds it
    db.session.commit()
    run(runner)
    assert to(mailbox, "ann@riverside.test") == []

    row = new_step_rows()[0]
    row.claimed_until = datetime.now(UTC) - timedelta(seconds=1)  # …and died
    db.session.commit()
    run(runner)

    assert len(to(mailbox, "ann@riverside.test")) == 1


def _sender_environment(app, port: int, tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DROPIN_ENV": "development",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "PUBLIC_URL": "https://dropin.test",
        "PHOTO_DIR": str(tmp_path / "photos"),
    }


def _two_senders_at_once(environment: dict) -> None:
    command = [sys.executable, "-m", "flask", "--app", "app", "send-notifications"]
    senders = [
        subprocess.Popen(  # noqa: S603  (our own command, no shell)
            command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for sender in senders:
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, err.decode()


def test_two_senders_at_once_send_each_email_once(app, world, mailbox, tmp_path):
    teachers = [world["ann"], world["bo"]]
    for number in range(4):
        teacher = make_user(f"t{number}@riverside.test", f"Teacher {number}")
        make_pair(world["coach"], teacher, world["school"])
        teachers.append(teacher)
    for teacher in teachers:
        make_visit(world["coach"], teacher, world["school"])
    db.session.commit()
    mailbox.delay = 0.05
    environment = _sender_environment(app, app.config["SMTP_PORT"], tmp_path)

    _two_senders_at_once(environment)
    _two_senders_at_once(environment)

    sent = Counter((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in mailbox.messages)
    assert sent and max(sent.values()) == 1, sent
    assert {address for address, _ in sent} >= {t.email for t in teachers}
    db.session.rollback()
    outcomes = Counter(db.session.scalars(sa.select(SentEmail.outcome)))
    assert outcomes == {"sent": len(mailbox.messages)}
