"""Shared fixtures of the admin HTTP tests: two trusts, their admins and staff."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.factories import (
    add_role,
    make_library_step,
    make_pair,
    make_school,
    make_triad,
    make_trust,
    make_user,
    make_visit,
)

HX = {"HX-Request": "true"}


@pytest.fixture
def world(app):
    """Trust A (schools a1, a2) with its admin; trust B with its own admin and school."""
    trust_a, trust_b = make_trust("Trust A"), make_trust("Trust B")
    a1, a2 = make_school(trust_a, "a1", name="Alder"), make_school(trust_a, "a2", name="Ash")
    b1 = make_school(trust_b, "b1", name="Birch")
    admin = make_user("admin@a", name="Ada Admin")
    add_role(admin, trust_a, "admin")
    other_admin = make_user("admin@b", name="Bea Admin")
    add_role(other_admin, trust_b, "admin")
    coach = make_user("coach@a1", name="Cal Coach", roles=[(a1, "coach")])
    teacher = make_user("teacher@a1", name="Tia Teacher", roles=[(a1, "teacher")])
    peer = make_user("peer@a1", name="Pat Peer", roles=[(a1, "teacher"), (a1, "coach")])
    lead = make_user("lead@a1", name="Lee Lead", roles=[(a1, "lead")])
    trust_lead = make_user("tl@a", name="Tom Trustlead")
    add_role(trust_lead, trust_a, "trust_lead")
    pair = make_pair(coach, teacher, a1)
    peers = [
        make_user(f"{name.lower()}@a2", name=f"{name} Peer", roles=[(a2, "coach")])
        for name in ("Abe", "Bo", "Cy")
    ]
    triad = make_triad(peers, a2)
    step = make_library_step(trust_a)
    visit = make_visit(coach, teacher, a1)
    db.session.commit()
    return dict(
        trust_a=trust_a,
        trust_b=trust_b,
        a1=a1,
        a2=a2,
        b1=b1,
        admin=admin,
        other_admin=other_admin,
        coach=coach,
        teacher=teacher,
        peer=peer,
        lead=lead,
        trust_lead=trust_lead,
        pair=pair,
        triad=triad,
        step=step,
        visit=visit,
    )


def admin_urls(w) -> list[tuple[str, str]]:
    """(method, url) of every admin route, on trust A's objects."""
    a1, trust, person = w["a1"].id, w["trust_a"].id, w["teacher"].id
    return [
        ("GET", "/admin/"),
        ("GET", f"/admin/schools/{a1}"),
        ("POST", f"/admin/schools/{a1}"),
        ("POST", f"/admin/trusts/{trust}/schools"),
        ("POST", f"/admin/trusts/{trust}/people"),
        ("POST", f"/admin/trusts/{trust}/people/{w['trust_lead'].id}/remove"),
        ("POST", f"/admin/trusts/{trust}/people/{w['trust_lead'].id}/link"),
        ("GET", f"/admin/trusts/{trust}/audit"),
        ("POST", f"/admin/schools/{a1}/staff"),
        ("GET", f"/admin/schools/{a1}/staff/{person}"),
        ("POST", f"/admin/schools/{a1}/staff/{person}"),
        ("POST", f"/admin/schools/{a1}/staff/{person}/active"),
        ("POST", f"/admin/schools/{a1}/staff/{person}/link"),
        ("GET", f"/admin/schools/{a1}/pairs"),
        ("POST", f"/admin/schools/{a1}/pairs"),
        ("POST", f"/admin/schools/{a1}/triads"),
        ("POST", f"/admin/pairs/{w['pair'].id}/end"),
        ("POST", f"/admin/schools/{w['a2'].id}/triads/{w['triad'][0].triad_key}/end"),
        ("GET", f"/admin/schools/{a1}/import"),
        ("POST", f"/admin/schools/{a1}/import/preview"),
        ("POST", f"/admin/schools/{a1}/import"),
        ("GET", f"/admin/trusts/{trust}/library"),
        ("POST", f"/admin/trusts/{trust}/library"),
        ("GET", f"/admin/library/{w['step'].id}"),
        ("POST", f"/admin/library/{w['step'].id}"),
        ("POST", f"/admin/library/{w['step'].id}/retire"),
    ]


def everything(w):
    """Every table's row count, to prove a refused request changed nothing."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "login_failure"
    }


def sign_in(auth, email):
    assert auth.login(email).status_code == 302
    return auth.page_csrf_token("/login")


@pytest.fixture
def admin(world, client, auth):
    """The signed-in admin of trust A and a function to post an htmx form."""
    token = sign_in(auth, "admin@a")

    def post(url, data=None, **kwargs):
        return client.post(url, data=data or {}, headers={**HX, "X-CSRFToken": token}, **kwargs)

    return post


def field_errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    errors = re.findall(r'<p class="error" id="[^"]+">([^<]+)</p>', html)
    return [unescape(error) for error in errors]
