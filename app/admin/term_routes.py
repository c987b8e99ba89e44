"""A school's term dates: listed, added, removed (htmx in place, or plain posts)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, save, school_or_404
from app.admin.forms import TermForm
from app.admin.terms import add_term, remove_term
from app.extensions import db
from app.htmx import page_or_fragment
from app.selfaudit.terms import current_term, school_terms


def _context(school, form=None, **context) -> dict:
    return {
        "school": school,
        "form": form or TermForm(formdata=None),
        "terms": school_terms(school),
        "current": current_term(school),
        **context,
    }


def _page(**context) -> str:
    return render_template("admin/terms.html", **context)


@bp.route("/schools/<int:school_id>/terms")
@admin_required
def terms(school_id: int):
    return _page(**_context(school_or_404(school_id)))


@bp.post("/schools/<int:school_id>/terms")
@admin_required
def add_school_term(school_id: int):
    school = school_or_404(school_id)
    form = TermForm()
    added = save(
        form,
        lambda: add_term(
            current_user, school, form.name.data, form.first_day.data, form.last_day.data
        ),
    )
    context = _context(school, None if added else form, added=added)
    return page_or_fragment("admin/_terms.html", _page, 200 if added else 422, **context)


@bp.post("/schools/<int:school_id>/terms/remove")
@admin_required
def remove_school_term(school_id: int):
    school = school_or_404(school_id)
    term_id = request.form.get("term_id", "")
    # A number a database integer cannot hold names no term (PostgreSQL would refuse it).
    if not (term_id.isdigit() and int(term_id) < 2**31) or not remove_term(
        current_user, school, int(term_id)
    ):
        abort(404)
    db.session.commit()
    return page_or_fragment("admin/_terms.html", _page, **_context(school, removed=True))
