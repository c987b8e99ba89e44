"""Set-up pages: the trust dashboard, schools, trust staff and the audit trail."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app.admin import bp
from app.admin.access import (
    admin_required,
    administered_trusts,
    person_or_404,
    save,
    school_or_404,
    trust_or_404,
)
from app.admin.audit_trail import AuditReader
from app.admin.forms import SchoolForm, StaffForm, TrustRoleForm
from app.admin.services import (
    RuleBroken,
    add_trust_role,
    audit_page,
    create_school,
    issue_link,
    remove_trust_role,
    school_staff,
    timezone_names,
    trust_staff,
    update_school,
    valid_timezones,
)
from app.auth.links import invitation_for
from app.extensions import db
from app.htmx import page_or_fragment


def school_form(prefix: str = "school", **kwargs) -> SchoolForm:
    return SchoolForm(
        timezones=timezone_names(), valid_timezones=valid_timezones(), prefix=prefix, **kwargs
    )


def new_school_form(trust, **kwargs) -> SchoolForm:
    return school_form(prefix=f"new-school-{trust.id}", **kwargs)


def trust_role_form(trust, **kwargs) -> TrustRoleForm:
    return TrustRoleForm(prefix=f"trust-{trust.id}", **kwargs)


def _dashboard(**overrides) -> str:
    trusts = administered_trusts()
    context = {
        "trusts": trusts,
        "school_forms": {trust.id: new_school_form(trust, formdata=None) for trust in trusts},
        "people_forms": {trust.id: trust_role_form(trust, formdata=None) for trust in trusts},
        "trust_staff": {trust.id: trust_staff(trust) for trust in trusts},
    }
    for key in ("school_forms", "people_forms"):
        if key in overrides:
            context[key] |= overrides.pop(key)
    return render_template("admin/index.html", **context, **overrides)


@bp.route("/")
@admin_required
def index():
    return _dashboard()


@bp.post("/trusts/<int:trust_id>/schools")
@admin_required
def add_school(trust_id: int):
    trust = trust_or_404(trust_id)
    form = new_school_form(trust)
    created = save(
        form,
        lambda: create_school(
            current_user,
            trust,
            form.name.data,
            form.slug.data,
            form.timezone.data,
            form.cadence.data,
        ),
    )
    status = 200 if created else 422
    if created:
        form = new_school_form(trust, formdata=None)
    return page_or_fragment(
        "admin/_schools.html",
        _dashboard,
        status,
        trust=trust,
        form=form,
        created=created,
        school_forms={trust.id: form},
    )


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@admin_required
def school(school_id: int):
    school = school_or_404(school_id)
    form = school_form(obj=school)
    if request.method == "GET":
        return _school_page(school=school)
    saved = save(
        form,
        lambda: update_school(
            current_user,
            school,
            name=form.name.data,
            slug=form.slug.data or school.slug,
            timezone=form.timezone.data,
            cadence=form.cadence.data,
        ),
    )
    status = 200 if saved is not None else 422
    return page_or_fragment(
        "admin/_school_settings.html", _school_page, status, school=school, form=form, saved=saved
    )


def _school_page(school, form=None, staff_form=None, **context) -> str:
    return render_template(
        "admin/school.html",
        school=school,
        form=form or school_form(obj=school),
        staff=school_staff(school),
        staff_form=staff_form or StaffForm(formdata=None, prefix="staff"),
        **context,
    )


@bp.post("/trusts/<int:trust_id>/people")
@admin_required
def add_trust_person(trust_id: int):
    trust = trust_or_404(trust_id)
    form = trust_role_form(trust)
    person = save(
        form,
        lambda: add_trust_role(
            current_user, trust, form.email.data, form.name.data, form.role.data
        )[0],
    )
    delivery = invitation_for(person)
    status = 200 if person else 422
    if person:
        form = trust_role_form(trust, formdata=None)
    return _trust_staff_answer(trust, form, status, delivery)


def _trust_staff_answer(trust, form, status: int, delivery=None, purpose: str = "invite"):
    return page_or_fragment(
        "admin/_trust_staff.html",
        _dashboard,
        status,
        trust=trust,
        form=form,
        delivery=delivery,
        purpose=purpose,
        trust_staff={trust.id: trust_staff(trust)},
        people_forms={trust.id: form},
    )


@bp.post("/trusts/<int:trust_id>/people/<int:user_id>/remove")
@admin_required
def remove_trust_person(trust_id: int, user_id: int):
    trust = trust_or_404(trust_id)
    person = person_or_404(trust, user_id)
    form = trust_role_form(trust, formdata=None)
    status = 200
    try:
        remove_trust_role(current_user, trust, person, request.form.get("role", ""))
        db.session.commit()
    except RuleBroken as broken:
        db.session.rollback()
        form.form_errors.append(broken.message)
        status = 422
    return _trust_staff_answer(trust, form, status)


@bp.post("/trusts/<int:trust_id>/people/<int:user_id>/link")
@admin_required
def trust_person_link(trust_id: int, user_id: int):
    trust = trust_or_404(trust_id)
    person = person_or_404(trust, user_id)
    form = trust_role_form(trust, formdata=None)
    delivery, purpose = None, "invite"
    if person.active:
        delivery, purpose = issue_link(current_user, trust.id, person)
        db.session.commit()
    else:
        form.form_errors.append(f"Reactivate {person.name} before sending a link.")
    return _trust_staff_answer(trust, form, 200 if person.active else 422, delivery, purpose)


@bp.route("/trusts/<int:trust_id>/audit")
@admin_required
def audit_trail(trust_id: int):
    trust = trust_or_404(trust_id)
    page = request.args.get("page", 1, type=int)
    events = audit_page(trust, max(page, 1))
    return render_template(
        "admin/audit.html", trust=trust, events=events, reader=AuditReader(trust)
    )
