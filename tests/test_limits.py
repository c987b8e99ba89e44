"""Limits are defined once (app/limits.py): pages carry them for JavaScript and in
maxlength, and the server holds to the same numbers."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from app import limits
from tests.api_support import as_person, build_world


@pytest.fixture
def world(app):
    return build_world()


def data_limits(html: str) -> dict:
    return json.loads(unescape(re.search(r"<body[^>]* data-limits='([^']+)'", html).group(1)))


def test_every_page_hands_the_limits_to_javascript(app, client):
    html = client.get("/login").get_data(as_text=True)
    assert data_limits(html) == {
        "notes": 10_000,
        "action_step": limits.ACTION_STEP,
        "reflection": limits.REFLECTION,
        "class_name": limits.CLASS_NAME,
        "subject": limits.SUBJECT,
        "caption": limits.CAPTION,
        "comment": limits.COMMENT,
        "practice_rehearse": limits.PRACTICE_REHEARSE,
        "practice_success": limits.PRACTICE_SUCCESS,
        "practice_note": limits.PRACTICE_NOTE,
        "photos_per_visit": limits.PHOTOS_PER_VISIT,
        "photo_bytes": app.config["MAX_PHOTO_BYTES"],
    }


def test_the_capture_form_and_the_server_agree_on_the_notes_limit(app, world):
    coach = as_person(app, world, "coach")
    html = coach.get("/visits/new").get_data(as_text=True)
    # Notes are never cut by the browser: the form checks data-limits and says how many
    # characters too many (tests/browser/capture/test_capture_usability.py).
    assert re.search(r'<textarea id="notes"', html)
    assert not re.search(r'<textarea id="notes"[^>]* maxlength=', html)
    assert re.search(r'id="class-name"[^>]* maxlength="80"', html)
    assert data_limits(html)["notes"] == 10_000
