"""/api/v1/me for a trust lead of thousands: a capped list (coachees first) and a search;
a coach's answer keeps exactly its shape."""

from __future__ import annotations

import pytest

import app.api.routes as api_routes
from tests.api_support import ApiClient, build_world


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def few_listed(monkeypatch):
    monkeypatch.setattr(api_routes, "TEACHERS_LISTED", 2)


def test_a_coach_gets_every_teacher_and_the_same_keys(world, client, few_listed):
    answer = ApiClient(client).sign_in("coach@a1.test").get("/api/v1/me").get_json()
    assert set(answer) == {"id", "email", "name", "roles", "teachers"}
    assert [t["email"] for t in answer["teachers"]] == ["teacher@a1.test"]


def test_a_trust_lead_gets_the_first_ones_and_is_told_there_are_more(world, client, few_listed):
    api = ApiClient(client).sign_in("lead@trust-a.test")
    answer = api.get("/api/v1/me").get_json()
    assert len(answer["teachers"]) == 2
    assert answer["more_teachers"] is True
    everyone = {"teacher@a1.test", "other@a1.test", "peer@a1.test", "teacher@a2.test"}
    assert {t["email"] for t in answer["teachers"]} < everyone


def test_a_search_finds_a_teacher_beyond_the_first_ones(world, client, few_listed):
    api = ApiClient(client).sign_in("lead@trust-a.test")
    answer = api.get("/api/v1/me?q=A2.TEST").get_json()
    assert [t["email"] for t in answer["teachers"]] == ["teacher@a2.test"]
    assert "more_teachers" not in answer
    assert api.get("/api/v1/me?q=%25").get_json()["teachers"] == []  # % is a character


def test_a_search_too_long_is_refused_with_a_message(world, client):
    response = ApiClient(client).sign_in("lead@trust-a.test").get("/api/v1/me?q=" + "x" * 101)
    assert response.status_code == 400
    assert "100" in response.get_json()["error"]
