"""The "Your data" page (anyone signed in), the admin's "Export the trust" page, and the
download of a prepared zip (its owner only, until its link runs out; 404 otherwise)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, redirect, send_file, url_for
from flask_login import current_user, login_required

from app.authz.takeout import may_download, may_export_trust
from app.extensions import db
from app.htmx import page_or_fragment
from app.localtime import Clock
from app.models import AuditEvent, Trust
from app.takeout import bp
from app.takeout.jobs import WAITING, file_of, request_export, start_building
from app.takeout.models import DataExport

#: Past exports listed on a page.
SHOWN = 5


def _exports_of(kind: str, trust_id: int | None = None) -> list[DataExport]:
    query = sa.select(DataExport).where(
        DataExport.user_id == current_user.id, DataExport.kind == kind
    )
    if trust_id is not None:
        query = query.where(DataExport.trust_id == trust_id)
    query = query.order_by(DataExport.created_at.desc(), DataExport.id.desc()).limit(SHOWN)
    return list(db.session.scalars(query))


def _context(exports: list[DataExport]) -> dict:
    return {"exports": exports, "waiting": any(e.status in WAITING for e in exports)}


def _schools_of(user) -> list:
    """The schools a person works in, or leads or administers through a trust."""
    schools = {membership.school for membership in user.memberships}
    for trust_role in user.trust_roles:
        schools.update(trust_role.trust.schools)
    return list(schools)


@bp.get("/account/data")
@login_required
def personal():
    """The person's own downloads, in their school's time; htmx polls the list while one
    is being prepared."""
    return page_or_fragment(
        "takeout/_exports.html",
        "takeout/personal.html",
        clock=Clock.of_schools(_schools_of(current_user)),
        **_context(_exports_of("person")),
    )


@bp.post("/account/data")
@login_required
def prepare_personal():
    export = request_export(current_user)
    db.session.commit()
    start_building(current_app._get_current_object(), export.id)
    return redirect(url_for("takeout.personal"), code=303)


def _administered_trust_or_404(trust_id: int) -> Trust:
    trust = db.session.get(Trust, trust_id)
    if trust is None or not may_export_trust(current_user, trust_id):
        abort(404)
    return trust


@bp.get("/trusts/<int:trust_id>/export")
@login_required
def trust_export(trust_id: int):
    trust = _administered_trust_or_404(trust_id)
    context = _context(_exports_of("trust", trust.id))
    return page_or_fragment(
        "takeout/_exports.html",
        "takeout/trust.html",
        trust=trust,
        clock=Clock.of_schools(trust.schools),
        **context,
    )


@bp.post("/trusts/<int:trust_id>/export")
@login_required
def prepare_trust_export(trust_id: int):
    trust = _administered_trust_or_404(trust_id)
    export = request_export(current_user, trust)
    db.session.add(
        AuditEvent(
            trust_id=trust.id,
            actor_id=current_user.id,
            action="trust_exported",
            summary="Asked for an archive of the whole trust (every table and photo)",
        )
    )
    db.session.commit()
    start_building(current_app._get_current_object(), export.id)
    return redirect(url_for("takeout.trust_export", trust_id=trust.id), code=303)


@bp.get("/account/data/<int:export_id>/download")
@login_required
def download(export_id: int):
    export = db.session.get(DataExport, export_id)
    if not may_download(current_user, export):
        abort(404)
    path = file_of(export)
    if not path.is_file():
        abort(404)
    schools = db.session.get(Trust, export.trust_id).schools if export.trust_id else None
    # The date on the clock the page showed it by (a zip made at 00:30 in London in
    # summer is the day's, not the day before's).
    day = Clock.of_schools(schools or _schools_of(current_user)).day(export.ready_at)
    name = (
        f"dropin-trust-{export.trust_id}-{day}.zip"
        if export.trust_id
        else f"dropin-my-data-{day}.zip"
    )
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
