"""Coaching pairs and peer triads of a school."""

from __future__ import annotations

import uuid

from flask import abort, render_template, request
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, pair_or_404, save, school_or_404
from app.admin.forms import PairForm, TriadForm
from app.admin.pairing import (
    add_pair,
    add_triad,
    end_pair,
    end_triad,
    members,
    school_pairs,
    teachers_without_coach,
    triad_pairs,
)
from app.extensions import db
from app.htmx import page_or_fragment
from app.localtime import local_today


def _choices(people) -> dict[int, str]:
    return {0: "Choose…"} | {person.id: f"{person.name} ({person.email})" for person in people}


def _forms(school, pair_form=None, triad_form=None) -> tuple[PairForm, TriadForm]:
    pair_form = pair_form or PairForm(formdata=None, prefix="pair")
    triad_form = triad_form or TriadForm(formdata=None, prefix="triad")
    coaches = _choices(members(school, "coach"))
    pair_form.coach_id.choices = coaches
    pair_form.teacher_id.choices = _choices(members(school))
    for field in (triad_form.first_id, triad_form.second_id, triad_form.third_id):
        field.choices = coaches
    return pair_form, triad_form


def _pairs_context(school, pair_form=None, triad_form=None, **context) -> dict:
    pair_form, triad_form = _forms(school, pair_form, triad_form)
    today = local_today(school.timezone)
    return {
        "school": school,
        "pair_form": pair_form,
        "triad_form": triad_form,
        "pairs": school_pairs(school, today),
        "uncoached": teachers_without_coach(school, today),
        "today": today,
        **context,
    }


def _pairs_page(school, **context) -> str:
    return render_template("admin/pairs.html", **_pairs_context(school, **context))


@bp.route("/schools/<int:school_id>/pairs")
@admin_required
def pairs(school_id: int):
    return _pairs_page(school_or_404(school_id))


def _save(school, form, make_pairs, form_name: str):
    """Validate, make the pairs, commit; the pairs section with messages either way."""
    _forms(school, **{form_name: form})
    added = save(form, lambda: make_pairs(form))
    if added:
        form = None
    context = _pairs_context(school, **{form_name: form}, added=added)
    return page_or_fragment("admin/_pairs.html", _pairs_page, 200 if added else 422, **context)


@bp.post("/schools/<int:school_id>/pairs")
@admin_required
def add_coaching_pair(school_id: int):
    school = school_or_404(school_id)
    return _save(
        school,
        PairForm(prefix="pair"),
        lambda form: [
            add_pair(
                current_user,
                school,
                form.coach_id.data,
                form.teacher_id.data,
                form.since.data,
            )
        ],
        "pair_form",
    )


@bp.post("/schools/<int:school_id>/triads")
@admin_required
def add_coaching_triad(school_id: int):
    school = school_or_404(school_id)
    return _save(
        school,
        TriadForm(prefix="triad"),
        lambda form: add_triad(
            current_user,
            school,
            [form.first_id.data, form.second_id.data, form.third_id.data],
            form.since.data,
        ),
        "triad_form",
    )


@bp.post("/pairs/<int:pair_id>/end")
@admin_required
def end_coaching_pair(pair_id: int):
    """Two steps: "End" asks "Yes, end it?" in the row; only that answer ends the pair."""
    pair = pair_or_404(pair_id)
    school = pair.school
    if request.form.get("confirm") != "yes":
        return page_or_fragment(
            "admin/_pairs.html", _pairs_page, **_pairs_context(school, confirming=pair.id)
        )
    ended = end_pair(current_user, pair)
    db.session.commit()
    return page_or_fragment("admin/_pairs.html", _pairs_page, **_pairs_context(school, ended=ended))


@bp.post("/schools/<int:school_id>/triads/<uuid:triad_key>/end")
@admin_required
def end_coaching_triad(school_id: int, triad_key: uuid.UUID):
    """A triad ends as one, in two steps like a pair: "End…", then "Yes, end it"."""
    school = school_or_404(school_id)
    if not triad_pairs(school, triad_key):
        abort(404)
    if request.form.get("confirm") != "yes":
        return page_or_fragment(
            "admin/_pairs.html",
            _pairs_page,
            **_pairs_context(school, confirming_triad=triad_key),
        )
    ended = end_triad(current_user, school, triad_key)
    db.session.commit()
    return page_or_fragment("admin/_pairs.html", _pairs_page, **_pairs_context(school, ended=ended))
