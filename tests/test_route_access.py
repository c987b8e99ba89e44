"""Every route in app.url_map, walked signed out and as each demo role.

Adding a route means deciding who may use it: list it in PUBLIC, or in ACCESS with the
roles that may use it for each kind of target. A route in neither fails these tests.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask, url_for

from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, small_jpeg
from tests.route_world import (
    ROLE_EMAILS,
    ROLES,
    SELF_AUDIT_FORM,
    build_world,
    capture_for,
    snapshot,
)

#: Routes anyone may use, signed in or not.
PUBLIC = {
    "static",
    "healthz",
    "readyz",
    "auth.login",
    "auth.logout",
    "auth.accept_invitation",
    "auth.request_password_reset",
    "auth.reset_password",
    "auth.sso_start",
    "auth.sso_callback",
    "api.openapi",
    "pwa.manifest",
    "pwa.offline",
    "pwa.service_worker",
    # The stop link in every email: signed for one person and one kind, no sign-in.
    "notify.unsubscribe",
    "notify.unsubscribe_confirm",
}
#: Outside /api/, signed-out requests that answer 401 JSON, not a redirect (the contract:
#: the sync loop asks for a fresh session and must never follow a login redirect).
SIGNED_OUT_401 = {"capture.sync_session"}

EVERYONE = frozenset(ROLES)
NO_ONE: frozenset[str] = frozenset()
#: Who sees the coach's own teacher's visit at Riverside (its photos too).
SEE_RIVERSIDE = frozenset({"coach", "teacher", "school_lead", "trust_lead"})
#: Targets for routes that act on a visit: the demo's two schools and another trust.
SEE_VISIT = {"riverside": SEE_RIVERSIDE, "hillcrest": {"trust_lead"}, "other": {"outsider"}}
TEACHERS_OWN_STEP = {"riverside": {"teacher"}, "hillcrest": NO_ONE, "other": NO_ONE}
ADMIN_OF_TRUST = {"riverside": {"admin"}, "hillcrest": {"admin"}, "other": {"outsider"}}
#: A person or pair of another trust under a school or trust the admin does administer.
ADMIN_OF_PERSON = {"riverside": {"admin"}, "other": {"outsider"}, "mixed": NO_ONE}
LEADS = frozenset({"school_lead", "trust_lead", "outsider"})
NOT_A_MEMBER = {"riverside": NO_ONE, "hillcrest": NO_ONE, "other": NO_ONE}

#: endpoint -> {target: roles that may use it}; "-" for a route without URL arguments.
ACCESS: dict[str, dict[str, frozenset[str] | set[str]]] = {
    "auth.home": {"-": EVERYONE},
    "auth.no_role": {"-": EVERYONE},
    "notify.preferences": {"-": EVERYONE},
    "pwa.start": {"-": EVERYONE},
    "admin.index": {"-": {"admin", "outsider"}},
    "admin.school": ADMIN_OF_TRUST,
    "admin.import_staff_page": ADMIN_OF_TRUST,
    "admin.preview_import": ADMIN_OF_TRUST,
    "admin.confirm_import": ADMIN_OF_TRUST,
    "admin.pairs": ADMIN_OF_TRUST,
    "admin.add_coaching_pair": ADMIN_OF_TRUST,
    "admin.add_coaching_triad": ADMIN_OF_TRUST,
    "admin.end_coaching_pair": {"riverside": {"admin"}, "other": {"outsider"}},
    "admin.end_coaching_triad": {
        "riverside": {"admin"},
        "other": {"outsider"},
        "mixed": NO_ONE,  # a school of the admin's trust, another trust's triad
    },
    "admin.add_staff": ADMIN_OF_TRUST,
    "admin.person": ADMIN_OF_PERSON,
    "admin.set_person_active": ADMIN_OF_PERSON,
    "admin.sign_in_link": ADMIN_OF_PERSON,
    "admin.audit_trail": ADMIN_OF_TRUST,
    "admin.sign_in_settings": ADMIN_OF_TRUST,
    "admin.password_sign_in": ADMIN_OF_TRUST,
    "admin.add_school": ADMIN_OF_TRUST,
    "admin.add_trust_person": ADMIN_OF_TRUST,
    "admin.trust_person_link": ADMIN_OF_PERSON,
    "admin.remove_trust_person": ADMIN_OF_PERSON,
    "admin.library": ADMIN_OF_TRUST,
    "admin.add_library_step": ADMIN_OF_TRUST,
    "admin.library_step": ADMIN_OF_TRUST,
    "admin.retire_library_step": ADMIN_OF_TRUST,
    "admin.cycles": ADMIN_OF_TRUST,
    "admin.add_school_cycle": ADMIN_OF_TRUST,
    "admin.remove_school_cycle": {"riverside": {"admin"}, "other": {"outsider"}},
    "admin.edit_school_cycle": {"riverside": {"admin"}, "other": {"outsider"}},
    # GROW write-ups: the triad's members only, never a lead or an admin (none of the
    # walking roles is in the triads walked; tests/test_triad_write_ups.py has members).
    "triads.index": {"-": EVERYONE},
    "triads.triad": NOT_A_MEMBER,
    "triads.new_write_up": NOT_A_MEMBER,
    "triads.write_up": NOT_A_MEMBER,
    "privacy.page": {"-": EVERYONE},
    "privacy.retention_settings": ADMIN_OF_TRUST,
    "privacy.erase": ADMIN_OF_PERSON,
    "privacy.erase_trust_person": ADMIN_OF_PERSON,
    "api.me": {"-": EVERYONE},
    "api.library_steps": {"-": EVERYONE},
    "api.get_visit": SEE_VISIT,
    # Only the visit's coach edits it; "new" is a visit id nobody has used yet.
    "api.put_visit": {
        "riverside": {"coach"},
        "other": NO_ONE,
        "new": {"coach", "school_lead", "trust_lead"},
    },
    # Leads see the step and change nothing (403); the teacher and their coach change it.
    "api.patch_action_step": {
        "riverside": {"coach", "teacher"},
        "hillcrest": NO_ONE,
        "other": NO_ONE,
    },
    # The conversation on a step: the teacher and their current coach only.
    "api.put_comment": {"riverside": {"coach", "teacher"}, "hillcrest": NO_ONE, "other": NO_ONE},
    "coaching.add_step_comment": {
        "riverside": {"coach", "teacher"},
        "hillcrest": NO_ONE,
        "other": NO_ONE,
    },
    # The practice log of a step: the teacher's practice, kept like the conversation.
    "api.put_practice": {"riverside": {"coach", "teacher"}, "hillcrest": NO_ONE, "other": NO_ONE},
    "coaching.log_step_practice": {
        "riverside": {"coach", "teacher"},
        "hillcrest": NO_ONE,
        "other": NO_ONE,
    },
    "coaching.record": {"riverside": {"coach"}, "hillcrest": NO_ONE, "other": NO_ONE},
    "api.put_photo": {"riverside": {"coach"}, "hillcrest": NO_ONE, "other": NO_ONE},
    "photos.display": SEE_VISIT,
    "photos.thumbnail": SEE_VISIT,
    "capture.new_visit": {"-": EVERYONE},
    "capture.outbox": {"-": EVERYONE},
    "capture.teachers": {"-": EVERYONE},
    "capture.sync_session": {"-": EVERYONE},
    "visits.index": {"-": EVERYONE},
    "visits.timeline": {"-": EVERYONE},
    "visits.show": SEE_VISIT,
    # A teacher's own pages: anyone who is not a teacher (nor was visited as one) 404s.
    "teacher.index": {"-": {"teacher"}},
    "teacher.history": {"-": {"teacher"}},
    "teacher.journey": {"-": {"teacher"}},
    "teacher.acknowledge": TEACHERS_OWN_STEP,
    "teacher.set_status": TEACHERS_OWN_STEP,
    "teacher.reflect": TEACHERS_OWN_STEP,
    "teacher.set_status_as_coach": {
        "riverside": {"coach", "teacher"},
        "hillcrest": NO_ONE,
        "other": NO_ONE,
    },
    "leads.coverage": {"-": LEADS},
    # The teacher's own self-audit: nobody else, never a lead (tests/test_selfaudit_privacy.py).
    "selfaudit.page": {"-": {"teacher"}},
    "selfaudit.save": {"-": {"teacher"}},
    "selfaudit.share": {"-": {"teacher"}},
    # What the teacher shares, for their current coach only.
    "selfaudit.coach_view": {"riverside": {"coach"}, "hillcrest": NO_ONE, "other": NO_ONE},
    "admin.suggested_triads": ADMIN_OF_TRUST,
    "admin.arrange_suggested_triads": ADMIN_OF_TRUST,
    "admin.terms": ADMIN_OF_TRUST,
    "admin.add_school_term": ADMIN_OF_TRUST,
    "admin.remove_school_term": ADMIN_OF_TRUST,
    "exports.index": {"-": LEADS},
    # Take-out: one's own data for everyone; a trust's archive for its admins; a prepared
    # zip for its owner only, until its link runs out (hillcrest's ran out).
    "takeout.personal": {"-": EVERYONE},
    "takeout.prepare_personal": {"-": EVERYONE},
    "takeout.trust_export": ADMIN_OF_TRUST,
    "takeout.prepare_trust_export": ADMIN_OF_TRUST,
    "takeout.download": {"riverside": {"teacher"}, "hillcrest": NO_ONE, "other": {"outsider"}},
    "exports.visits_csv_download": {
        "riverside": {"coach", "school_lead", "trust_lead"},
        "hillcrest": {"trust_lead"},
        "other": {"outsider"},
    },
}

#: Where the contract names another answer than 404 for a refusal: PUT of a visit someone
#: else wrote answers 404, or 409 to those who may see it; a new visit for a teacher the
#: sender may not write for answers 422 naming teacher_id.
REFUSED = {
    ("api.put_visit", "riverside"): {404, 409},
    ("api.put_visit", "other"): {404, 409},
    ("api.put_visit", "new"): {422},
    **{
        (endpoint, target): {403, 404}  # 403: a lead who sees the step
        for endpoint in ("api.patch_action_step", "teacher.set_status_as_coach")
        for target in ("riverside", "hillcrest", "other")
    },
}


def walked_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route of the app, HEAD and OPTIONS aside."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def undecided(app: Flask) -> list[str]:
    endpoints = {endpoint for endpoint, _, _ in walked_routes(app)}
    return sorted(endpoints - PUBLIC - set(ACCESS))


def _request(client, world, endpoint: str, method: str, target: str, csrf: str):
    """The request a person would send: URL arguments from the world, a valid body."""
    chosen = world["riverside" if target == "-" else target]
    rule = next(r for r in client.application.url_map.iter_rules(endpoint=endpoint))
    values = {name: value for name, value in chosen.url_values().items() if name in rule.arguments}
    query = {}
    if endpoint == "exports.visits_csv_download":
        query = {"week": "2026-W47", "school": chosen.school.slug}
    with client.application.test_request_context():
        url = url_for(endpoint, **values, **query)
    headers = {"X-CSRFToken": csrf}
    kwargs: dict = {"headers": headers}
    if endpoint == "api.put_visit":
        kwargs["json"] = capture_for(chosen)
    elif endpoint == "api.patch_action_step":
        kwargs["json"] = {"status": "practising"}
    elif endpoint == "api.put_comment":
        kwargs["json"] = {"body": "Tried it in period 3, worked."}
    elif endpoint == "api.put_practice":
        kwargs["json"] = {"kind": "lesson", "practised_on": date.today().isoformat()}
    elif endpoint == "api.put_photo":
        kwargs["data"] = small_jpeg()
        headers["Content-Type"] = "image/jpeg"
    elif method == "POST":
        kwargs["data"] = {**_form_for(endpoint, chosen), "csrf_token": csrf}
    response = client.open(url, method=method, **kwargs)
    response.get_data()  # a streamed download runs to its end, inside its own context
    response.close()
    return response


def _form_for(endpoint: str, target) -> dict:
    """Fields that would make each form post succeed for someone allowed."""
    forms = {
        "teacher.set_status": {"status": "practising"},
        "teacher.set_status_as_coach": {"status": "practising"},
        "teacher.reflect": {"reflection": "The pause works with Year 5."},
        "coaching.add_step_comment": {"body": "Tried it in period 3, worked."},
        "coaching.log_step_practice": {"kind": "lesson", "practised_on": date.today().isoformat()},
        "admin.school": {"name": "Renamed", "slug": target.school.slug, "cadence": "weekly"},
        "admin.add_school": {"name": "New School", "slug": "new-school", "cadence": "weekly"},
        "admin.add_staff": {"email": "new@example.org", "name": "New Person", "roles": "teacher"},
        "admin.person": {"name": "Renamed Person", "roles": "teacher"},
        "admin.add_trust_person": {"email": "new@example.org", "name": "New", "role": "admin"},
        "admin.add_library_step": {"school_id": "0", "category": "Routines", "title": "New"},
        "admin.library_step": {"school_id": "0", "category": "Routines", "title": "Edited"},
        "admin.add_coaching_pair": {
            "coach_id": str(target.pair_id),
            "teacher_id": str(target.person.id),
            "since": "2026-11-01",
        },
        "admin.preview_import": {"csv_text": "email,name,role\nx@example.org,X,teacher\n"},
        "admin.confirm_import": {"csv_text": "email,name,role\nx@example.org,X,teacher\n"},
        "admin.set_person_active": {"active": "n"},
        "admin.add_school_cycle": {
            "cycle-name": "Walk cycle 2",
            "cycle-starts_on": "2027-01-04",
            "cycle-ends_on": "2027-02-12",
        },
        "admin.remove_school_cycle": {"confirm": "yes"},
        "admin.edit_school_cycle": {
            "cycle-name": "Renamed cycle",
            "cycle-starts_on": "2027-01-04",
            "cycle-ends_on": "2027-02-12",
        },
        "triads.new_write_up": {
            "grow-met_on": "2026-11-20",
            "grow-goal": "G",
            "grow-reality": "R",
            "grow-options": "O",
            "grow-way_forward": "W",
        },
        "privacy.retention_settings": {
            "photo_months": "12",
            "visit_years": "3",
            "visit_action": "anonymise",
            "audit_years": "6",
            "sign_in_days": "30",
        },
        # Both confirmations (the email must match: a refused walk sends the world's person).
        "privacy.erase": {"step": "erase", "visits": "delete", "email": target.person.email},
        "privacy.erase_trust_person": {
            "step": "erase",
            "visits": "delete",
            "email": target.person.email,
        },
        "selfaudit.save": SELF_AUDIT_FORM,
        "selfaudit.share": {"shared": "yes"},
        "admin.add_school_term": {
            "name": "Spring 2027",
            "first_day": "2027-01-05",
            "last_day": "2027-03-26",
        },
    }
    return forms.get(endpoint, {})


def test_every_route_is_public_or_has_its_users_decided(app):
    assert undecided(app) == [], "add these routes to PUBLIC or ACCESS in this file"
    endpoints = {endpoint for endpoint, _, _ in walked_routes(app)}
    assert not (PUBLIC | set(ACCESS)) - endpoints, "listed routes that no longer exist"
    assert not PUBLIC & set(ACCESS)


@pytest.fixture
def world(app):
    return build_world()


def test_every_route_needs_sign_in_unless_public(app, client, world):
    """Test A: signed out, each route answers 401 JSON under /api/ (and where the contract
    says), a redirect to /login elsewhere; or it is on the one PUBLIC list."""
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert undecided(app) == [], "add these routes to PUBLIC or ACCESS in this file"
    for endpoint, method, rule in walked_routes(app):
        if endpoint in PUBLIC:
            if method == "GET" and endpoint != "auth.logout":
                response = _request(client, world, endpoint, method, "-", csrf)
                assert response.status_code != 401, f"{method} {rule}"
                assert "/login" not in response.headers.get("Location", ""), f"{method} {rule}"
            continue
        target = next(iter(ACCESS[endpoint]))
        response = _request(client, world, endpoint, method, target, csrf)
        where = f"{method} {rule}"
        if rule.startswith("/api/") or endpoint in SIGNED_OUT_401:
            assert response.status_code == 401, where
            assert response.is_json and "Location" not in response.headers, where
        else:
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/login"), where


def _sign_in(client, role: str) -> str:
    page = client.get("/login").get_data(as_text=True)
    form = {"email": ROLE_EMAILS[role], "password": DEFAULT_PASSWORD}
    response = client.post("/login", data={**form, "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302, role
    landing = client.get("/no-role").get_data(as_text=True)
    return csrf_token_from(landing)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_every_route_it_may_not_use(app, client, world, role):
    """Test B: every route a role may not use answers 404 (or what the contract names) and
    changes nothing; every page it may use is there for it (not 404)."""
    csrf = _sign_in(client, role)
    assert undecided(app) == [], "add these routes to PUBLIC or ACCESS in this file"
    before = snapshot()
    refused, allowed_pages = 0, []
    for endpoint, method, rule in walked_routes(app):
        if endpoint in PUBLIC:
            continue
        for target, roles in ACCESS[endpoint].items():
            if role in roles:
                if method == "GET":
                    allowed_pages.append((endpoint, target))
                continue
            response = _request(client, world, endpoint, method, target, csrf)
            expected = REFUSED.get((endpoint, target), {404})
            assert response.status_code in expected, f"{role}: {method} {rule} ({target})"
            if response.status_code == 422:
                assert "teacher_id" in response.get_json()["errors"], (role, rule)
            refused += 1
    assert snapshot() == before, f"{role}: a refused request changed the database"
    for endpoint, target in allowed_pages:
        response = _request(client, world, endpoint, "GET", target, csrf)
        assert response.status_code not in (404, 500), f"{role} may use {endpoint} ({target})"
    assert refused > 0
