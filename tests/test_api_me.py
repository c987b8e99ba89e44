"""GET /api/v1/me: dumped by MeSchema, in the shape the contract names."""

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.factories import add_role, make_pair, make_school, make_trust, make_user


def test_me_lists_the_person_their_roles_and_the_teachers_they_may_write_for(client, auth):
    trust = make_trust()
    school = make_school(trust, "riverside")
    coach = make_user("coach@example.org", "Priya Shah", roles=[(school, "coach")])
    add_role(coach, school, "teacher")
    coached = make_user("tom@example.org", "Tom Baker", roles=[(school, "teacher")])
    make_pair(coach, coached, school)
    make_user("other@example.org", roles=[(school, "teacher")])  # not coached by her
    db.session.commit()
    auth.login("coach@example.org")

    me = client.get("/api/v1/me").get_json()

    assert me == {
        "id": coach.id,
        "email": "coach@example.org",
        "name": "Priya Shah",
        "roles": ["coach", "teacher"],
        "teachers": [
            {
                "id": coached.id,
                "name": "Tom Baker",
                "email": "tom@example.org",
                "school": "riverside",
            }
        ],
    }


def test_a_lead_may_write_for_every_teacher_of_their_school(client, auth):
    trust = make_trust()
    school = make_school(trust, "hillcrest")
    make_user("lead@example.org", roles=[(school, "lead")])
    for number in range(3):
        make_user(f"t{number}@example.org", f"Teacher {number}", roles=[(school, "teacher")])
    db.session.commit()
    auth.login("lead@example.org")

    me = client.get("/api/v1/me").get_json()

    teachers = db.session.scalars(sa.select(User).where(User.email.like("t_@example.org")))
    assert me["roles"] == ["lead"]
    assert sorted(t["id"] for t in me["teachers"]) == sorted(t.id for t in teachers)
    assert {t["school"] for t in me["teachers"]} == {"hillcrest"}
