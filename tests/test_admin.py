"""Administration over HTTP: who may, schools, staff, trust roles, the audit trail."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.authz import visible_visits_clause
from app.extensions import db
from app.models import AuditEvent, Membership, School, User, Visit
from tests.admin_world import admin, admin_urls, everything, field_errors, sign_in, world  # noqa: F401  (pytest fixtures)
from tests.conftest import csrf_token_from
from tests.factories import (
    add_role,
)


@pytest.mark.parametrize("role", ["coach", "teacher", "peer", "lead", "trust_lead", "other_admin"])
def test_everyone_but_the_trusts_admin_gets_404_on_every_admin_url(world, client, auth, role):
    token = sign_in(auth, world[role].email)
    before = everything(world)
    for method, url in admin_urls(world):
        if role == "other_admin" and url == "/admin/":
            continue  # their own dashboard
        response = client.open(
            url, method=method, headers={"X-CSRFToken": token}, data={"csrf_token": token}
        )
        assert response.status_code == 404, (role, method, url)
    assert everything(world) == before


def test_signed_out_people_are_sent_to_sign_in(world, client):
    for method, url in admin_urls(world):
        if method == "GET":
            assert client.get(url).status_code == 302, url


def test_the_admin_reaches_every_admin_page(world, client, auth):
    sign_in(auth, "admin@a")
    for method, url in admin_urls(world):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<html" in response.get_data(as_text=True)


def test_every_admin_write_needs_the_csrf_token(world, client, auth):
    sign_in(auth, "admin@a")
    before = everything(world)
    for method, url in admin_urls(world):
        if method == "POST":
            assert client.post(url, data={}).status_code == 400, url
    assert everything(world) == before


def new_school(world, **fields):
    prefix = f"new-school-{world['trust_a'].id}-"
    data = {"name": "Oak Lane", "slug": "", "timezone": "Europe/London", "cadence": "weekly"}
    return {prefix + key: value for key, value in {**data, **fields}.items()}


def test_adding_a_school_makes_its_slug_and_writes_an_audit_event(world, admin):
    response = admin(f"/admin/trusts/{world['trust_a'].id}/schools", new_school(world))
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    school = db.session.scalar(sa.select(School).where(School.slug == "oak-lane"))
    assert (school.trust_id, school.cadence, school.timezone) == (
        world["trust_a"].id,
        "weekly",
        "Europe/London",
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "school.create"))
    assert event.actor_id == world["admin"].id and "Oak Lane" in event.summary


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"slug": "Not A Slug!"}, "Use lower-case letters, digits and hyphens"),
        ({"slug": "b1"}, "already used by another school"),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list"),
        ({"cadence": "daily"}, "Choose weekly or fortnightly."),
        ({"name": ""}, "Enter the school's name."),
        ({"name": "B1"}, "The short name made from this name, 'b1', is used by another"),
    ],
)
def test_invalid_school_fields_are_shown_at_the_field_with_422(world, admin, fields, message):
    before = everything(world)
    url = f"/admin/trusts/{world['trust_a'].id}/schools"
    response = admin(url, new_school(world, **fields))
    assert response.status_code == 422
    assert any(message in error for error in field_errors(response)), field_errors(response)
    assert everything(world) == before


def test_a_duplicate_school_name_is_shown_at_the_name_field(world, admin):
    url = f"/admin/trusts/{world['trust_a'].id}/schools"
    response = admin(url, new_school(world, name="alder"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    name_id = f"new-school-{world['trust_a'].id}-name"
    assert f'id="{name_id}"' in html and f'aria-describedby="{name_id}-error"' in html
    assert field_errors(response) == ["A school called alder already exists."]


def test_the_time_zone_list_offers_canonical_zones_london_first(world, admin, client):
    html = client.get("/admin/").get_data(as_text=True)
    select = html.split(f'id="new-school-{world["trust_a"].id}-timezone"')[1].split("</select>")[0]
    zones = re.findall(r'<option[^>]*value="([^"]+)"', select)
    assert zones[0] == "Europe/London"
    assert "Africa/Asmara" in zones and "Africa/Asmera" not in zones and "US/Pacific" not in zones
    assert len(zones) < 450


def test_a_legacy_time_zone_name_is_still_accepted(world, admin):
    response = admin(
        f"/admin/trusts/{world['trust_a'].id}/schools", new_school(world, timezone="Africa/Asmera")
    )
    assert response.status_code == 200
    school = db.session.scalar(sa.select(School).where(School.slug == "oak-lane"))
    assert school.timezone == "Africa/Asmera"


def test_editing_cadence_and_timezone(world, admin):
    a1 = world["a1"]
    response = admin(
        f"/admin/schools/{a1.id}",
        {
            "school-name": "Alder",
            "school-slug": "a1",
            "school-timezone": "Europe/Dublin",
            "school-cadence": "weekly",
        },
    )
    assert response.status_code == 200
    db.session.refresh(a1)
    assert (a1.timezone, a1.cadence) == ("Europe/Dublin", "weekly")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "school.update"))
    assert event.details["changes"]["cadence"] == ["fortnightly", "weekly"]


def test_adding_a_person_shows_their_one_time_link(world, admin, client):
    response = admin(
        f"/admin/schools/{world['a1'].id}/staff",
        {
            "staff-email": "New.Person@Example.org",
            "staff-name": "New Person",
            "staff-roles": ["teacher", "coach"],
        },
    )
    assert response.status_code == 200
    person = db.session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert person.password_hash is None
    assert sorted(m.role for m in person.memberships) == ["coach", "teacher"]
    link = re.search(
        r">http://localhost(/invite/[^<]+)</textarea>", response.get_data(as_text=True)
    )
    assert link, "the invitation link is shown to the admin"


def test_adding_a_person_without_a_role_or_with_a_bad_email(world, admin):
    response = admin(
        f"/admin/schools/{world['a1'].id}/staff", {"staff-email": "not an email", "staff-name": ""}
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert "Enter a valid email address, like name@school.org." in errors
    assert "Enter the person's name." in errors
    assert "Choose at least one role." in errors


def test_deactivated_person_cannot_sign_in_and_their_visits_stay(world, admin, auth, client):
    teacher, visit = world["teacher"], world["visit"]

    response = admin(f"/admin/schools/{world['a1'].id}/staff/{teacher.id}/active", {"active": "no"})

    assert response.status_code == 200
    db.session.refresh(teacher)
    assert teacher.active is False
    auth.logout()
    assert auth.login("teacher@a1").status_code == 401
    assert db.session.get(Visit, visit.id) is not None
    for viewer in (world["lead"], world["trust_lead"], world["coach"]):
        seen = db.session.scalars(sa.select(Visit.id).where(visible_visits_clause(viewer)))
        assert visit.id in set(seen), viewer.email


def test_the_admin_cannot_deactivate_themself(world, admin):
    # the admin holds no school role; give one so the URL resolves through the school
    add_role(world["admin"], world["a1"], "lead")
    db.session.commit()
    response = admin(
        f"/admin/schools/{world['a1'].id}/staff/{world['admin'].id}/active", {"active": "no"}
    )
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)


def test_sign_in_link_is_a_reset_link_for_someone_with_a_password(world, admin):
    response = admin(f"/admin/schools/{world['a1'].id}/staff/{world['teacher'].id}/link")
    assert response.status_code == 200
    assert "/reset/" in response.get_data(as_text=True)


def test_editing_roles_and_name(world, admin):
    teacher = world["teacher"]
    response = admin(
        f"/admin/schools/{world['a1'].id}/staff/{teacher.id}",
        {"name": "Tia T. Teacher", "roles": ["teacher", "coach"]},
    )
    assert response.status_code == 200
    db.session.refresh(teacher)
    assert teacher.name == "Tia T. Teacher"
    assert sorted(m.role for m in teacher.memberships) == ["coach", "teacher"]
    none = admin(f"/admin/schools/{world['a1'].id}/staff/{teacher.id}", {"name": "Tia"})
    assert none.status_code == 422 and "Choose at least one role." in field_errors(none)


def test_audit_trail_lists_changes_newest_first_and_pages(world, admin, client):
    for number in range(55):
        admin(
            f"/admin/trusts/{world['trust_a'].id}/library",
            {"school_id": 0, "category": "Routines", "title": f"Step number {number}"},
        )
    first = client.get(f"/admin/trusts/{world['trust_a'].id}/audit").get_data(as_text=True)
    assert "Step number 54" in first and "Step number 0&#39;" not in first
    assert "Ada Admin" in first
    url = f"/admin/trusts/{world['trust_a'].id}/audit"
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "Step number 0" in second


def test_trust_roles_can_be_added_but_not_your_own_admin_removed(world, admin):
    trust = world["trust_a"]
    prefix = f"trust-{trust.id}-"
    response = admin(
        f"/admin/trusts/{trust.id}/people",
        {
            prefix + "email": "second@example.org",
            prefix + "name": "Sam Second",
            prefix + "role": "admin",
        },
    )
    assert response.status_code == 200
    assert "/invite/" in response.get_data(as_text=True)
    own = admin(f"/admin/trusts/{trust.id}/people/{world['admin'].id}/remove", {"role": "admin"})
    assert own.status_code == 422
    assert "You cannot remove your own admin role." in own.get_data(as_text=True)
    # Nor is it offered: the button is there for the other admin only.
    page = own.get_data(as_text=True)
    remove = 'Remove admin role<span class="visually-hidden"> from '
    assert remove + "Sam Second" in page and remove + world["admin"].name not in page


def test_admins_see_no_visits(world):
    seen = db.session.scalars(sa.select(Visit.id).where(visible_visits_clause(world["admin"])))
    assert list(seen) == []


def test_membership_changes_are_audited(world, admin):
    admin(
        f"/admin/schools/{world['a1'].id}/staff/{world['teacher'].id}",
        {"name": "Tia Teacher", "roles": ["coach"]},
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "staff.update"))
    assert event.details["roles_removed"] == ["teacher"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.user_id == world["teacher"].id)
        )
        == 1
    )


def test_page_csrf_meta_is_present(world, client, auth):
    sign_in(auth, "admin@a")
    assert csrf_token_from(client.get("/admin/").get_data(as_text=True))


def test_a_trust_lead_without_a_password_gets_an_invitation_link(world, admin):
    world["trust_lead"].password_hash = None
    db.session.commit()
    response = admin(f"/admin/trusts/{world['trust_a'].id}/people/{world['trust_lead'].id}/link")
    assert response.status_code == 200
    assert "/invite/" in response.get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "link.invite"))
    assert event.details == {"email": "tl@a"}


def test_without_htmx_a_form_post_answers_the_whole_page(world, client, auth):
    token = sign_in(auth, "admin@a")
    prefix = f"new-school-{world['trust_a'].id}-"
    response = client.post(
        f"/admin/trusts/{world['trust_a'].id}/schools",
        data={
            "csrf_token": token,
            prefix + "name": "Oak",
            prefix + "slug": "a1",
            prefix + "timezone": "Europe/London",
            prefix + "cadence": "weekly",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html and "already used by another school" in html


def test_the_admin_nav_item_is_current_on_every_admin_page(world, app):
    """Needs base.html to use nav_is_current(endpoint) for aria-current (left to its owner)."""
    from app.auth.routes import navigation

    with app.test_request_context(f"/admin/schools/{world['a1'].id}/pairs"):
        is_current = navigation()["nav_is_current"]
        assert is_current("admin.index") and not is_current("leads.coverage")
