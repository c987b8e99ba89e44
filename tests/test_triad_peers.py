"""A teacher made a coach by an accepted suggested triad is still, first, a teacher with a
step: they land on "My step" (not an empty Drop-ins), and the hints beside their step name
both the people who read it, their own coach and the peer who coaches them. Who may read
what is unchanged (app/authz/steps.py)."""

from __future__ import annotations

import sqlalchemy as sa
from markupsafe import escape

from app.demo import seed_demo
from app.extensions import db
from app.models import ActionStep, School, User
from tests.factories import DEFAULT_PASSWORD
from tests.test_selfaudit import Person


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _accept_the_suggested_triad(app) -> None:
    """The admin accepts suggested triad 1: Amara, Dan and Ben, who chose "thinking hard".
    Amara is coached by Priya Shah; in the ring Amara → Dan → Ben → Amara, Ben coaches her."""
    seed_demo(DEFAULT_PASSWORD)
    riverside = db.session.scalar(sa.select(School).where(School.slug == "riverside"))
    admin = Person(app, "admin@example.org")
    url = f"/admin/schools/{riverside.id}/triads/suggested"
    page = admin.get(url).get_data(as_text=True)
    assert "Amara Okafor" in page and "Accept triad 1" in page
    accepted = admin.post(url, data={"accept": "1"}, headers={"HX-Request": "true"})
    assert "Triad made:" in accepted.get_data(as_text=True)


def test_a_teacher_made_a_coach_by_a_triad_lands_on_their_step(app):
    _accept_the_suggested_triad(app)
    amara = Person(app, "amara.okafor@example.org")
    assert "coach" in amara.get("/api/v1/me").get_json()["roles"]
    assert amara.get("/").headers["Location"] == "/teacher"
    page = amara.get("/teacher").get_data(as_text=True)
    assert '<a href="/teacher" aria-current="page">My step</a>' in page
    assert '<a href="/visits">Drop-ins</a>' in page  # still offered: she coaches Dan
    assert amara.get("/start").headers["Location"] == "/"  # the installed app: home, her step
    # A coach who coaches outside a triad, and a lead, land where they did.
    coach = Person(app, "coach@example.org")
    assert coach.get("/").headers["Location"] == "/visits"
    assert coach.get("/start").headers["Location"] == "/visits/new"
    assert Person(app, "sian.evans@example.org").get("/").headers["Location"] == "/visits"


def test_a_teacher_with_no_live_step_lands_on_drop_ins(app):
    _accept_the_suggested_triad(app)
    amara = _user("amara.okafor@example.org")
    for step in db.session.scalars(sa.select(ActionStep).where(ActionStep.teacher_id == amara.id)):
        step.status = "embedded"
    db.session.commit()
    assert Person(app, "amara.okafor@example.org").get("/").headers["Location"] == "/visits"


def test_the_hints_name_both_of_a_triad_members_coaches(app):
    _accept_the_suggested_triad(app)
    page = Person(app, "amara.okafor@example.org").get("/teacher").get_data(as_text=True)
    readers = "you and your coaches (Ben Carter and Priya Shah)"
    assert f"Read only by {readers}: never by school leads" in page  # conversation, reflection
    assert f"are read only by {readers}." in page  # who sees the step
    assert "your coach:" not in page and "and your coach." not in page

    amara = _user("amara.okafor@example.org")
    step = db.session.scalar(
        sa.select(ActionStep).where(ActionStep.teacher_id == amara.id, ActionStep.is_live_clause())
    )
    ben = Person(app, "ben.carter@example.org")
    record = ben.get(f"/coaching/teachers/{amara.id}").get_data(as_text=True)
    assert "Read only by Amara Okafor and their coaches (you and Priya Shah)" in record
    assert str(escape(step.text)) in record


def test_a_teacher_with_one_coach_reads_their_coach_by_name(app):
    seed_demo(DEFAULT_PASSWORD)
    page = Person(app, "teacher@example.org").get("/teacher").get_data(as_text=True)
    assert "Read only by you and your coach (Priya Shah): never by school leads" in page
