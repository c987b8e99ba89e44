"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts, and a
small world of a school with a coach, teachers and a lead for the email tests."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

import pytest

from app.extensions import db
from tests.factories import make_pair, make_school, make_trust, make_user

LINK = re.compile(r"https?://\S+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Keeps each accepted message; answers `answer` (a 5xx refuses the message)."""

    def __init__(self, answer: str = "250 OK"):
        self.answer = answer
        #: Seconds to take over each message: keeps two senders busy at the same time.
        self.delay = 0.0
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        await asyncio.sleep(self.delay)
        if self.answer.startswith("250"):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with self._lock:
                self.messages.append(message)
        return self.answer

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def kinds(self) -> list[tuple[str, str]]:
        return sorted((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in self.messages)


@pytest.fixture
def mailbox(app):
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, PUBLIC_URL="https://dropin.test")
    yield box
    app.config["SMTP_HOST"] = None
    controller.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return LINK.findall(text_of(message))


def build_school() -> dict:
    """Riverside (London, weekly): coach Sam Cole of teachers Ann Ash and Bo Bell, a school
    lead Lee Lane. Committed."""
    trust = make_trust("Trust N")
    school = make_school(trust, "riverside", name="Riverside", cadence="weekly")
    people = {
        "coach": make_user("sam@riverside.test", "Sam Cole", roles=[(school, "coach")]),
        "ann": make_user("ann@riverside.test", "Ann Ash", roles=[(school, "teacher")]),
        "bo": make_user("bo@riverside.test", "Bo Bell", roles=[(school, "teacher")]),
        "lead": make_user("lee@riverside.test", "Lee Lane", roles=[(school, "lead")]),
    }
    make_pair(people["coach"], people["ann"], school)
    make_pair(people["coach"], people["bo"], school)
    db.session.commit()
    return {"school": school, "trust": trust, **people}
