"""Every admin form works without JavaScript (issue 11): a plain form post gets a whole
page back (never a 500 after the change was saved), and any sign-in link it made is on
that page."""

from __future__ import annotations

import re

import pytest

from tests.admin_world import world  # noqa: F401  (fixture)

LINK = re.compile(r"http://localhost/(?:invite|reset)/")


def _forms(w) -> list[tuple[str, dict, bool]]:
    """(url, form, makes a link) for the admin forms, as a browser without JS posts them."""
    a1, trust, teacher = w["a1"].id, w["trust_a"].id, w["teacher"].id
    t = f"trust-{trust}"
    return [
        (
            f"/admin/schools/{a1}/staff",
            {"staff-email": "new@example.org", "staff-name": "New", "staff-roles": ["teacher"]},
            True,
        ),
        (f"/admin/schools/{a1}/staff", {"staff-email": "not an email"}, False),
        (f"/admin/schools/{a1}/staff/{teacher}", {"name": "Tia T", "roles": ["teacher"]}, False),
        (f"/admin/schools/{a1}/staff/{teacher}/link", {}, True),
        (f"/admin/schools/{a1}/staff/{teacher}/active", {"active": "no"}, False),
        (
            f"/admin/trusts/{trust}/people",
            {f"{t}-email": "tl2@example.org", f"{t}-name": "Tal", f"{t}-role": "trust_lead"},
            True,
        ),
        (f"/admin/trusts/{trust}/people", {f"{t}-email": ""}, False),
        (f"/admin/trusts/{trust}/people/{w['trust_lead'].id}/link", {}, True),
        (
            f"/admin/trusts/{trust}/people/{w['trust_lead'].id}/remove",
            {"role": "trust_lead"},
            False,
        ),
        (
            f"/admin/schools/{a1}/import",
            {"csv_text": "email,name,role\nzed@example.org,Zed,teacher\n"},
            True,
        ),
    ]


@pytest.mark.parametrize("number", range(10))
def test_a_plain_form_post_gets_a_whole_page_and_shows_its_link(world, client, auth, number):  # noqa: F811
    assert auth.login("admin@a").status_code == 302
    token = auth.page_csrf_token("/admin/")
    url, form, makes_link = _forms(world)[number]
    answer = client.post(url, data={**form, "csrf_token": token})
    html = answer.get_data(as_text=True)
    assert answer.status_code in (200, 303, 422), (url, answer.status_code)
    assert "<html" in html
    assert bool(LINK.search(html)) == makes_link, url
