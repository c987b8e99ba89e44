"""GET /api/v1/openapi.json: a valid OpenAPI 3 document that matches the routes and the
marshmallow schemas."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from app.api.docs import _openapi_path
from app.schemas import VisitInSchema


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_is_documented_with_its_methods(app, document):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            operations = document["paths"][_openapi_path(rule.rule)]
            assert set(operations) >= {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}


def test_the_contract_operations_and_answers_are_there(document):
    paths = document["paths"]
    put_visit = paths["/api/v1/visits/{visit_id}"]["put"]
    assert {"200", "201", "401", "404", "409", "413", "422"} <= set(put_visit["responses"])
    put_photo = paths["/api/v1/visits/{visit_id}/photos/{photo_id}"]["put"]
    assert {"image/jpeg", "image/png", "image/webp", "image/heic"} <= set(
        put_photo["requestBody"]["content"]
    )
    assert {"201", "200", "409", "413", "415", "422"} <= set(put_photo["responses"])
    assert "X-Photo-Caption" in [p["name"] for p in put_photo["parameters"]]
    assert "patch" in paths["/api/v1/visits/{visit_id}/action-step"]
    assert "get" in paths["/api/v1/me"] and "get" in paths["/api/v1/library-steps"]


def test_request_bodies_come_from_the_marshmallow_schemas(document):
    visit_in = document["components"]["schemas"]["VisitIn"]
    assert set(visit_in["properties"]) == set(VisitInSchema().fields)
    assert set(visit_in["required"]) == {"teacher_id", "started_at", "action_step"}
    assert visit_in["additionalProperties"] is False  # unknown fields are refused
    assert visit_in["properties"]["duration_minutes"]["maximum"] == 240
    step = document["components"]["schemas"]["ActionStepIn"]
    assert step["properties"]["text"]["maxLength"] == 280
    visit_out = document["components"]["schemas"]["Visit"]["properties"]
    assert {"id", "photos", "complete", "action_step"} <= set(visit_out)
