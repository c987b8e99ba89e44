"""A school's coaching cycles: list, add, remove (two steps, like ending a pair)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app import limits
from app.admin import bp
from app.admin.access import admin_required, cycle_or_404, save, school_or_404
from app.admin.cycles import add_cycle, change_cycle, remove_cycle, school_cycles
from app.admin.forms import CycleForm
from app.extensions import db
from app.htmx import page_or_fragment
from app.localtime import local_today


def _context(school, form=None, **context) -> dict:
    return {
        "school": school,
        "form": form or CycleForm(formdata=None, prefix="cycle"),
        "cycles": school_cycles(school),
        "today": local_today(school.timezone),
        "cycle_days": limits.CYCLE_DAYS,
        **context,
    }


def _page(school, **context) -> str:
    return render_template("admin/cycles.html", **_context(school, **context))


@bp.route("/schools/<int:school_id>/cycles")
@admin_required
def cycles(school_id: int):
    return _page(school_or_404(school_id))


@bp.post("/schools/<int:school_id>/cycles")
@admin_required
def add_school_cycle(school_id: int):
    school = school_or_404(school_id)
    form = CycleForm(prefix="cycle")
    added = save(
        form,
        lambda: add_cycle(
            current_user, school, form.name.data, form.starts_on.data, form.ends_on.data
        ),
    )
    context = _context(school, None if added else form, added=added)
    return page_or_fragment("admin/_cycles.html", _page, 200 if added else 422, **context)


@bp.route("/cycles/<int:cycle_id>", methods=["GET", "POST"])
@admin_required
def edit_school_cycle(cycle_id: int):
    """Rename a cycle or move its dates; the same rules as adding one."""
    cycle = cycle_or_404(cycle_id)
    form = CycleForm(obj=cycle, prefix="cycle")
    changed = None
    if request.method == "POST":
        changed = save(
            form,
            lambda: change_cycle(
                current_user, cycle, form.name.data, form.starts_on.data, form.ends_on.data
            ),
        )
        if changed is None:
            db.session.refresh(cycle)
    status = 422 if form.errors else 200
    return render_template(
        "admin/cycle.html",
        school=cycle.school,
        cycle=cycle,
        form=form,
        changed=changed,
        cycle_days=limits.CYCLE_DAYS,
    ), status


@bp.post("/cycles/<int:cycle_id>/remove")
@admin_required
def remove_school_cycle(cycle_id: int):
    """ "Remove…" asks "Yes, remove it?" in the row; only that answer removes the cycle."""
    cycle = cycle_or_404(cycle_id)
    school = cycle.school
    if request.form.get("confirm") != "yes":
        context = _context(school, confirming=cycle.id)
        return page_or_fragment("admin/_cycles.html", _page, **context)
    name = cycle.name
    remove_cycle(current_user, cycle)
    db.session.commit()
    context = _context(school, removed=name)
    return page_or_fragment("admin/_cycles.html", _page, **context)
