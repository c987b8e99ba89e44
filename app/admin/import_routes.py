"""Staff import on the web: upload → preview (writes nothing) → confirm → import.

The preview puts the decoded CSV text in a hidden field of the confirm form; confirming
parses and checks that text again from scratch, so nothing from the preview is trusted.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, school_or_404
from app.admin.forms import MAX_IMPORT_BYTES, ImportConfirmForm, ImportUploadForm
from app.admin.importer import ImportFileError, apply_plan, decode, is_binary, parse, plan
from app.auth.links import deliver
from app.extensions import db
from app.htmx import page_or_fragment

NOT_A_CSV = "That file isn't a CSV. Save it from your spreadsheet as CSV (UTF-8) and try again."


def _import_page(school, form=None, **context) -> str:
    return render_template(
        "admin/import.html", school=school, form=form or ImportUploadForm(formdata=None), **context
    )


@bp.route("/schools/<int:school_id>/import")
@admin_required
def import_staff_page(school_id: int):
    return _import_page(school_or_404(school_id))


def _uploaded_text(form: ImportUploadForm) -> str | None:
    """The file's text, or None with the reason put at the field."""
    upload = form.csv_file.data
    data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    if not data:
        form.csv_file.errors = ["Choose the CSV file exported from your school's system."]
        return None
    if len(data) > MAX_IMPORT_BYTES:
        form.csv_file.errors = [
            f"The file is larger than {MAX_IMPORT_BYTES // 1000} KB. Split it, or import it "
            "with `flask import-staff`."
        ]
        return None
    if is_binary(data):
        form.csv_file.errors = [NOT_A_CSV]
        return None
    return decode(data)


@bp.post("/schools/<int:school_id>/import/preview")
@admin_required
def preview_import(school_id: int):
    school = school_or_404(school_id)
    form = ImportUploadForm()
    text = _uploaded_text(form) if form.validate_on_submit() else None
    if text is not None:
        try:
            import_plan = plan(school, parse(text))
        except ImportFileError as error:
            form.csv_file.errors = [str(error)]
        else:
            confirm = ImportConfirmForm(formdata=None, csv_text=text)
            return page_or_fragment(
                "admin/_import_preview.html",
                _import_page,
                school=school,
                plan=import_plan,
                confirm=confirm,
            )
    return page_or_fragment(
        "admin/_import_upload.html", _import_page, 422, school=school, form=form
    )


@bp.post("/schools/<int:school_id>/import")
@admin_required
def confirm_import(school_id: int):
    school = school_or_404(school_id)
    confirm = ImportConfirmForm()
    form = ImportUploadForm(formdata=None)
    if not confirm.validate_on_submit():
        form.csv_file.errors = ["Upload the file again: the preview was lost."]
        return page_or_fragment(
            "admin/_import_upload.html", _import_page, 422, school=school, form=form
        )
    try:
        import_plan = plan(school, parse(confirm.csv_text.data))
    except ImportFileError as error:
        form.csv_file.errors = [str(error)]
        return page_or_fragment(
            "admin/_import_upload.html", _import_page, 422, school=school, form=form
        )
    created = apply_plan(import_plan, current_user, source="web")
    db.session.commit()
    # Only now: a link must never point at someone a failed commit did not create.
    deliveries = [deliver(person, "invite") for person in created]
    return page_or_fragment(
        "admin/_import_result.html",
        _import_page,
        school=school,
        plan=import_plan,
        deliveries=deliveries,
    )
