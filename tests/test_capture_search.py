"""/capture/teachers: the capture page's search when its list was capped (a trust lead):
teachers in the page's own shape, only those the user may write for."""

from __future__ import annotations

import pytest

import app.capture.services as capture_services
from tests.api_support import ApiClient, build_world


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def few_listed(monkeypatch):
    monkeypatch.setattr(capture_services, "TEACHERS_LISTED", 2)


def test_the_page_says_when_its_list_is_capped(app, world, client, few_listed):
    api = ApiClient(client).sign_in("lead@trust-a.test")
    page = api.get("/visits/new").get_data(as_text=True)
    assert "Only the first 2 teachers are listed" in page and "data-teacher-search-status" in page
    coach = (
        ApiClient(app.test_client())
        .sign_in("coach@a1.test")
        .get("/visits/new")
        .get_data(as_text=True)
    )
    assert "data-teacher-search-status" not in coach


def test_a_search_finds_a_teacher_beyond_the_list_with_their_school(world, client, few_listed):
    api = ApiClient(client).sign_in("lead@trust-a.test")
    answer = api.get("/capture/teachers?q=A2.TEST", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    teachers = body["teachers"]
    assert [t["id"] for t in teachers] == [world["people"]["a2_teacher"].id]
    assert set(teachers[0]) == {
        "id",
        "name",
        "school",
        "school_id",
        "trust_id",
        "coached_by_you",
        "current_step",
    }
    assert "more_teachers" not in body


def test_a_coach_finds_only_their_own_teachers(world, client):
    api = ApiClient(client).sign_in("coach@a1.test")
    answer = api.get("/capture/teachers?q=a2.test", headers={"Accept": "application/json"})
    assert answer.get_json()["teachers"] == []


def test_a_search_too_long_is_refused_with_a_message(world, client):
    api = ApiClient(client).sign_in("lead@trust-a.test")
    answer = api.get("/capture/teachers?q=" + "x" * 101, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and "100" in answer.get_json()["error"]
