"""Every length and size limit, defined once: the server validates with these, templates
use them for maxlength, and pages hand them to JavaScript as <body data-limits='…'>."""

from __future__ import annotations

#: Characters.
NOTES = 10_000
ACTION_STEP = 280
REFLECTION = 2000
CLASS_NAME = 80
SUBJECT = 80
CAPTION = 200
#: One comment in the conversation on a step.
COMMENT = 1000
#: A step's practice plan: what to rehearse and how; what success looks like.
PRACTICE_REHEARSE = 500
PRACTICE_SUCCESS = 280
#: The optional line on one practice log entry ("tried it in period 3").
PRACTICE_NOTE = 280
EMAIL = 254
PERSON_NAME = 200
#: Years a date typed into a form or a query may have: beyond these, dates at the ends of
#: the calendar (year 1, year 9999) would overflow when turned into times.
FIRST_YEAR = 2000
LAST_YEAR = 2100
#: Photos one visit may hold.
PHOTOS_PER_VISIT = 20
#: Bytes of one uploaded photo, unless MAX_PHOTO_BYTES in the environment says otherwise
#: (app.config reads it; pages get the configured value).
PHOTO_BYTES = 15 * 1024 * 1024


def for_pages(photo_bytes: int) -> dict[str, int]:
    """The limits JavaScript reads from document.body.dataset.limits."""
    return {
        "notes": NOTES,
        "action_step": ACTION_STEP,
        "reflection": REFLECTION,
        "class_name": CLASS_NAME,
        "subject": SUBJECT,
        "caption": CAPTION,
        "comment": COMMENT,
        "practice_rehearse": PRACTICE_REHEARSE,
        "practice_success": PRACTICE_SUCCESS,
        "practice_note": PRACTICE_NOTE,
        "photos_per_visit": PHOTOS_PER_VISIT,
        "photo_bytes": photo_bytes,
    }


#: Teachers listed at most in /api/v1/me and on the capture page (a trust lead may lead
#: thousands; the rest are found by searching). Coaches have far fewer.
TEACHERS_LISTED = 500

#: A coaching cycle's name ("Autumn cycle 1").
CYCLE_NAME = 80
#: Days one coaching cycle may last (about a term).
CYCLE_DAYS = 120
#: Characters of each part of a GROW write-up (Goal, Reality, Options, Way forward).
GROW_PART = 2000
