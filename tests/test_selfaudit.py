"""The teacher's self-audit over HTTP (SQLite and PostgreSQL): saved once a term, checked
field by field, theirs until they share it, read by their current coach only then."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.demo import seed_demo
from app.extensions import db
from app.models import CoachingPair, User
from app.selfaudit.areas import STATEMENT_KEYS
from app.selfaudit.terms import current_term, term_for, usual_term
from app.selfaudit_models import SchoolTerm, SelfAudit
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD
from tests.route_world import SELF_AUDIT_FORM

HTMX = {"HX-Request": "true"}
#: Words only a self-audit's answers show (a statement of the audit).
ANSWER_WORDS = "I anticipate the misconceptions pupils bring to a topic."


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


class Person:
    """A signed-in browser: each request in its own app context, so two people in one test
    never share the signed-in user Flask-Login keeps on `g`."""

    def __init__(self, app, email: str):
        self.client = app.test_client()
        self.app = app
        page = self.get("/login").get_data(as_text=True)
        form = {"email": email, "password": DEFAULT_PASSWORD, "csrf_token": csrf_token_from(page)}
        self.post("/login", data=form)
        landing = self.get("/no-role", follow_redirects=True).get_data(as_text=True)
        self.csrf = csrf_token_from(landing)

    def get(self, path: str, **kwargs):
        with self.app.app_context():
            return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        with self.app.app_context():
            return self.client.post(
                path, data={"csrf_token": getattr(self, "csrf", ""), **data}, **kwargs
            )


def audits_of(email: str) -> list[SelfAudit]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(SelfAudit).where(SelfAudit.teacher_id == user(email).id))
    )


def this_terms(email: str) -> SelfAudit | None:
    teacher = user(email)
    school = next(m.school for m in teacher.memberships if m.role == "teacher")
    term = current_term(school)
    return next((a for a in audits_of(email) if a.term == term.name), None)


def test_a_teacher_saves_this_terms_self_audit_and_changes_it(app):
    seed_demo(DEFAULT_PASSWORD)
    tom = Person(app, "teacher@example.org")
    page = tom.get("/teacher/self-audit").get_data(as_text=True)
    riverside = next(m.school for m in user("teacher@example.org").memberships)
    last_term = usual_term(current_term(riverside).first_day - timedelta(days=1))
    # Last term's answer beside each of the twelve statements, and focus beside the focus.
    assert page.count('<p class="earlier-answer" id="earlier-') == 12
    assert f"{last_term.name}: Making the most of time to learn" in page
    assert this_terms("teacher@example.org") is None

    answers = {**SELF_AUDIT_FORM, "answer-time-routines": "work_on"}
    response = tom.post("/teacher/self-audit", data=answers, headers=HTMX)
    assert response.status_code == 200
    saved_fragment = response.get_data(as_text=True)
    assert "<html" not in saved_fragment and 'id="self-audit-current"' in saved_fragment
    assert 'id="self-audit-sharing"' in saved_fragment  # the toggle, now there is one
    saved = this_terms("teacher@example.org")
    assert saved.answers["time-routines"] == "work_on"
    assert saved.answers["content-knowledge"] == "secure"
    assert saved.focus_area == "thinking"
    assert saved.shared_with_coach is False  # off until the teacher turns it on

    again = {**answers, "focus_area": "time", "answer-time-routines": "strength"}
    assert tom.post("/teacher/self-audit", data=again).status_code == 302
    assert len([a for a in audits_of("teacher@example.org") if a.term == saved.term]) == 1
    changed = this_terms("teacher@example.org")
    assert (changed.focus_area, changed.answers["time-routines"]) == ("time", "strength")


def test_missing_and_made_up_answers_are_refused_at_each_field(app):
    seed_demo(DEFAULT_PASSWORD)
    tom = Person(app, "teacher@example.org")
    form = {
        **SELF_AUDIT_FORM,
        "answer-thinking-checking": "10",  # a number, not a point of the scale
        "focus_area": "everything",
    }
    del form["answer-time-routines"]
    response = tom.post("/teacher/self-audit", data=form, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    # The block the form's hx-target names comes back whole, so the next save finds it.
    assert 'id="self-audit-current"' in body and "<html" not in body
    assert 'id="error-time-routines"' in body and 'id="error-thinking-checking"' in body
    assert 'id="error-focus_area"' in body
    assert 'id="error-content-knowledge"' not in body
    assert body.count("Choose how this feels for you at the moment.") == 2
    # What was chosen is given back, not lost.
    assert 'name="answer-content-knowledge" value="secure" checked' in body
    assert this_terms("teacher@example.org") is None


def test_sharing_is_the_teachers_toggle_and_the_coach_reads_it_only_then(app):
    seed_demo(DEFAULT_PASSWORD)
    tom = Person(app, "teacher@example.org")
    # Nothing to share before there is a self-audit this term.
    assert tom.post("/teacher/self-audit/sharing", data={"shared": "yes"}).status_code == 404
    tom.post("/teacher/self-audit", data=SELF_AUDIT_FORM)

    coach = Person(app, "coach@example.org")
    record = f"/coaching/teachers/{user('teacher@example.org').id}/self-audit"
    unshared = coach.get(record).get_data(as_text=True)
    assert "has not shared a self-audit with you" in unshared
    assert ANSWER_WORDS not in unshared

    response = tom.post("/teacher/self-audit/sharing", data={"shared": "yes"}, headers=HTMX)
    assert "Shared: your coach can read" in response.get_data(as_text=True)
    assert this_terms("teacher@example.org").shared_with_coach is True
    shared = coach.get(record).get_data(as_text=True)
    assert ANSWER_WORDS in shared and "Getting pupils thinking hard" in shared
    # The earlier term, never shared, stays the teacher's.
    earlier = next(a for a in audits_of("teacher@example.org") if not a.shared_with_coach)
    assert earlier.term not in shared

    tom.post("/teacher/self-audit/sharing", data={"shared": "no"})
    assert ANSWER_WORDS not in coach.get(record).get_data(as_text=True)


def test_only_the_current_coach_reads_a_shared_self_audit(app):
    seed_demo(DEFAULT_PASSWORD)
    tom = Person(app, "teacher@example.org")
    tom.post("/teacher/self-audit", data=SELF_AUDIT_FORM)
    tom.post("/teacher/self-audit/sharing", data={"shared": "yes"})
    teacher = user("teacher@example.org")
    record = f"/coaching/teachers/{teacher.id}/self-audit"
    assert Person(app, "coach@example.org").get(record).status_code == 200

    # A coach, not Tom's.
    assert Person(app, "grace.kim@example.org").get(record).status_code == 404
    pair = db.session.scalar(sa.select(CoachingPair).where(CoachingPair.teacher_id == teacher.id))
    pair.until = date(2020, 1, 1)  # the coaching ended: a former coach reads nothing
    db.session.commit()
    assert Person(app, "coach@example.org").get(record).status_code == 404


def test_a_person_who_teaches_nowhere_has_no_self_audit(app):
    seed_demo(DEFAULT_PASSWORD)
    for email in ("coach@example.org", "lead@example.org", "admin@example.org"):
        other = Person(app, email)
        assert other.get("/teacher/self-audit").status_code == 404, email
        assert other.post("/teacher/self-audit", data=SELF_AUDIT_FORM).status_code == 404, email
        shared = other.post("/teacher/self-audit/sharing", data={"shared": "yes"})
        assert shared.status_code == 404, email
    assert db.session.scalar(sa.select(sa.func.count(SelfAudit.id))) == 9  # the demo's


def test_terms_are_englands_usual_ones_unless_the_school_sets_its_own(app):
    trust = seed_demo(DEFAULT_PASSWORD)
    school = trust.schools[0]
    assert usual_term(date(2026, 11, 30)).name == "Autumn term 2026"
    assert usual_term(date(2026, 11, 30)).first_day == date(2026, 9, 1)
    assert usual_term(date(2026, 12, 31)).last_day == date(2026, 12, 31)
    assert usual_term(date(2027, 3, 31)).name == "Spring term 2027"
    assert usual_term(date(2027, 4, 1)).name == "Summer term 2027"
    assert usual_term(date(2027, 8, 31)).last_day == date(2027, 8, 31)
    db.session.add(
        SchoolTerm(
            school_id=school.id,
            name="Autumn 2 2026",
            first_day=date(2026, 11, 2),
            last_day=date(2026, 12, 18),
        )
    )
    db.session.flush()
    assert term_for(school, date(2026, 12, 1)).name == "Autumn 2 2026"
    assert term_for(school, date(2026, 10, 1)).name == "Autumn term 2026"
    assert term_for(trust.schools[1], date(2026, 12, 1)).name == "Autumn term 2026"
    assert len(STATEMENT_KEYS) == 12
