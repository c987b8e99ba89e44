"""Every role downloads exactly the visits it may see, and nothing when it may see none."""

from datetime import date, timedelta

import pytest

from tests.test_authz import EXPECTED_VISITS, world  # noqa: F401  (the shared world fixture)

#: People with no coaching or lead role: teachers read their visits on their own page,
#: admins see no visits.
NO_DOWNLOAD = {"teacher", "other_teacher", "former_coachee", "a2_teacher", "b_teacher", "admin"}


def this_fortnight() -> dict[str, str]:
    """A date range around now: the world's visits all started an hour ago."""
    return {
        "from": (date.today() - timedelta(days=7)).isoformat(),
        "to": (date.today() + timedelta(days=7)).isoformat(),
    }


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_each_role_downloads_exactly_what_it_may_see(world, client, auth, person):  # noqa: F811
    people, visits = world
    auth.login(people[person].email)
    response = client.get("/exports/visits.csv", query_string=this_fortnight())
    if person in NO_DOWNLOAD:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    rows = response.data.decode("utf-8-sig").split("\r\n")[1:-1]
    downloaded = {row.split(",")[0] for row in rows}
    assert downloaded == {str(visits[name].id) for name in EXPECTED_VISITS[person]}


@pytest.mark.parametrize(
    "person, school, status",
    [
        ("coach", "a1", 200),
        ("coach", "a2", 404),
        ("a2_coach", "a1", 404),
        ("school_lead", "a1", 200),
        ("school_lead", "a2", 404),
        ("trust_lead", "a2", 200),
        ("trust_lead", "b1", 404),
        ("b_trust_lead", "a1", 404),
    ],
)
def test_a_school_outside_what_the_user_sees_is_not_found(
    world,  # noqa: F811
    client,
    auth,
    person,
    school,
    status,
):
    people, visits = world
    auth.login(people[person].email)
    response = client.get(
        "/exports/visits.csv", query_string={**this_fortnight(), "school": school}
    )
    assert response.status_code == status
    if status == 200:
        rows = response.data.decode("utf-8-sig").split("\r\n")[1:-1]
        expected = {
            str(visits[name].id)
            for name in EXPECTED_VISITS[person]
            if visits[name].school.slug == school
        }
        assert {row.split(",")[0] for row in rows} == expected
