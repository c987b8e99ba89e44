"""Shared by the API and visit-page tests: a small world of every role, a valid capture,
and a JSON client that signs in and sends the CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from tests.conftest import Auth
from tests.factories import (
    add_role,
    make_library_step,
    make_pair,
    make_school,
    make_trust,
    make_user,
    make_visit,
)

#: Who may see the visit `coach` wrote for `teacher` in school a1 (tests/test_authz.py's rule).
SEES_THE_VISIT = {
    "coach": True,
    "teacher": True,
    "school_lead": True,
    "trust_lead": True,
    "other_teacher": False,
    "peer": False,
    "a2_coach": False,
    "a2_teacher": False,
    "admin": False,
    "b_coach": False,
    "b_trust_lead": False,
}


def build_world() -> dict:
    """Trust A (schools a1, a2) and trust B (b1), a person of every role, library steps,
    and one visit written by `coach` for `teacher`. Committed."""
    trust_a, trust_b = make_trust("Trust A"), make_trust("Trust B")
    a1, a2 = make_school(trust_a, "a1"), make_school(trust_a, "a2")
    b1 = make_school(trust_b, "b1")
    people = {
        "coach": make_user("coach@a1.test", roles=[(a1, "coach")]),
        "teacher": make_user("teacher@a1.test", roles=[(a1, "teacher")]),
        "other_teacher": make_user("other@a1.test", roles=[(a1, "teacher")]),
        "peer": make_user("peer@a1.test", roles=[(a1, "teacher"), (a1, "coach")]),
        "a2_teacher": make_user("teacher@a2.test", roles=[(a2, "teacher")]),
        "a2_coach": make_user("coach@a2.test", roles=[(a2, "coach")]),
        "school_lead": make_user("lead@a1.test", roles=[(a1, "lead")]),
        "trust_lead": make_user("lead@trust-a.test"),
        "admin": make_user("admin@trust-a.test"),
        "b_teacher": make_user("teacher@b1.test", roles=[(b1, "teacher")]),
        "b_coach": make_user("coach@b1.test", roles=[(b1, "coach")]),
        "b_trust_lead": make_user("lead@trust-b.test"),
    }
    add_role(people["trust_lead"], trust_a, "trust_lead")
    add_role(people["admin"], trust_a, "admin")
    add_role(people["b_trust_lead"], trust_b, "trust_lead")
    make_pair(people["coach"], people["teacher"], a1)
    make_pair(people["peer"], people["other_teacher"], a1)
    make_pair(people["a2_coach"], people["a2_teacher"], a2)
    make_pair(people["b_coach"], people["b_teacher"], b1)
    steps = {
        "trust_wide": make_library_step(trust_a, category="Questioning", title="Wait time"),
        "a1_only": make_library_step(trust_a, a1, category="Behaviour", title="Narrate good"),
        "a2_only": make_library_step(trust_a, a2, category="Feedback", title="Live marking"),
        "trust_b": make_library_step(trust_b, category="Modelling", title="I do, we do"),
    }
    visit = make_visit(people["coach"], people["teacher"], a1)
    db.session.commit()
    return {
        "people": people,
        "schools": {"a1": a1, "a2": a2, "b1": b1},
        "steps": steps,
        "visit": visit,
        "trusts": {"a": trust_a, "b": trust_b},
    }


def capture_for(teacher, **changes) -> dict:
    """A valid visit body as a device sends it."""
    body = {
        "teacher_id": teacher.id,
        "started_at": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
        "duration_minutes": 12,
        "class_name": "9B",
        "subject": "Maths",
        "notes": "Pupils paired up quickly; cold-calling kept everyone thinking.",
        "action_step": {
            "text": "Pause three seconds after every question.",
            "library_step_id": None,
        },
    }
    body.update(changes)
    return body


class ApiClient:
    """A Flask test client signed in as one person, sending JSON with the CSRF token.

    Each request runs in a fresh app context: the test's own context would otherwise share
    `g` (and so Flask-Login's cached user) between the clients of different people."""

    def __init__(self, client):
        self.client = client
        self.token = ""

    def _fresh_context(self):
        return self.client.application.app_context()

    def sign_in(self, email: str) -> ApiClient:
        auth = Auth(self.client)
        with self._fresh_context():
            response = auth.login(email)
            assert response.status_code == 302, response.get_data(as_text=True)
        with self._fresh_context():
            self.token = auth.page_csrf_token()
        return self

    def headers(self, **extra) -> dict:
        return {"X-CSRFToken": self.token, **extra}

    def request(self, method: str, path: str, **kwargs):
        with self._fresh_context():
            return self.client.open(path, method=method, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def put_visit(self, visit_id, body, **kwargs):
        return self.request(
            "PUT", f"/api/v1/visits/{visit_id}", json=body, headers=self.headers(), **kwargs
        )

    def get_visit(self, visit_id):
        return self.get(f"/api/v1/visits/{visit_id}")

    def patch_step(self, visit_id, change):
        return self.request(
            "PATCH", f"/api/v1/visits/{visit_id}/action-step", json=change, headers=self.headers()
        )

    def put_photo(self, visit_id, photo_id, data: bytes, content_type="image/jpeg", **headers):
        return self.request(
            "PUT",
            f"/api/v1/visits/{visit_id}/photos/{photo_id}",
            data=data,
            headers=self.headers(**{"Content-Type": content_type, **headers}),
        )


def as_person(app, world: dict, name: str) -> ApiClient:
    """A JSON client signed in as one of the world's people."""
    return ApiClient(app.test_client()).sign_in(world["people"][name].email)
