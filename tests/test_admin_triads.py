"""The pairs page shows a peer triad as one triad, ends it in one step (after "End…" asks),
and lists the teachers who have no current coach."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, CoachingPair
from tests.admin_world import HX, admin, everything, sign_in, world  # noqa: F401  (pytest fixtures)
from tests.factories import make_pair, make_triad, make_user


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def triad_url(world, triad=None) -> str:
    key = (triad or world["triad"])[0].triad_key
    return f"/admin/schools/{world['a2'].id}/triads/{key}/end"


def test_a_triad_is_listed_once_not_as_three_pairs(world, admin, client):
    page = client.get(f"/admin/schools/{world['a2'].id}/pairs").get_data(as_text=True)
    triads = section(page, "triads-heading")
    assert "Peer triads (1)" in triads
    assert triads.count("<tr>") == 2  # the heading row and the triad
    assert "Abe Peer" in triads and "Bo Peer" in triads and "Cy Peer" in triads
    assert ">End triad…<" in triads
    assert "Current pairs (0)" in page
    assert "Abe Peer" not in section(page, "current-heading")


def test_ending_a_triad_asks_then_ends_all_three_in_one_step(world, admin, client):
    before = everything(world)
    asking = admin(triad_url(world)).get_data(as_text=True)
    assert "End this triad (all three pairs)?" in asking and ">Yes, end it<" in asking
    assert everything(world) == before

    response = admin(triad_url(world), {"confirm": "yes"})
    assert response.status_code == 200
    for pair in world["triad"]:
        db.session.refresh(pair)
        assert pair.until == date.today()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "triad.end"))
    assert [e.summary for e in events] == ["Ended the triad Abe Peer, Bo Peer and Cy Peer at Ash"]
    # Like a pair, it counts until the end of today, then it is listed once among the ended.
    told = "The triad Abe Peer, Bo Peer and Cy Peer ends after today: it stays listed"
    assert told in response.get_data(as_text=True)
    triads = section(response.get_data(as_text=True), "triads-heading")
    assert "Ends today" in triads and "End triad…" not in triads
    for pair in world["triad"]:
        pair.until = date.today() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/admin/schools/{world['a2'].id}/pairs").get_data(as_text=True)
    assert 'id="triads-heading"' not in page
    assert section(page, "ended-heading").count("Triad: Abe Peer, Bo Peer and Cy Peer") == 1


def test_ending_one_pair_of_a_triad_ends_the_triad(world, admin):
    response = admin(f"/admin/pairs/{world['triad'][1].id}/end", {"confirm": "yes"})
    assert response.status_code == 200
    untils = db.session.scalars(
        sa.select(CoachingPair.until).where(CoachingPair.triad_key == world["triad"][0].triad_key)
    ).all()
    assert untils == [date.today()] * 3


def test_a_planned_triad_is_withdrawn_whole(world, admin):
    a2 = world["a2"]
    later = [make_user(f"{n}@later", name=f"{n} Later", roles=[(a2, "coach")]) for n in "XYZ"]
    planned = make_triad(later, a2, since=date.today() + timedelta(days=7))
    db.session.commit()
    response = admin(triad_url(world, planned), {"confirm": "yes"})
    assert response.status_code == 200
    key = planned[0].triad_key
    db.session.expire_all()
    count = sa.select(sa.func.count()).where(CoachingPair.triad_key == key)
    assert db.session.scalar(count) == 0


def test_a_triad_of_another_school_or_trust_is_not_found(world, client, auth, admin):
    wrong_school = f"/admin/schools/{world['a1'].id}/triads/{world['triad'][0].triad_key}/end"
    assert admin(wrong_school, {"confirm": "yes"}).status_code == 404
    assert admin(f"/admin/schools/{world['a2'].id}/triads/not-a-key/end").status_code == 404
    client.post("/logout", headers={"X-CSRFToken": auth.page_csrf_token("/")})
    token = sign_in(auth, "admin@b")
    refused = client.post(
        triad_url(world), data={"confirm": "yes"}, headers={**HX, "X-CSRFToken": token}
    )
    assert refused.status_code == 404
    db.session.refresh(world["triad"][0])
    assert world["triad"][0].until is None


def test_teachers_with_no_current_coach_are_listed(world, admin, client):
    a1 = world["a1"]
    newcomer = make_user("new@a1", name="Nia New", roles=[(a1, "teacher")])
    make_pair(world["coach"], newcomer, a1, since=date.today() + timedelta(days=3))
    make_user("gone@a1", name="Gus Gone", active=False, roles=[(a1, "teacher")])
    db.session.commit()
    html = client.get(f"/admin/schools/{a1.id}/pairs").get_data(as_text=True)
    listed = section(html, "uncoached-heading")
    names = re.findall(r"<li>([^<]+) <span", listed)
    assert names == ["Nia New", "Pat Peer"]  # Tia has Cal; Gus has left
    assert "Teachers with no current coach (2)" in listed
    starts = (date.today() + timedelta(days=3)).strftime("%-d %b %Y")
    assert "a pair starts <time" in listed and starts in listed

    # A pair ended today still counts today (as in coverage); from tomorrow it does not.
    admin(f"/admin/pairs/{world['pair'].id}/end", {"confirm": "yes"})
    html = client.get(f"/admin/schools/{a1.id}/pairs").get_data(as_text=True)
    assert "Tia Teacher" not in section(html, "uncoached-heading")
    world["pair"].until = date.today() - timedelta(days=1)
    db.session.commit()
    html = client.get(f"/admin/schools/{a1.id}/pairs").get_data(as_text=True)
    assert "Tia Teacher" in section(html, "uncoached-heading")
