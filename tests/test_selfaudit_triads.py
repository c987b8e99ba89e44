"""Suggested peer triads from this term's self-audits (HTTP, SQLite and PostgreSQL): grouped
by focus area, mixing experience and phase, nobody left out without a reason; the admin
moves people and accepts a triad, made as any triad is. Also the admin's term dates and
each person's experience and phase."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.admin.suggestions import LEFT_OUT_BY_YOU, NO_SELF_AUDIT, rearranged, suggest
from app.demo import TRIAD_KEY, seed_demo
from app.extensions import db
from app.models import AuditEvent, CoachingPair, Membership, School, User
from app.selfaudit_models import SchoolTerm
from tests.factories import DEFAULT_PASSWORD, make_self_audit, make_user
from tests.test_selfaudit import Person

HTMX = {"HX-Request": "true"}


def school(slug: str) -> School:
    return db.session.scalar(sa.select(School).where(School.slug == slug))


def person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def names(people) -> set[str]:
    return {p.name for p in people}


def test_the_demo_school_is_grouped_by_focus_and_everyone_is_accounted_for(app):
    seed_demo(DEFAULT_PASSWORD)
    riverside = school("riverside")
    suggestion = suggest(riverside, date.today())
    assert [names(t.members) for t in suggestion.triads] == [
        {"Amara Okafor", "Dan Lewis", "Ben Carter"}
    ]
    reasons = {p.name: why for p, why in suggestion.left_out}
    assert reasons["Tom Baker"] == NO_SELF_AUDIT
    assert reasons["Siân Evans"].startswith("Only 1 left over (Creating a supportive environment)")
    teachers = {m.user.name for m in riverside_memberships(riverside, "teacher")}
    in_triads = [p.name for t in suggestion.triads for p in t.members]
    assert sorted(in_triads + list(reasons)) == sorted(teachers)  # each once, none missing


def riverside_memberships(riverside: School, role: str) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership).where(
                Membership.school_id == riverside.id, Membership.role == role
            )
        )
    )


def _teacher_with_focus(at: School, email: str, focus: str, experience: str, phase: str) -> User:
    teacher = make_user(email, roles=[(at, "teacher")])
    teacher.experience, teacher.phase = experience, phase
    make_self_audit(teacher, at, focus)
    db.session.flush()
    return teacher


def test_each_triad_mixes_experience_and_phase_and_leftovers_join_up(app):
    trust = seed_demo(DEFAULT_PASSWORD)
    at = School(trust_id=trust.id, name="Mixing School", slug="mixing")
    db.session.add(at)
    db.session.flush()
    people = [
        ("ect1", "early_career", "KS1"),
        ("ect2", "early_career", "KS1"),
        ("dev1", "developing", "KS2"),
        ("dev2", "developing", "KS2"),
        ("exp1", "experienced", "KS3"),
        ("exp2", "experienced", "KS3"),
    ]
    for name, experience, phase in people:
        _teacher_with_focus(at, f"{name}@mix.test", "content", experience, phase)
    _teacher_with_focus(at, "t1@mix.test", "time", "experienced", "KS4")
    _teacher_with_focus(at, "t2@mix.test", "time", "early_career", "KS4")
    _teacher_with_focus(at, "e1@mix.test", "environment", "developing", "KS5")
    suggestion = suggest(at, date.today())
    content = [t for t in suggestion.triads if not t.note]
    assert len(content) == 2
    for triad in content:
        assert {p.experience for p in triad.members} == {
            "early_career",
            "developing",
            "experienced",
        }
        assert len({p.phase for p in triad.members}) == 3
    mixed = [t for t in suggestion.triads if t.note]
    assert len(mixed) == 1 and len(mixed[0].members) == 3
    assert (
        "Mixed focus" in mixed[0].note
        and "only 2 left with Making the most of time" in mixed[0].note
    )
    assert suggestion.left_out == []


def _form(admin: Person, riverside: School) -> str:
    return f"/admin/schools/{riverside.id}/triads/suggested"


def test_the_admin_moves_people_and_accepts_a_triad(app):
    seed_demo(DEFAULT_PASSWORD)
    riverside = school("riverside")
    admin = Person(app, "admin@example.org")
    url = _form(admin, riverside)
    page = admin.get(url).get_data(as_text=True)
    assert "Accept triad 1" in page and "No self-audit this term" in page
    # Nothing of anyone's answers, only their focus.
    assert "I anticipate the misconceptions" not in page

    sian, ben = person("sian.evans@example.org"), person("ben.carter@example.org")
    amara, dan = person("amara.okafor@example.org"), person("dan.lewis@example.org")
    moved = {f"triad-{sian.id}": "1", f"triad-{ben.id}": "0", "triad-nobody": "x"}
    response = admin.post(url, data=moved, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "Left out by you" in body
    assert f'id="triad-{sian.id}" name="triad-{sian.id}">\n  \n  <option value="1" selected' in body

    # A triad of four cannot be accepted: it says why.
    four = {f"triad-{sian.id}": "1", f"triad-{ben.id}": "1", "accept": "1"}
    refused = admin.post(url, data=four, headers=HTMX)
    assert refused.status_code == 422
    assert "a triad needs exactly three" in refused.get_data(as_text=True).lower()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(CoachingPair.id)).where(
                CoachingPair.triad_key.is_not(None), CoachingPair.triad_key != TRIAD_KEY
            )
        )
        == 0  # (the demo's own triad aside)
    )

    accepted = admin.post(url, data={**moved, "accept": "1"}, headers=HTMX)
    assert accepted.status_code == 200
    assert "Triad made:" in accepted.get_data(as_text=True)
    db.session.expire_all()
    pairs = list(
        db.session.scalars(
            sa.select(CoachingPair).where(
                CoachingPair.triad_key.is_not(None), CoachingPair.triad_key != TRIAD_KEY
            )
        )
    )
    assert len(pairs) == 3 and len({p.triad_key for p in pairs}) == 1
    ring = {(p.coach_id, p.teacher_id) for p in pairs}
    assert {c for c, _ in ring} == {t for _, t in ring} == {sian.id, amara.id, dan.id}
    # Peers coach each other: each now holds the coach role at the school.
    for member in (sian, amara, dan):
        roles = {m.role for m in riverside_memberships(riverside, "coach")}
        assert "coach" in roles
        assert any(m.user_id == member.id for m in riverside_memberships(riverside, "coach")), (
            member.name
        )
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"triad.add", "staff.update"} <= actions
    again = admin.get(url).get_data(as_text=True)
    assert again.count("Already in a current triad") == 3


def test_rearranging_keeps_the_reason_of_those_the_suggestion_left_out(app):
    seed_demo(DEFAULT_PASSWORD)
    riverside = school("riverside")
    ben, sian = person("ben.carter@example.org"), person("sian.evans@example.org")
    moved = rearranged(riverside, date.today(), {ben.id: 0, sian.id: 0})
    reasons = {p.name: why for p, why in moved.left_out}
    assert reasons["Ben Carter"] == LEFT_OUT_BY_YOU  # taken out of triad 1 by the admin
    assert reasons["Siân Evans"].startswith("Only 1 left over")  # untouched: its reason
    assert reasons["Tom Baker"] == NO_SELF_AUDIT


def test_experience_and_phase_are_set_on_the_persons_page(app):
    seed_demo(DEFAULT_PASSWORD)
    riverside = school("riverside")
    tom = person("teacher@example.org")
    admin = Person(app, "admin@example.org")
    url = f"/admin/schools/{riverside.id}/staff/{tom.id}"
    form = {"name": tom.name, "roles": "teacher", "experience": "experienced", "phase": "KS1"}
    assert admin.post(url, data=form, headers=HTMX).status_code == 200
    db.session.expire_all()
    assert (tom.experience, tom.phase) == ("experienced", "KS1")
    bad = admin.post(url, data={**form, "phase": "KS9"}, headers=HTMX)
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert tom.phase == "KS1"


def test_the_admin_sets_term_dates_and_overlaps_are_refused(app):
    seed_demo(DEFAULT_PASSWORD)
    riverside = school("riverside")
    admin = Person(app, "admin@example.org")
    url = f"/admin/schools/{riverside.id}/terms"
    assert "England" in admin.get(url).get_data(as_text=True)
    term = {"name": "Spring 2027", "first_day": "2027-01-05", "last_day": "2027-03-26"}
    assert admin.post(url, data=term, headers=HTMX).status_code == 200
    overlap = {"name": "Easter", "first_day": "2027-03-20", "last_day": "2027-04-10"}
    refused = admin.post(url, data=overlap, headers=HTMX)
    assert refused.status_code == 422 and "overlap Spring 2027" in refused.get_data(as_text=True)
    backwards = {"name": "Back", "first_day": "2027-06-10", "last_day": "2027-06-01"}
    refused = admin.post(url, data=backwards, headers=HTMX)
    assert refused.status_code == 422 and "must not come before" in refused.get_data(as_text=True)
    saved = db.session.scalars(sa.select(SchoolTerm)).all()
    assert [t.name for t in saved] == ["Spring 2027"]
    gone = admin.post(f"{url}/remove", data={"term_id": str(saved[0].id)}, headers=HTMX)
    assert gone.status_code == 200
    assert admin.post(f"{url}/remove", data={"term_id": "x"}).status_code == 404
    too_big = {"term_id": str(2**40)}  # no database integer holds it: 404, never a 500
    assert admin.post(f"{url}/remove", data=too_big).status_code == 404
    huge = {"triad-1": str(2**40), f"triad-{2**40}": "1", "accept": str(2**70)}
    assert (
        admin.post(f"/admin/schools/{riverside.id}/triads/suggested", data=huge).status_code == 422
    )
    assert db.session.scalar(sa.select(sa.func.count(SchoolTerm.id))) == 0
