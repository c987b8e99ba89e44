"""Each person's choice of emails, and the stop link in every email (no sign-in needed:
the link is signed for one person and one kind)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from app.extensions import csrf, db
from app.notify import bp
from app.notify.services import (
    KIND_LABELS,
    choose_emails,
    kinds_for,
    stop,
    stopped_kinds,
    unsubscribe_target,
)


@bp.route("/account/emails", methods=["GET", "POST"])
@login_required
def preferences():
    """Which emails the signed-in person gets; every kind starts switched on."""
    offered = kinds_for(current_user)
    saved = False
    if request.method == "POST":
        wanted = set(request.form.getlist("kinds")) & set(offered)
        choose_emails(current_user, wanted)
        db.session.commit()
        saved = True
    stopped = stopped_kinds(current_user)
    return render_template(
        "notify/preferences.html",
        offered=offered,
        labels=KIND_LABELS,
        stopped=stopped,
        saved=saved,
    )


def _target_or_404(token: str):
    target = unsubscribe_target(token)
    if target is None:
        abort(404)
    return target


@bp.get("/emails/stop/<token>")
def unsubscribe(token: str):
    """The link in an email: one button to stop that kind (a link alone changes nothing,
    so mail scanners that open links stop nothing)."""
    user, kind = _target_or_404(token)
    return render_template(
        "notify/unsubscribe.html", kind_label=KIND_LABELS[kind], token=token, done=False
    )


@bp.post("/emails/stop/<token>")
@csrf.exempt  # the signed token is the proof; mail apps' one-click POST carries no form token
def unsubscribe_confirm(token: str):
    user, kind = _target_or_404(token)
    stop(user, kind)
    db.session.commit()
    return render_template(
        "notify/unsubscribe.html", kind_label=KIND_LABELS[kind], token=token, done=True
    )
