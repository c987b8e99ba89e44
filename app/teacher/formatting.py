"""Dates and status words as teachers and coaches read them on the step pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.models import STEP_STATUSES, School

#: What each status means, in the teacher's words.
STATUS_LABELS = {"new": "New", "practising": "Practising", "embedded": "Embedded"}
STATUS_HINTS = {
    "new": "Just set: read it and try it in a lesson.",
    "practising": "You are trying it out in lessons.",
    "embedded": "It is part of how you teach now.",
}


def school_day(moment: datetime | None, school: School, with_weekday: bool = True) -> str:
    """A day as people in the school say it: "Monday 16 November" (year added when it
    is not this year), in the school's own timezone."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(school.timezone))
    text = f"{local:%A} {local.day} {local:%B}" if with_weekday else f"{local.day} {local:%B}"
    if local.year != date.today().year:
        text += f" {local.year}"
    return text


def register(bp) -> None:
    from app.teacher.services import OWN_WORDS, OWN_WORDS_LABEL, category_of

    bp.add_app_template_global(category_of, "step_category")
    bp.add_app_template_global(OWN_WORDS, "OWN_WORDS")
    bp.add_app_template_global(OWN_WORDS_LABEL, "OWN_WORDS_LABEL")
    bp.add_app_template_filter(school_day, "school_day")
    bp.add_app_template_global(STEP_STATUSES, "STEP_STATUSES")
    bp.add_app_template_global(STATUS_LABELS, "STEP_STATUS_LABELS")
    bp.add_app_template_global(STATUS_HINTS, "STEP_STATUS_HINTS")
