"""A self-audit is the teacher's own: a lead, of the school or of the trust, never sees one
person's self-audit on any page or route (the self-audit routes answer 404, and no page a
lead can open shows an answer); a lead sees how many chose each focus area, per school."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Membership, School, User
from app.selfaudit.areas import AREAS
from app.selfaudit_models import SelfAudit
from tests.route_world import SELF_AUDIT_FORM, build_world
from tests.test_route_access import ACCESS, _request, _sign_in, walked_routes

LEADS = ("school_lead", "trust_lead")
#: Every statement: only a self-audit's answers show them.
STATEMENTS = [statement.text for area in AREAS for statement in area.statements]
SELF_AUDIT_ROUTES = ("selfaudit.page", "selfaudit.save", "selfaudit.share", "selfaudit.coach_view")


@pytest.fixture
def world(app):
    targets = build_world()
    # Every self-audit shared with the teacher's coach: the most a lead could ever reach.
    for audit in db.session.scalars(sa.select(SelfAudit)):
        audit.shared_with_coach = True
    db.session.commit()
    return targets


def _teachers_with_self_audits() -> list[int]:
    return list(db.session.scalars(sa.select(SelfAudit.teacher_id).distinct()))


def _not_their_coach(lead_email: str) -> list[int]:
    """Teachers with a self-audit whom this lead does not also coach (a lead who is a
    teacher's coach reads what that teacher shares with them, as their coach)."""
    from app.models import CoachingPair

    lead = db.session.scalar(sa.select(User).where(User.email == lead_email))
    coached = set(
        db.session.scalars(
            sa.select(CoachingPair.teacher_id).where(CoachingPair.coach_id == lead.id)
        )
    )
    return [teacher for teacher in _teachers_with_self_audits() if teacher not in coached]


@pytest.mark.parametrize("role", LEADS)
def test_a_lead_never_sees_anyones_self_audit_on_any_route(app, client, world, role):
    from tests.route_world import ROLE_EMAILS

    csrf = _sign_in(client, role)
    seen = 0
    for endpoint, method, rule in walked_routes(app):
        if method != "GET" or endpoint not in ACCESS:
            continue
        for target in ACCESS[endpoint]:
            response = _request(client, world, endpoint, method, target, csrf)
            body = response.get_data().decode("utf-8", "replace")
            for statement in STATEMENTS:
                assert statement not in body, f"{role}: {rule} ({target}) shows a self-audit"
            seen += 1
    assert seen > 20
    # The self-audit routes themselves, for every teacher who has one.
    assert client.get("/teacher/self-audit").status_code == 404
    form = {**SELF_AUDIT_FORM, "csrf_token": csrf}
    assert client.post("/teacher/self-audit", data=form).status_code == 404
    sharing = {"shared": "no", "csrf_token": csrf}
    assert client.post("/teacher/self-audit/sharing", data=sharing).status_code == 404
    for teacher_id in _not_their_coach(ROLE_EMAILS[role]):
        response = client.get(f"/coaching/teachers/{teacher_id}/self-audit")
        assert response.status_code == 404, (role, teacher_id)
    # Nothing a lead did changed anyone's self-audit.
    assert all(a.shared_with_coach for a in db.session.scalars(sa.select(SelfAudit)))


def test_the_self_audit_routes_are_listed_for_no_lead():
    for endpoint in SELF_AUDIT_ROUTES:
        for roles in ACCESS[endpoint].values():
            assert not set(roles) & {"school_lead", "trust_lead"}, endpoint


def _focus_table(body: str, school_name: str) -> str:
    start = body.index(f"<caption>{school_name}, ")
    return body[start : body.index("</table>", start)]


@pytest.mark.parametrize("role", LEADS)
def test_a_lead_sees_only_counts_of_focus_areas_per_school(app, client, world, role):
    _sign_in(client, role)
    body = client.get("/coverage").get_data(as_text=True)
    assert "Focus areas chosen this term" in body
    # The demo: three teachers chose "thinking hard", one "a supportive environment": a
    # count of 3 beside a total of 4 would tell the one's choice is not "thinking hard".
    assert "<strong>Riverside Primary, " in body and "4 self-audits so far" in body
    assert "<caption>Riverside Primary" not in body
    riverside = body[body.index("<strong>Riverside Primary, ") :]
    riverside = riverside[: riverside.index("</p>")]
    # No names beside the counts.
    teachers = db.session.scalars(
        sa.select(User.name)
        .join(Membership, Membership.user_id == User.id)
        .join(School, School.id == Membership.school_id)
        .where(School.slug == "riverside")
    )
    for name in teachers:
        assert name not in riverside
    if role == "trust_lead":
        hillcrest = _focus_table(body, "Hillcrest Academy")
        assert "(3 self-audits)" in hillcrest
        assert '<th scope="row">Making the most of time to learn</th><td class="num">3</td>' in (
            hillcrest
        )
    else:
        assert "<caption>Hillcrest Academy" not in body


def test_with_fewer_than_three_self_audits_a_school_shows_no_counts_per_area(app, client, world):
    """One or two self-audits: a count per area would tell whose focus is whose."""
    hillcrest = db.session.scalar(sa.select(School).where(School.slug == "hillcrest"))
    audits = db.session.scalars(sa.select(SelfAudit).where(SelfAudit.school_id == hillcrest.id))
    for audit in list(audits)[1:]:
        db.session.delete(audit)
    db.session.commit()
    _sign_in(client, "trust_lead")
    body = client.get("/coverage").get_data(as_text=True)
    assert "Hillcrest Academy, " in body and "1 self-audit so far" in body
    assert "<caption>Hillcrest Academy" not in body
    assert "4 self-audits so far" in body  # Riverside: 3 and 1, so the total alone
