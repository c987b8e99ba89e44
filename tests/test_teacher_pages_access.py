"""My step, its history and the journey are a teacher's own pages. A lead who is not a
teacher got an empty teacher's journey (with a Self-audit tab that answered 404): now
these pages answer 404 to anyone who neither teaches nor was visited as a teacher, as the
self-audit does. Someone visited as a teacher keeps their steps when the role goes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.demo import seed_demo
from app.extensions import db
from app.models import Membership, User
from tests.factories import DEFAULT_PASSWORD
from tests.test_selfaudit import Person

PAGES = ("/teacher", "/teacher/history", "/teacher/journey")


@pytest.fixture
def demo(app):
    seed_demo(DEFAULT_PASSWORD)


@pytest.mark.parametrize("email", ["lead@example.org", "coach@example.org", "admin@example.org"])
def test_someone_who_is_not_a_teacher_gets_404(app, demo, email):
    person = Person(app, email)
    for page in PAGES:
        assert person.get(page).status_code == 404, (email, page)


def test_a_teacher_opens_their_pages(app, demo):
    person = Person(app, "teacher@example.org")
    for page in PAGES:
        assert person.get(page).status_code == 200, page
    assert "How my steps built up" in person.get("/teacher/journey").get_data(as_text=True)


def test_someone_visited_as_a_teacher_keeps_their_pages_when_the_role_goes(app, demo):
    amara = db.session.scalar(sa.select(User).where(User.email == "amara.okafor@example.org"))
    for membership in db.session.scalars(
        sa.select(Membership).where(Membership.user_id == amara.id, Membership.role == "teacher")
    ):
        membership.role = "coach"
    db.session.commit()
    person = Person(app, "amara.okafor@example.org")
    for page in PAGES:
        assert person.get(page).status_code == 200, page
    journey = person.get("/teacher/journey").get_data(as_text=True)
    assert 'class="timeline-step' in journey
