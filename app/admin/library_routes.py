"""The action-step library of a trust: add, edit, retire and bring back steps."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, library_step_or_404, trust_or_404
from app.admin.forms import LibraryStepForm
from app.admin.library import add_step, categories_of, edit_step, set_retired, steps_of_trust
from app.extensions import db
from app.htmx import page_or_fragment


def _step_form(trust, **kwargs) -> LibraryStepForm:
    form = LibraryStepForm(**kwargs)
    form.school_id.choices = {0: "All schools of the trust"} | {
        school.id: school.name for school in trust.schools
    }
    return form


def _school_of(trust, form):
    schools = {school.id: school for school in trust.schools}
    if form.school_id.data and form.school_id.data not in schools:
        abort(404)
    return schools.get(form.school_id.data)


def _practice_plan(form) -> dict[str, str]:
    return {
        "practice_rehearse": form.practice_rehearse.data or "",
        "practice_success": form.practice_success.data or "",
    }


def _library_context(trust, form=None, **context) -> dict:
    steps = steps_of_trust(trust)
    return {
        "trust": trust,
        "form": form or _step_form(trust, formdata=None),
        "active_steps": [step for step in steps if step.retired_at is None],
        "retired_steps": [step for step in steps if step.retired_at is not None],
        "categories": categories_of(trust),
        "school_names": {school.id: school.name for school in trust.schools},
        **context,
    }


def _library_page(trust, **context) -> str:
    return render_template("admin/library.html", **_library_context(trust, **context))


@bp.route("/trusts/<int:trust_id>/library")
@admin_required
def library(trust_id: int):
    return _library_page(trust_or_404(trust_id))


@bp.post("/trusts/<int:trust_id>/library")
@admin_required
def add_library_step(trust_id: int):
    trust = trust_or_404(trust_id)
    form = _step_form(trust)
    added = None
    if form.validate_on_submit():
        added = add_step(
            current_user,
            trust,
            _school_of(trust, form),
            form.category.data,
            form.title.data,
            form.guidance.data or "",
            **_practice_plan(form),
        )
        db.session.commit()
        form = None
    return page_or_fragment(
        "admin/_library.html",
        _library_page,
        200 if added else 422,
        **_library_context(trust, form, added=added),
    )


@bp.route("/library/<int:step_id>", methods=["GET", "POST"])
@admin_required
def library_step(step_id: int):
    """GET: the step's edit form; POST: save it (the edited step's card comes back)."""
    step = library_step_or_404(step_id)
    trust = trust_or_404(step.trust_id)
    if request.method == "GET":
        form = _step_form(trust, obj=step, formdata=None, prefix=f"step-{step.id}")
        form.school_id.data = step.school_id or 0
        return page_or_fragment(
            "admin/_step_edit.html", _step_page, trust=trust, step=step, form=form
        )
    form = _step_form(trust, prefix=f"step-{step.id}")
    if not form.validate_on_submit():
        return page_or_fragment(
            "admin/_step_edit.html", _step_page, 422, trust=trust, step=step, form=form
        )
    edit_step(
        current_user,
        step,
        _school_of(trust, form),
        category=form.category.data,
        title=form.title.data,
        guidance=form.guidance.data or "",
        **_practice_plan(form),
    )
    db.session.commit()
    return page_or_fragment(
        "admin/_step.html",
        _step_page,
        trust=trust,
        step=step,
        saved=True,
        school_names={school.id: school.name for school in trust.schools},
    )


def _step_page(trust, step, form=None, **context) -> str:
    form = form or _step_form(trust, obj=step, formdata=None, prefix=f"step-{step.id}")
    return render_template("admin/step.html", trust=trust, step=step, form=form, **context)


@bp.post("/library/<int:step_id>/retire")
@admin_required
def retire_library_step(step_id: int):
    step = library_step_or_404(step_id)
    set_retired(current_user, step, request.form.get("retired") != "no")
    db.session.commit()
    trust = trust_or_404(step.trust_id)
    return page_or_fragment("admin/_library.html", _library_page, **_library_context(trust))
