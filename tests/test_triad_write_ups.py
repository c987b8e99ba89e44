"""GROW write-ups of peer-triad meetings: written and read by the triad's three members,
linked to the step each was practising, and never seen by anyone else: not a school
lead, not a trust lead, not an admin, not a member's own coach (404 on every route)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.cycles.models import GrowWriteUp
from app.demo import TRIAD_KEY
from app.extensions import db
from tests.factories import make_pair, make_school, make_triad, make_trust, make_user, make_visit

GROW = {
    "goal": "Every pupil thinks before anyone answers",
    "reality": "Year 6 still call out in the first minute",
    "options": "A visual timer; lolly sticks; a think-aloud",
    "way_forward": "Each tries the timer for two weeks",
}


@pytest.fixture
def triad_world(app):
    trust = make_trust("Triad Trust")
    school = make_school(trust, "triad-school", name="Triad School")
    peers = [
        make_user(
            f"{name}@triad.test", name.title(), roles=[(school, "teacher"), (school, "coach")]
        )
        for name in ("ana", "ben", "cal")
    ]
    pairs = make_triad(peers, school, since=date.today() - timedelta(days=30))
    coach = make_user("coach@triad.test", roles=[(school, "coach")])
    make_pair(coach, peers[0], school)
    # Ana's live step, set by her own coach; Ben's step was embedded; Cal has none.
    make_visit(coach, peers[0], school, step_text="Cold call after the pause")
    make_visit(
        coach,
        peers[1],
        school,
        datetime.now(UTC) - timedelta(days=9),
        status="embedded",
        step_text="An old embedded step",
    )
    people = {
        "school_lead": make_user("head@triad.test", roles=[(school, "lead"), (school, "coach")]),
        "trust_lead": make_user("trustlead@triad.test", roles=[(trust, "trust_lead")]),
        "admin": make_user("admin@triad.test", roles=[(trust, "admin")]),
        "own_coach": coach,
        "outsider": make_user("outsider@triad.test", roles=[(school, "teacher")]),
    }
    written = GrowWriteUp(
        school_id=school.id,
        triad_key=pairs[0].triad_key,
        author_id=peers[1].id,
        met_on=date.today() - timedelta(days=3),
        **{k: f"Earlier {v}" for k, v in GROW.items()},
    )
    db.session.add(written)
    db.session.commit()
    return {
        "peers": peers,
        "key": pairs[0].triad_key,
        "school": school,
        "people": people,
        "written": written,
    }


def _write(client, auth, key, **changes):
    token = auth.page_csrf_token(f"/triads/{key}/write-ups")
    form = {"grow-met_on": date.today().isoformat(), **{f"grow-{k}": v for k, v in GROW.items()}}
    form.update({f"grow-{k}": v for k, v in changes.items()})
    return client.post(f"/triads/{key}/write-ups", data={**form, "csrf_token": token})


def test_a_member_writes_it_up_linked_to_each_members_step(triad_world, client, auth):
    ana, ben, cal = triad_world["peers"]
    auth.login(cal.email)
    response = _write(client, auth, triad_world["key"])
    assert response.status_code == 302
    write_up = db.session.scalar(sa.select(GrowWriteUp).where(GrowWriteUp.author_id == cal.id))
    assert (write_up.goal, write_up.way_forward) == (GROW["goal"], GROW["way_forward"])
    steps = {link.member_id: link.action_step for link in write_up.member_steps}
    assert steps[ana.id].text == "Cold call after the pause"
    assert steps[ben.id] is None and steps[cal.id] is None  # Ben's step is no longer live
    assert response.headers["Location"].endswith(f"/write-ups/{write_up.id}")


def test_another_member_reads_it(triad_world, client, auth):
    ana, ben, _ = triad_world["peers"]
    auth.login(ana.email)
    _write(client, auth, triad_world["key"], reality="Only Ana's class waits")
    auth.logout()
    auth.login(ben.email)
    page = client.get(f"/triads/{triad_world['key']}").get_data(as_text=True)
    assert "Only Ana&#39;s class waits" in page
    assert "Cold call after the pause" in page
    assert page.index("Only Ana") < page.index("Earlier")  # latest meeting first
    written = triad_world["written"]
    one = client.get(f"/triads/{triad_world['key']}/write-ups/{written.id}")
    assert one.status_code == 200 and "Earlier Every pupil" in one.get_data(as_text=True)
    assert triad_world["school"].name in client.get("/triads").get_data(as_text=True)


@pytest.mark.parametrize("person", ["school_lead", "trust_lead", "admin", "own_coach", "outsider"])
def test_nobody_else_ever_sees_a_write_up(triad_world, client, auth, person):
    """Every route answers 404, and the list of triads shows nothing of it."""
    auth.login(triad_world["people"][person].email)
    key, written = triad_world["key"], triad_world["written"]
    for url in (
        f"/triads/{key}",
        f"/triads/{key}/write-ups",
        f"/triads/{key}/write-ups/{written.id}",
    ):
        assert client.get(url).status_code == 404, url
    token = auth.page_csrf_token("/triads")
    response = client.post(
        f"/triads/{key}/write-ups",
        data={
            "csrf_token": token,
            "grow-met_on": date.today().isoformat(),
            **{f"grow-{k}": v for k, v in GROW.items()},
        },
    )
    assert response.status_code == 404
    index = client.get("/triads").get_data(as_text=True)
    assert "Earlier" not in index and str(key) not in index
    assert db.session.scalar(sa.select(sa.func.count(GrowWriteUp.id))) == 1
    for page in ("/coverage", "/exports", "/admin/", f"/admin/schools/{triad_world['school'].id}"):
        html = client.get(page).get_data(as_text=True)
        assert "Earlier Every pupil" not in html and GROW["reality"] not in html


def test_a_write_up_is_found_only_under_its_own_triad(triad_world, client, auth):
    """A member of one triad cannot read another triad's write-up by its id."""
    school = triad_world["school"]
    others = [make_user(roles=[(school, "coach")]) for _ in range(3)]
    other_key = make_triad(others, school)[0].triad_key
    db.session.commit()
    ana = triad_world["peers"][0]
    auth.login(ana.email)
    written = triad_world["written"]
    assert client.get(f"/triads/{other_key}/write-ups/{written.id}").status_code == 404
    auth.logout()
    auth.login(others[0].email)
    assert client.get(f"/triads/{triad_world['key']}/write-ups/{written.id}").status_code == 404
    assert client.get(f"/triads/{other_key}/write-ups/{written.id}").status_code == 404


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"goal": ""}, "Write the goal."),
        ({"reality": "   "}, "Write the reality."),
        ({"options": "x" * 2001}, "Keep the options to 2000 characters or fewer."),
        ({"way_forward": ""}, "Write the way forward."),
        ({"met_on": ""}, "Enter the date you met"),
        ({"met_on": "2026-02-30"}, "Not a valid date"),
        ({"met_on": (date.today() + timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"met_on": "1999-12-31"}, "Choose a date from 2000 on."),
    ],
)
def test_a_refused_write_up_says_why_and_saves_nothing(triad_world, client, auth, changes, message):
    auth.login(triad_world["peers"][0].email)
    response = _write(client, auth, triad_world["key"], **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(GrowWriteUp.id))) == 1


def test_the_demo_triad_has_a_write_up_its_members_read_and_leads_do_not(app, client, auth):
    from app.demo import seed_demo
    from tests.factories import DEFAULT_PASSWORD

    seed_demo(DEFAULT_PASSWORD)
    auth.login("owen.hughes@example.org")
    page = client.get(f"/triads/{TRIAD_KEY}").get_data(as_text=True)
    assert "Every pupil thinks before anyone answers" in page
    for email in ("lead@example.org", "head.riverside@example.org", "admin@example.org"):
        auth.logout()
        auth.login(email)
        assert client.get(f"/triads/{TRIAD_KEY}").status_code == 404, email


def test_each_members_own_data_download_holds_the_write_ups_and_a_leads_does_not(
    triad_world, app, client, auth
):
    from tests.test_takeout_personal import download, prepare, section

    ana, ben, _ = triad_world["peers"]
    auth.login(ana.email)
    _write(client, auth, triad_world["key"])
    auth.logout()
    data = download(client, prepare(app, client, auth, ben.email)).get_data()
    earlier, latest = section(data, "triad_write_ups")
    assert earlier["goal"] == "Earlier " + GROW["goal"] and earlier["written_by"] == "Ben"
    assert latest["goal"] == GROW["goal"] and latest["written_by"] == "Ana"
    steps = {link["member"]: link["step"] for link in latest["steps_practised"]}
    assert steps == {"Ana": "Cold call after the pause", "Ben": None, "Cal": None}
    auth.logout()
    data = download(client, prepare(app, client, auth, "head@triad.test")).get_data()
    assert section(data, "triad_write_ups") == []


@pytest.mark.parametrize("visits", ["delete", "anonymise"])
def test_erasing_a_member_removes_what_they_wrote_and_their_place(
    triad_world, client, auth, visits
):
    """Their write-ups go (with every member's entry in them); in the others' write-ups
    they have no place left, and a deleted step leaves no link behind."""
    from app.cycles.models import GrowMemberStep
    from app.privacy.erasure import erase_person

    ana, ben, cal = triad_world["peers"]
    auth.login(cal.email)
    _write(client, auth, triad_world["key"], goal="Cal's goal")
    auth.logout()
    auth.login(ana.email)
    _write(client, auth, triad_world["key"], goal="Ana's goal")
    ana_id = ana.id
    erase_person(triad_world["people"]["admin"], ana, visits)
    db.session.commit()
    goals = set(db.session.scalars(sa.select(GrowWriteUp.goal)))
    assert goals == {"Cal's goal", "Earlier " + GROW["goal"]}
    members = set(db.session.scalars(sa.select(GrowMemberStep.member_id)))
    assert ana_id not in members and members == {ben.id, cal.id}
