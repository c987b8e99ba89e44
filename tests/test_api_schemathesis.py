"""Schemathesis against the OpenAPI document (issue 11): generated requests, signed in as
a coach and as a teacher, a bounded number of cases. No answer is a 5xx, and every
answer conforms to the document (status codes, headers, bodies).

30 cases per operation and role, valid and invalid ones (positive and negative
generation): 9 operations x 2 roles, 540 requests to a real threaded server on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from tests.api_support import build_world
from tests.conftest import DEFAULT_PASSWORD
from tests.live_server import live_server

CASES_PER_OPERATION = 30
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ROLES = {"coach": "coach@a1.test", "teacher": "teacher@a1.test"}


def _signed_in(base: str, email: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = CSRF_META.search(session.get(f"{base}/login").text).group(1)
    answer = session.post(
        f"{base}/login",
        data={"email": email, "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert answer.ok, answer.status_code
    page = session.get(f"{base}/")
    return session, CSRF_META.search(page.text).group(1)


OPERATIONS = [
    "GET /api/v1/library-steps",
    "GET /api/v1/me",
    "GET /api/v1/openapi.json",
    "GET /api/v1/visits/{visit_id}",
    "PUT /api/v1/visits/{visit_id}",
    "PATCH /api/v1/visits/{visit_id}/action-step",
    "PUT /api/v1/visits/{visit_id}/photos/{photo_id}",
    "PUT /api/v1/steps/{action_step_id}/comments/{comment_id}",
    "PUT /api/v1/steps/{action_step_id}/practice/{entry_id}",
]

#: No 5xx, and every answer as documented. Not the checks that expect a made-up
#: cookie to be refused (this session is real) or valid-looking data to be accepted
#: (a random teacher id is rightly 422).
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.unsupported_method,
]

BOUNDED = settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_of_the_document_is_exercised(app):
    assert sorted(_operations(app)) == sorted(OPERATIONS)


def _operations(app) -> dict:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(document)
    return {result.ok().label: result.ok() for result in schema.get_all_operations()}


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_answers_as_its_document_says(app, role, label):
    operation = _operations(app)[label]
    build_world()
    with live_server(app) as port:
        base = f"http://127.0.0.1:{port}"
        session, token = _signed_in(base, ROLES[role])

        @BOUNDED
        @given(case=st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode)))
        def call(case):
            case.call_and_validate(
                base_url=base, session=session, headers={"X-CSRFToken": token}, checks=CHECKS
            )

        try:
            call()
        finally:
            session.close()
