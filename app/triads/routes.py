"""A triad member's pages: their triads, each triad's write-ups, a new write-up. Anyone
who is not a member of the triad gets 404, whatever else they may see."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from app.authz import is_triad_member, triad_keys_of, visible_write_up
from app.extensions import db
from app.localtime import local_today
from app.triads import bp
from app.triads.forms import GrowForm
from app.triads.services import GROW_PARTS, add_write_up, member_triad, triads_of, write_ups


@bp.app_template_global()
def in_a_triad() -> bool:
    """For the top bar: whether to offer "My triad" (members of a peer triad only)."""
    if not current_user.is_authenticated:
        return False
    try:
        return bool(db.session.scalar(sa.select(triad_keys_of(current_user).exists())))
    except SQLAlchemyError:  # an error page after a failed transaction: no link, no 2nd error
        return False


def _member_triad_or_404(triad_key: uuid.UUID):
    if not is_triad_member(current_user, triad_key):
        abort(404)
    return member_triad(current_user, triad_key) or abort(404)


@bp.route("/triads")
@login_required
def index():
    """The triads the person is in (usually one)."""
    return render_template("triads/index.html", triads=triads_of(current_user))


@bp.route("/triads/<uuid:triad_key>")
@login_required
def triad(triad_key: uuid.UUID):
    """The triad's write-ups, latest meeting first."""
    found = _member_triad_or_404(triad_key)
    return render_template(
        "triads/triad.html", triad=found, write_ups=write_ups(found), parts=GROW_PARTS
    )


@bp.route("/triads/<uuid:triad_key>/write-ups", methods=["GET", "POST"])
@login_required
def new_write_up(triad_key: uuid.UUID):
    """Write up a meeting; saved, it is linked to the step each member is practising."""
    found = _member_triad_or_404(triad_key)
    today = local_today(found.school.timezone)
    form = GrowForm(today=today, prefix="grow")
    if form.validate_on_submit():
        parts = {field: getattr(form, field).data for field, _, _ in GROW_PARTS}
        write_up = add_write_up(current_user, found, form.met_on.data, parts)
        db.session.commit()
        flash("Write-up saved. The three of you can read it; nobody else can.", "success")
        return redirect(url_for("triads.write_up", triad_key=found.key, write_up_id=write_up.id))
    if not form.is_submitted():
        form.met_on.data = today
    status = 422 if form.errors else 200
    return render_template("triads/new.html", triad=found, form=form, parts=GROW_PARTS), status


@bp.route("/triads/<uuid:triad_key>/write-ups/<int:write_up_id>")
@login_required
def write_up(triad_key: uuid.UUID, write_up_id: int):
    found = visible_write_up(current_user, triad_key, write_up_id) or abort(404)
    triad = _member_triad_or_404(triad_key)
    return render_template("triads/write_up.html", triad=triad, write_up=found, parts=GROW_PARTS)
