"""The trust's retention settings (admins) and the privacy page made from them (everyone)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AuditEvent
from app.privacy.models import TrustRetention
from tests.conftest import csrf_token_from
from tests.factories import add_role, make_school, make_trust, make_user


@pytest.fixture
def trust(app):
    trust = make_trust("Oak Trust")
    school = make_school(trust)
    admin = make_user("admin@oak.test", "Ada Admin")
    add_role(admin, trust, "admin")
    make_user("teacher@oak.test", "Tom Teacher", roles=[(school, "teacher")])
    db.session.commit()
    return trust


def sign_in(client, email):
    page = client.get("/login").get_data(as_text=True)
    form = {"email": email, "password": "correct horse battery"}
    client.post("/login", data={**form, "csrf_token": csrf_token_from(page)})


def settings_form(**overrides) -> dict:
    return {
        "photo_months": "12",
        "visit_years": "3",
        "visit_action": "anonymise",
        "audit_years": "6",
        "sign_in_days": "30",
        **overrides,
    }


def test_the_privacy_page_says_the_trusts_periods(app, client, trust):
    sign_in(client, "teacher@oak.test")
    page = client.get("/privacy").get_data(as_text=True)
    assert "Photos: 24 months after the visit" in page
    assert "6 years after the visit, then deleted" in page
    assert "Ada Admin" in page
    assert 'href="/privacy"' in client.get("/teacher/", follow_redirects=True).get_data(
        as_text=True
    )
    db.session.add(TrustRetention(trust_id=trust.id, photo_months=1, visit_action="anonymise"))
    db.session.commit()
    page = client.get("/privacy").get_data(as_text=True)
    assert "Photos: 1 month after the visit" in page
    assert "then kept without anyone's name" in page


def test_the_admin_sets_the_periods_and_it_is_audited(app, client, trust):
    sign_in(client, "admin@oak.test")
    url = f"/admin/trusts/{trust.id}/retention"
    page = client.get(url).get_data(as_text=True)
    assert "Every night Dropin removes what is past these periods" in page
    assert "flask" not in page  # the command is for the README, not an admin's page
    csrf = csrf_token_from(page)
    response = client.post(url, data={**settings_form(), "csrf_token": csrf})
    assert response.status_code == 302
    settings = db.session.get(TrustRetention, trust.id)
    assert (settings.photo_months, settings.visit_years, settings.visit_action) == (
        12,
        3,
        "anonymise",
    )
    event = db.session.query(AuditEvent).filter_by(action="retention.update").one()
    assert event.details["changes"]["photo_months"] == [24, 12]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("photo_months", "0", "Enter a whole number of months from 1 to 120."),
        ("photo_months", "121", "Enter a whole number of months from 1 to 120."),
        ("photo_months", "twelve", "Enter a whole number of months from 1 to 120."),
        ("visit_years", "", "Enter a whole number of years from 1 to 20."),
        ("sign_in_days", "99999999999999999999", "Enter a whole number of days from 1 to 730."),
        ("visit_action", "shred", "Choose what happens to old visits."),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(app, client, trust, field, value, message):
    sign_in(client, "admin@oak.test")
    url = f"/admin/trusts/{trust.id}/retention"
    csrf = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**settings_form(**{field: value}), "csrf_token": csrf})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(TrustRetention, trust.id) is None


def test_the_audit_trail_shows_the_change_in_words(app, client, trust):
    sign_in(client, "admin@oak.test")
    url = f"/admin/trusts/{trust.id}/retention"
    csrf = csrf_token_from(client.get(url).get_data(as_text=True))
    client.post(url, data={**settings_form(), "csrf_token": csrf})
    page = client.get(f"/admin/trusts/{trust.id}/audit").get_data(as_text=True)
    assert "Changed retention periods" in page
    assert "Photos kept (months): 24 → 12" in page


def test_the_privacy_page_links_to_the_own_data_download(app, client, trust):
    sign_in(client, "teacher@oak.test")
    page = client.get("/privacy").get_data(as_text=True)
    assert 'href="/account/data">Download my data</a>' in page
