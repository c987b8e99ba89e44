"""The teacher's self-audit on a tablet, and what their coach reads when it is shared."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.authz import is_current_coach_of, self_audit_school, shared_self_audits
from app.extensions import db
from app.htmx import is_htmx, page_or_fragment
from app.models import User
from app.selfaudit import bp, services
from app.selfaudit.areas import AREA_BY_KEY, AREAS, SCALE, SCALE_LABELS
from app.selfaudit.terms import current_term

SAVED = (
    "Saved. This is yours: your coach reads it only if you share it. Leads see only how many"
    " chose each area; the admin who suggests peer triads sees the area you chose."
)
SHARED = "Shared: your coach can read this term's self-audit."
NOT_SHARED = "Not shared: only you can see this term's self-audit."


@bp.app_context_processor
def self_audit_words() -> dict:
    return {
        "AUDIT_AREAS": AREAS,
        "AUDIT_SCALE": SCALE,
        "SCALE_LABELS": SCALE_LABELS,
        "AREA_BY_KEY": AREA_BY_KEY,
    }


def _teacher_context(**context) -> dict:
    """The teacher's school, this term, this term's self-audit and the earlier ones."""
    school = self_audit_school(current_user) or abort(404)
    term = current_term(school)
    return {
        "school": school,
        "term": term,
        "audit": services.audit_for_term(current_user, school, term),
        "earlier": services.earlier_audits(current_user, term),
        **context,
    }


def _page(**context) -> str:
    return render_template("selfaudit/page.html", **context)


@bp.route("/teacher/self-audit")
@login_required
def page():
    return _page(**_teacher_context())


@bp.post("/teacher/self-audit")
@login_required
def save():
    context = _teacher_context()
    answers, focus, errors = services.read_form(request.form)
    if errors:
        return page_or_fragment(
            "selfaudit/_current.html",
            _page,
            422,
            **context,
            errors=errors,
            posted=answers,
            posted_focus=focus,
        )
    audit = services.save_self_audit(
        current_user, context["school"], context["term"], answers, focus
    )
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("selfaudit.page"))
    return page_or_fragment(
        "selfaudit/_current.html", _page, **{**context, "audit": audit}, message=SAVED
    )


@bp.post("/teacher/self-audit/sharing")
@login_required
def share():
    """The teacher's toggle: their coach reads this term's self-audit, or not."""
    context = _teacher_context()
    audit = context["audit"] or abort(404)
    shared = request.form.get("shared") == "yes"
    services.set_sharing(audit, shared)
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("selfaudit.page"))
    return page_or_fragment(
        "selfaudit/_sharing.html",
        _page,
        **context,
        sharing_message=SHARED if shared else NOT_SHARED,
    )


@bp.route("/coaching/teachers/<int:teacher_id>/self-audit")
@login_required
def coach_view(teacher_id: int):
    """The coach reads what their coachee chose to share; anyone else gets 404."""
    if not is_current_coach_of(current_user, teacher_id):
        abort(404)
    teacher = db.session.get(User, teacher_id) or abort(404)
    audits = list(db.session.scalars(shared_self_audits(current_user, teacher_id)))
    return render_template("selfaudit/coach.html", teacher=teacher, audits=audits)
