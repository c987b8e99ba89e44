"""Status words as teachers and coaches read them on the step pages."""

from __future__ import annotations

from app.models import STEP_STATUSES

#: What each status means, in the teacher's words.
STATUS_LABELS = {"new": "New", "practising": "Practising", "embedded": "Embedded"}
STATUS_HINTS = {
    "new": "Just set: read it and try it in a lesson.",
    "practising": "You are trying it out in lessons.",
    "embedded": "It is part of how you teach now.",
}


def register(bp) -> None:
    from app.teacher.services import OWN_WORDS, OWN_WORDS_LABEL, category_of

    bp.add_app_template_global(category_of, "step_category")
    bp.add_app_template_global(OWN_WORDS, "OWN_WORDS")
    bp.add_app_template_global(OWN_WORDS_LABEL, "OWN_WORDS_LABEL")
    bp.add_app_template_global(STEP_STATUSES, "STEP_STATUSES")
    bp.add_app_template_global(STATUS_LABELS, "STEP_STATUS_LABELS")
    bp.add_app_template_global(STATUS_HINTS, "STEP_STATUS_HINTS")
