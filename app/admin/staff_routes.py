"""Staff of a school: add people with roles, edit, deactivate, and give them sign-in links."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, person_or_404, save, school_or_404
from app.admin.forms import StaffEditForm, StaffForm
from app.admin.routes import _school_page
from app.admin.services import (
    RuleBroken,
    add_person_to_school,
    issue_link,
    school_staff,
    set_active,
    update_person_in_school,
)
from app.admin.suggestions import set_experience_and_phase
from app.auth.links import invitation_for
from app.extensions import db
from app.htmx import page_or_fragment


@bp.post("/schools/<int:school_id>/staff")
@admin_required
def add_staff(school_id: int):
    school = school_or_404(school_id)
    form = StaffForm(prefix="staff")
    person = save(
        form,
        lambda: add_person_to_school(
            current_user, school, form.email.data, form.name.data, form.roles.data
        )[0],
    )
    delivery = invitation_for(current_user, person)
    status = 200 if person else 422
    if person:
        form = StaffForm(formdata=None, prefix="staff")
    return page_or_fragment(
        "admin/_staff.html",
        _school_page,
        status,
        school=school,
        staff=school_staff(school),
        staff_form=form,
        delivery=delivery,
    )


def _person_page(school, person, form=None, **context) -> str:
    roles = [m.role for m in person.memberships if m.school_id == school.id]
    return render_template(
        "admin/person.html",
        school=school,
        person=person,
        form=form
        or StaffEditForm(
            formdata=None,
            name=person.name,
            roles=roles,
            experience=person.experience,
            phase=person.phase,
        ),
        **context,
    )


def _person_at_school(school_id: int, user_id: int):
    school = school_or_404(school_id)
    return school, person_or_404(school.trust, user_id)


@bp.route("/schools/<int:school_id>/staff/<int:user_id>", methods=["GET", "POST"])
@admin_required
def person(school_id: int, user_id: int):
    school, person = _person_at_school(school_id, user_id)
    if request.method == "GET":
        return _person_page(school, person)
    form = StaffEditForm()

    def change() -> bool:
        update_person_in_school(current_user, school, person, form.name.data, form.roles.data)
        set_experience_and_phase(
            current_user, school, person, form.experience.data or "", form.phase.data or ""
        )
        return True

    saved = save(form, change) is True
    return page_or_fragment(
        "admin/_person_form.html",
        _person_page,
        200 if saved else 422,
        school=school,
        person=person,
        form=form,
        saved=saved,
    )


@bp.post("/schools/<int:school_id>/staff/<int:user_id>/active")
@admin_required
def set_person_active(school_id: int, user_id: int):
    school, person = _person_at_school(school_id, user_id)
    problem = None
    try:
        set_active(current_user, school.trust, person, request.form.get("active") == "yes")
        db.session.commit()
    except RuleBroken as broken:
        db.session.rollback()
        problem = broken.message
    return page_or_fragment(
        "admin/_person_status.html",
        _person_page,
        422 if problem else 200,
        school=school,
        person=person,
        problem=problem,
    )


@bp.post("/schools/<int:school_id>/staff/<int:user_id>/link")
@admin_required
def sign_in_link(school_id: int, user_id: int):
    """A fresh invitation (no password yet) or password-reset link for the person."""
    school, person = _person_at_school(school_id, user_id)

    def refused(problem: str):
        return page_or_fragment(
            "admin/_person_status.html",
            _person_page,
            422,
            school=school,
            person=person,
            problem=problem,
        )

    if not person.active:
        return refused("Reactivate the account before sending a link.")
    try:
        delivery, purpose = issue_link(current_user, school.trust_id, person)
    except RuleBroken as broken:
        db.session.rollback()
        return refused(broken.message)
    db.session.commit()
    return page_or_fragment(
        "admin/_person_status.html",
        _person_page,
        school=school,
        person=person,
        delivery=delivery,
        purpose=purpose,
    )
