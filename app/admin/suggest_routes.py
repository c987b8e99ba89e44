"""Suggested peer triads for a school: shown, rearranged by the admin, accepted one by one."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, school_or_404
from app.admin.services import RuleBroken
from app.admin.suggestions import accept, describe, rearranged, suggest
from app.extensions import db
from app.htmx import page_or_fragment
from app.localtime import local_today
from app.selfaudit.terms import current_term


def _context(school, suggestion, **context) -> dict:
    return {
        "school": school,
        "suggestion": suggestion,
        "term": current_term(school),
        "describe": describe,
        **context,
    }


def _page(**context) -> str:
    return render_template("admin/suggested_triads.html", **context)


@bp.route("/schools/<int:school_id>/triads/suggested")
@admin_required
def suggested_triads(school_id: int):
    school = school_or_404(school_id)
    suggestion = suggest(school, local_today(school.timezone))
    return _page(**_context(school, suggestion))


def _placement(form) -> dict[int, int]:
    """person id -> triad number from the posted selects; anything malformed is ignored."""
    placement = {}
    for key, value in form.items():
        person_id, number = key.removeprefix("triad-"), value
        if key.startswith("triad-") and person_id.isdigit() and number.isdigit():
            placement[int(person_id)] = int(number)
    return placement


@bp.post("/schools/<int:school_id>/triads/suggested")
@admin_required
def arrange_suggested_triads(school_id: int):
    """ "Rearrange" shows the triads as the admin moved people; "Accept triad N" makes that
    triad and suggests again for everyone else."""
    school = school_or_404(school_id)
    today = local_today(school.timezone)
    placement = _placement(request.form)
    suggestion = rearranged(school, today, placement)
    chosen = request.form.get("accept", "")
    if not chosen.isdigit():
        return page_or_fragment(
            "admin/_suggested_triads.html", _page, **_context(school, suggestion)
        )
    triad = next((t for t in suggestion.triads if t.number == int(chosen)), None)
    try:
        if triad is None:
            raise RuleBroken("triad", "That triad is no longer suggested: look again below.")

        accept(current_user, school, triad.members, today)
    except RuleBroken as broken:
        db.session.rollback()
        return page_or_fragment(
            "admin/_suggested_triads.html",
            _page,
            422,
            **_context(school, rearranged(school, today, placement), problem=broken.message),
        )
    db.session.commit()
    names = ", ".join(person.name for person in triad.members)
    return page_or_fragment(
        "admin/_suggested_triads.html",
        _page,
        **_context(school, suggest(school, today), accepted=names),
    )
