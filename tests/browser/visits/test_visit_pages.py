"""The coach's timeline and visit page in Chromium, at the coach's phone size (and the
teacher's tablet), axe-clean."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import School, User, Visit
from tests import photo_fixtures as fx
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import make_visit


def _person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def add_coach_visits(count: int) -> None:
    coach, teacher = _person("coach@example.org"), _person("teacher@example.org")
    riverside = db.session.scalar(sa.select(School).where(School.slug == "riverside"))
    start = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    for i in range(count):
        make_visit(
            coach,
            teacher,
            riverside,
            started_at=start - timedelta(days=i),
            notes=f"Older visit {i}",
        )
    db.session.commit()


def coach_visit_count() -> int:
    coach = _person("coach@example.org")
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Visit).where(Visit.coach_id == coach.id)
    )


def test_the_coach_pages_through_the_timeline_with_htmx(demo, phone):
    add_coach_visits(15)
    total = coach_visit_count()
    sign_in(phone, "coach@example.org")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Drop-ins")
    cards = phone.locator(".timeline-visit")
    expect(cards).to_have_count(10)
    assert_accessible(phone, "visits-timeline-phone")

    shown = 10
    while shown < total:
        phone.get_by_role("link", name="Show earlier drop-ins").click()
        expect(cards).to_have_count(min(shown + 10, total))
        # keyboard and screen-reader users continue where the new drop-ins begin
        expect(cards.nth(shown).locator("a.card-link")).to_be_focused()
        shown = min(shown + 10, total)
    expect(phone.get_by_role("link", name="Show earlier drop-ins")).to_have_count(0)
    expect(phone).to_have_url(f"{phone.url.split('/visits')[0]}/visits")  # no page load
    expect(cards.last).to_contain_text("Tom Baker")
    assert_accessible(phone, "visits-timeline-end-phone")


def test_the_visit_page_shows_notes_step_and_photos_that_open_full_size(demo, phone):
    sign_in(phone, "coach@example.org")
    first = phone.locator(".timeline-visit a.card-link").first
    visit_path = first.get_attribute("href")
    visit_id = visit_path.rsplit("/", 1)[1]
    token = phone.locator('meta[name="csrf-token"]').get_attribute("content")
    uploads = [
        (fx.jpeg_with_gps_and_orientation(2400, 1800), "image/jpeg"),
        (fx.heic_with_exif(1600, 1200), "image/heic"),
    ]
    for data, content_type in uploads:
        answer = phone.request.put(
            f"/api/v1/visits/{visit_id}/photos/{uuid.uuid4()}",
            data=data,
            headers={
                "Content-Type": content_type,
                "X-CSRFToken": token,
                "X-Photo-Caption": "Table%203%20fractions",
            },
        )
        assert answer.status == 201

    first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Drop-in with")
    expect(phone.locator("#action-step")).to_contain_text("Action step")
    expect(phone.get_by_role("heading", name="Notes")).to_be_visible()
    thumbnails = phone.locator(".photo-grid img")
    expect(thumbnails).to_have_count(2)
    for i in range(2):
        thumbnails.nth(i).scroll_into_view_if_needed()
        expect(thumbnails.nth(i)).to_have_js_property("complete", True)
        assert thumbnails.nth(i).evaluate("img => img.naturalWidth") in (240, 320)
    assert_accessible(phone, "visit-page-phone")

    with phone.expect_response(lambda r: "/photos/" in r.url) as full_size:
        phone.get_by_role("link", name="Photo 1 of pupils' work: Table 3 fractions").click()
    response = full_size.value
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "private, no-cache"


def test_the_teacher_reads_their_visit_on_a_tablet(demo, tablet):
    teacher = _person("teacher@example.org")
    visit = db.session.scalar(
        sa.select(Visit)
        .where(Visit.teacher_id == teacher.id)
        .order_by(Visit.started_at.desc())
        .limit(1)
    )
    sign_in(tablet, "teacher@example.org")
    tablet.goto(f"/visits/{visit.id}")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Drop-in with Tom Baker")
    expect(tablet.locator("#action-step")).to_contain_text(visit.action_step.text)
    assert_accessible(tablet, "visit-page-tablet")
