"""An admin acts only on people wholly inside their own trust (issue 11, accounts)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User
from tests.admin_world import admin, world  # noqa: F401  (fixtures)
from tests.factories import DEFAULT_PASSWORD, add_role, make_user


@pytest.fixture
def outsider(world):  # noqa: F811
    """Trust B's admin, with an address the staff form accepts."""
    person = make_user("bea@trust-b.org", name="Bea Outsider")
    add_role(person, world["trust_b"], "admin")
    db.session.commit()
    return person


LINK = re.compile(r"http://localhost(/(?:invite|reset)/[\w.\-]+)")


def _add_other_admin_to_a1(admin, world, outsider):  # noqa: F811
    response = admin(
        f"/admin/schools/{world['a1'].id}/staff",
        {"staff-email": "bea@trust-b.org", "staff-name": "Anyone", "staff-roles": ["teacher"]},
    )
    assert response.status_code == 200
    return response


def test_adding_someone_of_another_trust_gives_a_role_and_nothing_more(admin, world, outsider):  # noqa: F811
    response = _add_other_admin_to_a1(admin, world, outsider)
    assert not LINK.search(response.get_data(as_text=True))
    other = outsider
    assert other.name == "Bea Outsider"
    base = f"/admin/schools/{world['a1'].id}/staff/{other.id}"
    link = admin(f"{base}/link")
    assert link.status_code == 422
    assert not LINK.search(link.get_data(as_text=True))
    assert "another trust" in link.get_data(as_text=True)
    rename = admin(base, {"name": "Taken Over", "roles": ["teacher"]})
    assert rename.status_code == 422
    assert admin(f"{base}/active", {"active": "no"}).status_code == 422
    db.session.expire_all()
    other = db.session.get(User, other.id)
    assert other.name == "Bea Outsider" and other.active


def test_the_person_page_offers_no_account_actions_across_trusts(admin, world, client, outsider):  # noqa: F811
    _add_other_admin_to_a1(admin, world, outsider)
    page = client.get(f"/admin/schools/{world['a1'].id}/staff/{outsider.id}")
    html = page.get_data(as_text=True)
    assert "also belongs to another trust" in html
    assert "password reset link" not in html and "Deactivate" not in html


def test_roles_of_a_shared_person_still_change(admin, world, outsider):  # noqa: F811
    _add_other_admin_to_a1(admin, world, outsider)
    other = outsider
    base = f"/admin/schools/{world['a1'].id}/staff/{other.id}"
    assert admin(base, {"name": "Bea Outsider", "roles": ["teacher", "coach"]}).status_code == 200


def test_own_staff_still_get_links_and_renames(admin, world):  # noqa: F811
    base = f"/admin/schools/{world['a1'].id}/staff/{world['teacher'].id}"
    link = admin(f"{base}/link")
    assert link.status_code == 200 and LINK.search(link.get_data(as_text=True))
    assert admin(base, {"name": "Tia Renamed", "roles": ["teacher"]}).status_code == 200


def test_trust_level_link_refused_for_someone_of_another_trust(admin, world, outsider):  # noqa: F811
    trust = world["trust_a"].id
    response = admin(
        f"/admin/trusts/{trust}/people",
        {
            f"trust-{trust}-email": "bea@trust-b.org",
            f"trust-{trust}-name": "x",
            f"trust-{trust}-role": "trust_lead",
        },
    )
    assert response.status_code == 200
    assert not LINK.search(response.get_data(as_text=True))
    link = admin(f"/admin/trusts/{trust}/people/{outsider.id}/link")
    assert link.status_code == 422 and not LINK.search(link.get_data(as_text=True))


def test_no_invitation_for_someone_invited_by_another_trust(admin, world):  # noqa: F811
    stranger = User(email="new@trust-b.org", name="Nia New", password_hash=None)
    db.session.add(stranger)
    db.session.flush()
    add_role(stranger, world["b1"], "teacher")
    db.session.commit()
    response = admin(
        f"/admin/schools/{world['a1'].id}/staff",
        {"staff-email": "new@trust-b.org", "staff-name": "Nia", "staff-roles": ["teacher"]},
    )
    assert response.status_code == 200
    assert not LINK.search(response.get_data(as_text=True))


def test_a_change_to_a_shared_person_is_on_both_trusts_audit_trails(admin, world, outsider):  # noqa: F811
    _add_other_admin_to_a1(admin, world, outsider)
    trusts = set(
        db.session.scalars(sa.select(AuditEvent.trust_id).where(AuditEvent.action == "staff.add"))
    )
    assert trusts == {world["trust_a"].id, world["trust_b"].id}


def test_the_other_trusts_admin_keeps_their_own_password(admin, world, outsider):  # noqa: F811
    _add_other_admin_to_a1(admin, world, outsider)
    admin(f"/admin/schools/{world['a1'].id}/staff/{outsider.id}/link")
    db.session.expire_all()
    assert db.session.get(User, outsider.id).check_password(DEFAULT_PASSWORD)
