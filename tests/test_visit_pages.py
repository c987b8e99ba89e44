"""The coach's timeline (htmx paging) and the visit page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.localtime import local_today, start_of_day
from app.visits.services import TIMELINE_PAGE_SIZE, coach_timeline
from tests import photo_fixtures as fx
from tests.api_support import SEES_THE_VISIT, as_person, build_world
from tests.factories import make_visit

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(app):
    """build_world, its visit earlier today on the school's clock (an hour ago was
    yesterday when the suite ran just after midnight)."""
    world = build_world()
    world["visit"].started_at = earlier_today(world["schools"]["a1"].timezone)
    db.session.commit()
    return world


def earlier_today(timezone: str) -> datetime:
    """A moment before now and after the school's midnight: an hour ago, or halfway
    back to midnight when that is nearer."""
    now = datetime.now(UTC)
    midnight = start_of_day(local_today(timezone, now), timezone)
    return now - min(timedelta(hours=1), (now - midnight) / 2)


def add_visits(world, count: int, start: datetime | None = None) -> list:
    """`count` visits by the coach for the teacher, one hour apart, newest first."""
    people, school = world["people"], world["schools"]["a1"]
    start = start or datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    visits = [
        make_visit(
            people["coach"],
            people["teacher"],
            school,
            started_at=start - timedelta(hours=i),
            notes=f"Visit {i}",
        )
        for i in range(count)
    ]
    db.session.commit()
    return visits


def visit_links(html: str) -> list[str]:
    return re.findall(r'href="/visits/([0-9a-f-]{36})"', html)


def more_link(html: str) -> str | None:
    match = re.search(r'href="(/visits/timeline\?before=[^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_the_landing_page_shows_the_newest_page_of_the_coachs_visits(app, world):
    add_visits(world, 12, start=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    coach = as_person(app, world, "coach")
    html = coach.get("/visits").get_data(as_text=True)
    assert "<h1>Drop-ins</h1>" in html
    timeline = html[html.index('id="timeline"') :]
    links = visit_links(timeline)
    today = html[html.index('id="today-heading"') : html.index('id="teachers-heading"')]
    assert visit_links(today) == [str(world["visit"].id)]  # an hour ago: under Today
    assert str(world["visit"].id) not in links  # ... and listed once, not twice
    assert len(links) == len(set(links)) == TIMELINE_PAGE_SIZE
    assert more_link(timeline)


def test_todays_drop_ins_show_the_step_left_and_its_status(app, world):
    """Right after saving, the coach can check which step they left (only earlier
    drop-ins showed it)."""
    step = world["visit"].action_step
    coach = as_person(app, world, "coach")
    html = coach.get("/visits").get_data(as_text=True)
    today = html[html.index('id="today-heading"') : html.index('id="teachers-heading"')]
    assert f"<p>{step.text}</p>" in today
    assert f'<span class="badge {step.status}">{step.status.capitalize()}</span>' in today


def test_show_earlier_loads_the_next_pages_as_fragments_until_the_end(app, world):
    visits = add_visits(world, 24)
    coach = as_person(app, world, "coach")
    first = coach.get("/visits").get_data(as_text=True)
    timeline = first[first.index('id="timeline"') :]
    seen = visit_links(timeline)  # the world's own visit is today's: under Today
    link = more_link(timeline)
    pages = 0
    while link:
        response = coach.get(link, headers=HTMX)
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
        html = response.get_data(as_text=True)
        assert "<html" not in html and "<li" in html
        seen += visit_links(html)
        link = more_link(html)
        pages += 1
    assert pages == 2
    assert seen == [str(v.id) for v in visits]  # newest first, none repeated or missed


def test_without_javascript_the_next_page_is_a_page(app, world):
    add_visits(world, 15)
    coach = as_person(app, world, "coach")
    link = more_link(coach.get("/visits").get_data(as_text=True))
    html = coach.get(link).get_data(as_text=True)
    assert "<h1>Earlier drop-ins</h1>" in html and "<html" in html
    assert len(visit_links(html)) == 5 and more_link(html) is None


def test_paging_is_stable_when_visits_share_a_start_time(app, world):
    same_time = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    people, school = world["people"], world["schools"]["a1"]
    for _ in range(7):
        make_visit(people["coach"], people["teacher"], school, started_at=same_time)
    db.session.commit()
    first = coach_timeline(people["coach"], page_size=3)
    ids = [v.id for v in first.visits]
    cursor = first.next_cursor
    while cursor:
        page = coach_timeline(people["coach"], before=cursor, page_size=3)
        ids += [v.id for v in page.visits]
        cursor = page.next_cursor
    assert len(ids) == len(set(ids)) == 8


def test_the_timeline_holds_only_visits_the_coach_wrote(app, world):
    people = world["people"]
    make_visit(people["school_lead"], people["teacher"], world["schools"]["a1"])
    db.session.commit()
    html = as_person(app, world, "coach").get("/visits").get_data(as_text=True)
    assert set(visit_links(html)) == {str(world["visit"].id)}


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "2026-11-20T10:00:00_zz",
        "0001-01-01T00:00:00+01:00_" + uuid.uuid4().hex,
        "2026-11-20T10:00:00_" + uuid.uuid4().hex,
    ],
)
def test_a_bad_cursor_is_a_400_not_a_500(app, world, cursor):
    response = as_person(app, world, "coach").get(f"/visits/timeline?before={cursor}")
    assert response.status_code == 400


def test_the_visit_page_shows_notes_step_and_photos(app, world):
    visit = world["visit"]
    visit.notes = "Cold-calling kept everyone thinking.\nPairs talked first."
    visit.action_step.library_step_id = world["steps"]["a1_only"].id
    db.session.commit()
    coach = as_person(app, world, "coach")
    photo_id = str(uuid.uuid4())
    assert (
        coach.put_photo(
            visit.id,
            photo_id,
            fx.jpeg_with_gps_and_orientation(),
            **{"X-Photo-Caption": "Table%203"},
        ).status_code
        == 201
    )

    response = coach.get(f"/visits/{visit.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Drop-in with " + world["people"]["teacher"].name in html
    assert "Cold-calling kept everyone thinking.\nPairs talked first." in html
    assert 'id="action-step"' in html and visit.action_step.text in html
    assert "From the library: Behaviour" in html and 'class="badge new"' in html
    assert f'href="/photos/{photo_id}"' in html
    assert f'src="/photos/{photo_id}/thumbnail" width="240" height="320"' in html
    assert "Table 3" in html
    for judgement in ("grade", "score", "outstanding", "inadequate"):
        assert judgement not in html.lower()
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_the_step_fragment_shows_acknowledgement_and_reflection(app, world):
    step = world["visit"].action_step
    step.acknowledged_at = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    step.reflection = "More hands went up after the pause."
    step.status = "practising"
    db.session.commit()
    html = as_person(app, world, "coach").get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    teacher_name = world["people"]["teacher"].name
    assert f"Acknowledged by {teacher_name} on 21 November" in html
    assert f"{teacher_name}&#39;s reflection" in html
    assert "More hands went up after the pause." in html
    assert 'class="badge practising"' in html

    own = as_person(app, world, "teacher").get(f"/visits/{world['visit'].id}")
    html = own.get_data(as_text=True)
    assert "Acknowledged by you on 21 November" in html and "Your reflection" in html


@pytest.mark.parametrize(
    "person, back",
    [
        ("coach", "Back to Drop-ins"),
        ("teacher", "Back to My step"),
        ("trust_lead", "Back to your home page"),
    ],
)
def test_back_goes_to_each_persons_own_page(app, world, person, back):
    html = as_person(app, world, person).get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    assert back in html


def test_a_visit_still_waiting_for_photos_says_so(app, world):
    world["visit"].expected_photo_ids = [str(uuid.uuid4())]
    db.session.commit()
    html = as_person(app, world, "coach").get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    assert "Still waiting for photos" in html


@pytest.mark.parametrize("person", SEES_THE_VISIT)
def test_the_visit_page_is_404_for_anyone_who_may_not_see_it(app, world, person):
    response = as_person(app, world, person).get(f"/visits/{world['visit'].id}")
    assert response.status_code == (200 if SEES_THE_VISIT[person] else 404)


def test_pages_need_sign_in(client, world):
    for path in ("/visits/timeline", f"/visits/{world['visit'].id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def todays_links(html: str) -> list[str]:
    start = html.index('id="today-heading"')
    return visit_links(html[start : html.index("</section>", start)])


def test_today_is_the_schools_own_day_not_londons(app, world):
    """A school far east of London starts its day up to fourteen hours earlier."""
    school = world["schools"]["a1"]
    school.timezone = "Pacific/Kiritimati"
    people = world["people"]
    midnight = start_of_day(local_today(school.timezone), school.timezone)
    just_after = make_visit(
        people["coach"], people["teacher"], school, started_at=midnight + timedelta(seconds=1)
    )
    just_before = make_visit(
        people["coach"], people["teacher"], school, started_at=midnight - timedelta(seconds=1)
    )
    db.session.commit()

    links = todays_links(as_person(app, world, "coach").get("/visits").get_data(as_text=True))

    assert str(just_after.id) in links
    assert str(just_before.id) not in links
