"""The privacy page (anyone signed in), a trust's retention settings and the erasure of a
person (admins of the trust)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.admin.access import admin_required, person_or_404, save, school_or_404, trust_or_404
from app.authz.accounts import may_change_account
from app.extensions import db
from app.photos.storage import StorageUnavailable
from app.privacy import bp
from app.privacy.erasure import ErasureRefused, erase_person
from app.privacy.forms import ErasureChoiceForm, ErasureConfirmForm, RetentionForm
from app.privacy.models import retention_of
from app.privacy.settings import FIELDS, erasure_preview, privacy_notices, save_retention


@bp.route("/privacy")
@login_required
def page():
    return render_template("privacy/privacy.html", notices=privacy_notices(current_user))


@bp.route("/admin/trusts/<int:trust_id>/retention", methods=["GET", "POST"])
@admin_required
def retention_settings(trust_id: int):
    trust = trust_or_404(trust_id)
    if request.method == "GET":
        settings = retention_of(trust.id)
        form = RetentionForm(formdata=None, data={name: getattr(settings, name) for name in FIELDS})
        return render_template("privacy/retention.html", trust=trust, form=form)
    form = RetentionForm()
    values = lambda: {name: getattr(form, name).data for name in FIELDS}  # noqa: E731
    if save(form, lambda: save_retention(current_user, trust, values())) is None:
        return render_template("privacy/retention.html", trust=trust, form=form), 422
    return redirect(url_for("privacy.retention_settings", trust_id=trust.id, saved=1))


@bp.route("/admin/schools/<int:school_id>/staff/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def erase(school_id: int, user_id: int):
    school = school_or_404(school_id)
    person = person_or_404(school.trust, user_id)
    return _erase(school.trust, school, person)


@bp.route("/admin/trusts/<int:trust_id>/people/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def erase_trust_person(trust_id: int, user_id: int):
    """The same, for a trust lead or admin who may have no role in any school."""
    trust = trust_or_404(trust_id)
    return _erase(trust, None, person_or_404(trust, user_id))


def _refusal(person) -> str | None:
    if person.id == current_user.id:
        return "You cannot erase yourself: ask another admin of the trust."
    if not may_change_account(current_user, person):
        return (
            f"{person.name} also belongs to another trust, so erasing them is not yours to "
            "do: ask every trust they belong to, or remove their roles here."
        )
    return None


def _erase(trust, school, person):
    """Two confirmations: choose what happens to the visits (and read what that means),
    then type the person's email address."""
    context = {
        "trust": trust,
        "school": school,
        "person": person,
        "preview": erasure_preview(person),
        "action": request.path,
    }
    refusal = _refusal(person)
    if refusal:
        status = 422 if request.method == "POST" else 200
        return render_template("privacy/erase.html", refusal=refusal, **context), status
    if request.method == "GET":
        return render_template("privacy/erase.html", choice=ErasureChoiceForm(), **context)
    if request.form.get("step") != "erase":
        choice = ErasureChoiceForm()
        if not choice.validate_on_submit():
            return render_template("privacy/erase.html", choice=choice, **context), 422
        data = {"visits": choice.visits.data}
        confirm = ErasureConfirmForm(person.email, formdata=None, data=data)
        return render_template("privacy/erase.html", confirm=confirm, **context)
    confirm = ErasureConfirmForm(person.email)
    if not confirm.validate_on_submit():
        return render_template("privacy/erase.html", confirm=confirm, **context), 422
    name = person.name  # gone from the database once erased; shown once, to this admin
    try:
        erased = erase_person(current_user, person, confirm.visits.data)
    except ErasureRefused as refused:
        db.session.rollback()
        confirm.form_errors.append(str(refused))
        return render_template("privacy/erase.html", confirm=confirm, **context), 422
    except StorageUnavailable:
        db.session.rollback()
        confirm.form_errors.append(
            "The photo store did not answer, so nothing was erased. Try again in a minute."
        )
        return render_template("privacy/erase.html", confirm=confirm, **context), 503
    db.session.commit()
    return render_template(
        "privacy/erased.html", trust=trust, school=school, erased=erased, name=name
    )
