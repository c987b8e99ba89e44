"""Invitation emails go out only after the import that creates the people has committed,
and a mail server that fails or is not there never undoes the import.

The SMTP server is real (aiosmtpd on 127.0.0.1). When a message arrives it looks for the
person on a connection of its own, which sees only committed rows: an email sent before
the commit would find nobody.
"""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.admin_world import admin, world  # noqa: F401  (pytest fixtures)
from tests.factories import make_school, make_trust

FILE = "email,name,role\nann@example.org,Ann Ash,teacher\nbo@example.org,Bo Bell,coach\n"


class CommitChecker:
    """Keeps each recipient and whether they were already committed when the mail came."""

    def __init__(self, engine: sa.Engine, answer: str = "250 OK"):
        self.engine = engine
        self.answer = answer
        self.received: dict[str, bool] = {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        for address in envelope.rcpt_tos:
            with self.engine.connect() as connection:
                found = connection.scalar(sa.select(User.id).where(User.email == address))
            self.received[address] = found is not None
        return self.answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_answering(app):
    """Starts real SMTP servers that give `answer` to every message; stops them after."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(answer: str) -> CommitChecker:
        port = free_port()
        checker = CommitChecker(db.engine, answer)
        controllers.append(Controller(checker, hostname="127.0.0.1", port=port))
        controllers[-1].start()
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        return checker

    yield start
    app.config["SMTP_HOST"] = None
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_answering):
    return smtp_answering("250 OK")


@pytest.fixture
def failing_smtp_server(smtp_answering):
    """Accepts the connection, then refuses every message."""
    return smtp_answering("554 Transaction failed")


@pytest.fixture
def unreachable_smtp(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens
    yield
    app.config["SMTP_HOST"] = None


def import_on_the_web(admin, school):
    return admin(f"/admin/schools/{school.id}/import", {"csv_text": FILE})


def imported_emails() -> set[str]:
    return set(db.session.scalars(sa.select(User.email).where(User.email.like("%@example.org"))))


def test_web_import_emails_each_new_person_after_the_commit(world, admin, smtp_server):
    response = import_on_the_web(admin, world["a1"])

    assert response.status_code == 200
    assert smtp_server.received == {"ann@example.org": True, "bo@example.org": True}
    assert "/invite/" not in response.get_data(as_text=True)


@pytest.mark.parametrize("mail", ["failing_smtp_server", "unreachable_smtp"])
def test_web_import_is_kept_and_links_shown_when_the_mail_fails(world, admin, mail, request):
    request.getfixturevalue(mail)

    response = import_on_the_web(admin, world["a1"])

    assert response.status_code == 200
    db.session.rollback()
    assert {"ann@example.org", "bo@example.org"} <= imported_emails()
    assert response.get_data(as_text=True).count("/invite/") == 2


@pytest.fixture
def school(app):
    school = make_school(make_trust(), "riverside", name="Riverside")
    db.session.commit()
    return school


def cli_import(runner, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(FILE)
    return runner.invoke(args=["import-staff", str(path), "--school", "riverside", "--invite"])


def test_cli_import_emails_each_new_person_after_the_commit(school, runner, tmp_path, smtp_server):
    result = cli_import(runner, tmp_path)

    assert result.exit_code == 0, result.output
    assert smtp_server.received == {"ann@example.org": True, "bo@example.org": True}
    assert "invitation ann@example.org: emailed" in result.stdout


@pytest.mark.parametrize("mail", ["failing_smtp_server", "unreachable_smtp"])
def test_cli_import_is_kept_and_links_printed_when_the_mail_fails(
    school, runner, tmp_path, mail, request
):
    request.getfixturevalue(mail)

    result = cli_import(runner, tmp_path)

    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert imported_emails() == {"ann@example.org", "bo@example.org"}
    links = [line for line in result.stdout.splitlines() if line.startswith("invitation ")]
    assert len(links) == 2 and all("/invite/" in line for line in links)
