"""No bad input gets a 500 (issue 11): NUL characters, the ends of the calendar, huge page
numbers, deeply nested JSON, crafted `next` links, spreadsheet formulas, device clocks far
ahead, and 405s that say which methods would do."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from app.exports.csv_writer import neutralise_formula
from app.extensions import db
from app.models import CoachingPair, School
from tests.admin_world import HX, admin, world  # noqa: F401  (fixtures)
from tests.api_support import as_person, build_world, capture_for
from tests.conftest import DEFAULT_PASSWORD
from tests.factories import add_role, make_school, make_trust, make_user


@pytest.fixture
def lead(app, client, auth):
    school = make_school(make_trust("T"), "s1")
    make_user("lead@example.org", roles=[(school, "lead")])
    db.session.commit()
    assert auth.login("lead@example.org").status_code == 302
    return client


def test_a_nul_character_in_a_query_is_a_400_with_a_message(client):
    answer = client.get("/login?next=/visits%00")
    assert answer.status_code == 400
    assert "NUL" in answer.get_data(as_text=True)


def test_a_nul_character_in_a_form_field_is_a_400_and_saves_nothing(world, admin):  # noqa: F811
    answer = admin(
        f"/admin/schools/{world['a1'].id}",
        {"school-name": "Alder\x00", "school-slug": "a1", "school-timezone": "Europe/London"},
    )
    assert answer.status_code == 400
    db.session.expire_all()
    assert db.session.get(School, world["a1"].id).name == "Alder"


def test_a_nul_character_in_the_api_is_a_4xx(app):
    api = as_person(app, build_world(), "coach")
    answer = api.get("/api/v1/library-steps?x=%00")
    assert answer.status_code == 400 and answer.is_json


@pytest.mark.parametrize(
    "query",
    [
        "week=0001-W01",
        "week=9999-W52",
        "from=0001-01-01&to=0001-01-07",
        "from=9999-12-25&to=9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_in_exports(lead, query):
    answer = lead.get(f"/exports/visits.csv?{query}")
    assert 400 <= answer.status_code < 500
    assert "between 2000 and 2100" in answer.get_data(as_text=True)
    assert not answer.get_data(as_text=True).startswith("\ufeffvisit_id")


@pytest.mark.parametrize("year", [1, 9999])
def test_a_pair_starting_at_the_ends_of_the_calendar_is_refused(world, admin, year):  # noqa: F811
    before = db.session.scalar(sa.select(sa.func.count(CoachingPair.id)))
    answer = admin(
        f"/admin/schools/{world['a1'].id}/pairs",
        {
            "pair-coach_id": world["peer"].id,
            "pair-teacher_id": world["teacher"].id,
            "pair-since": f"{year:04d}-01-01",
        },
    )
    assert answer.status_code == 422
    assert "between 2000 and 2100" in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CoachingPair.id))) == before


def test_huge_page_numbers_are_not_an_error(world, admin, client):  # noqa: F811
    trust = world["trust_a"].id
    assert client.get(f"/admin/trusts/{trust}/audit?page={10**30}").status_code == 200
    assert client.get(f"/admin/trusts/{trust}/audit?page=-{10**30}").status_code == 200


def test_a_huge_coach_id_in_coverage_is_not_an_error(app, client, auth):
    trust = make_trust("T")
    make_school(trust, "s1")
    person = make_user("tl@example.org")
    add_role(person, trust, "trust_lead")
    db.session.commit()
    auth.login("tl@example.org")
    assert client.get(f"/coverage?coach={10**30}").status_code == 200


def test_deeply_nested_json_is_a_400(app):
    people = build_world()
    api = as_person(app, people, "coach")
    nested = "[" * 100_000 + "]" * 100_000
    headers = api.headers(**{"Content-Type": "application/json"})
    for method, path in (
        ("PUT", f"/api/v1/visits/{uuid.uuid4()}"),
        ("PATCH", f"/api/v1/visits/{people['visit'].id}/action-step"),
    ):
        answer = api.request(method, path, data=nested[:200_000], headers=headers)
        assert answer.status_code == 400, (path, answer.status_code)
        assert "nested" in answer.get_json()["error"]


def test_a_405_says_which_methods_would_do(app):
    api = as_person(app, build_world(), "coach")
    answer = api.request("DELETE", "/api/v1/me", headers=api.headers())
    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example/x",
        "/\t/evil.example/x",
        "/\n/evil.example/x",
        "/\r/evil.example/x",
        "/ /evil.example",
        "https://evil.example/",
    ],
)
def test_next_after_sign_in_is_only_ever_a_path_here(app, client, auth, target):
    answer = _sign_in_with_next(client, auth, quote(target, safe=""))
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/teacher"


def test_next_still_goes_to_a_path_on_this_site(app, client, auth):
    answer = _sign_in_with_next(client, auth, "/teacher%3Fstatus%3Dnew")
    assert answer.headers["Location"] == "/teacher?status=new"


def _sign_in_with_next(client, auth, next_query: str):
    school = make_school(make_trust())
    make_user("t@example.test", roles=[(school, "teacher")])
    db.session.commit()
    form = {"email": "t@example.test", "password": DEFAULT_PASSWORD}
    return client.post(f"/login?next={next_query}", data={**form, "csrf_token": auth.csrf_token()})


@pytest.mark.parametrize(
    "cell",
    [
        "\n=1+1",
        " =1+1",
        "   +1",
        "\u00a0=HYPERLINK(1)",
        "\u200b=1",
        "\ufeff@SUM(A1)",
        "\u3000-1",
        "＝1+1",
        "＋1",
        "－1",
        "＠A1",
        " ＝1",
    ],
)
def test_the_spreadsheet_guard_covers_every_way_a_formula_starts(cell):
    assert neutralise_formula(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Good questioning", "9B", "", "e=mc2 later", " plain"])
def test_the_spreadsheet_guard_leaves_ordinary_text_alone(cell):
    assert neutralise_formula(cell) == cell


def test_a_device_clock_more_than_a_day_ahead_is_refused(app):
    people = build_world()
    api = as_person(app, people, "coach")
    ahead = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    body = capture_for(people["people"]["teacher"], updated_at=ahead)
    answer = api.put_visit(uuid.uuid4(), body)
    assert answer.status_code == 422
    assert "updated_at" in answer.get_json()["errors"]


def test_a_device_clock_a_little_ahead_is_fine(app):
    people = build_world()
    api = as_person(app, people, "coach")
    ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    body = capture_for(people["people"]["teacher"], updated_at=ahead)
    assert api.put_visit(uuid.uuid4(), body).status_code == 201


def test_an_id_too_large_for_the_database_is_not_found(app, client, auth):
    """Every `<int:…>` route: an id past a database integer answers 404, never a 500."""
    from tests.factories import make_school, make_trust, make_user

    school = make_school(make_trust("Big ids"), "big-ids")
    make_user("teacher@big.test", roles=[(school, "teacher")])
    db.session.commit()
    assert auth.login("teacher@big.test").status_code == 302
    token = auth.page_csrf_token("/teacher")
    huge = 2**31
    answer = client.put(
        f"/api/v1/steps/{huge}/comments/00000000-0000-4000-8000-000000000001",
        json={"body": "Tried it in period 3", "created_at": "2026-11-30T09:00:00+00:00"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 404
    assert client.get(f"/coaching/teachers/{huge}").status_code == 404
    assert (
        client.put(
            f"/api/v1/steps/{huge - 1}/comments/00000000-0000-4000-8000-000000000001",
            json={"body": "x", "created_at": "2026-11-30T09:00:00+00:00"},
            headers={"X-CSRFToken": token},
        ).status_code
        == 404
    )
