"""Fixtures for the teacher's pages: the tablet held in landscape too."""

import pytest

from tests.browser.conftest import TABLET, _page

TABLET_LANDSCAPE = {**TABLET, "viewport": {"width": 1180, "height": 820}}


@pytest.fixture
def tablet_landscape(browser, base_url):
    context, page = _page(browser, base_url, TABLET_LANDSCAPE)
    yield page
    context.close()


def coach_sends_a_visit(page, teacher_email: str, step_text: str, notes: str = "") -> str:
    """As the coach signed in on `page`: PUT a visit through the sync API, as the capture
    page's outbox does. Returns the visit's id."""
    import uuid
    from datetime import UTC, datetime, timedelta

    me = page.request.get("/api/v1/me").json()
    teacher_id = next(t["id"] for t in me["teachers"] if t["email"] == teacher_email)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    visit_id = str(uuid.uuid4())
    body = {
        "teacher_id": teacher_id,
        "started_at": (datetime.now(UTC) - timedelta(minutes=15)).isoformat(),
        "duration_minutes": 10, "class_name": "Year 5", "subject": "Science", "notes": notes,
        "action_step": {"text": step_text, "library_step_id": None},
    }
    response = page.request.put(f"/api/v1/visits/{visit_id}", data=body,
                                headers={"X-CSRFToken": token})
    assert response.status == 201, response.text()
    return visit_id
