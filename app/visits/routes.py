import uuid

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app.authz import get_visit_or_404, own_coachees, roles_of
from app.coaching.services import due_this_week, last_visit_by_teacher
from app.extensions import db
from app.htmx import page_or_fragment
from app.localtime import local_today, start_of_day
from app.models import School, Visit
from app.photos.processing import THUMBNAIL_EDGE, fit
from app.steps.services import live_steps_by_teacher
from app.visits import bp
from app.visits.services import coach_timeline


def _started_today() -> sa.ColumnElement[bool]:
    """Visits started today on their own school's clock."""
    zones = db.session.scalars(sa.select(School.timezone).distinct())
    starts = {zone: start_of_day(local_today(zone), zone) for zone in zones}
    if not starts:
        return sa.false()
    return sa.or_(
        *(
            sa.and_(School.timezone == zone, Visit.started_at >= start)
            for zone, start in starts.items()
        )
    )


@bp.route("/visits")
@login_required
def index():
    """The coach's home: who is due a drop-in this week, today's drop-ins, the teachers
    they coach, and earlier drop-ins (today's are listed once, under Today)."""
    own = own_coachees(current_user)
    todays_visits = db.session.scalars(
        sa.select(Visit)
        .join(School, School.id == Visit.school_id)
        .where(Visit.coach_id == current_user.id, _started_today())
        .options(
            selectinload(Visit.photos),
            selectinload(Visit.teacher),
            selectinload(Visit.action_step),
        )
        .order_by(Visit.started_at.desc())
    ).all()
    teacher_ids = [c.teacher.id for c in own]
    last_visits = last_visit_by_teacher(current_user, teacher_ids)
    return render_template(
        "visits/index.html",
        coachees=own,
        due=due_this_week(own, last_visits),
        todays_visits=todays_visits,
        last_visits=last_visits,
        timeline=coach_timeline(current_user, excluding=_started_today()),
        live_steps=live_steps_by_teacher(current_user, teacher_ids),
        leads_schools=not own and {"lead", "trust_lead"} & set(roles_of(current_user)),
    )


@bp.route("/visits/timeline")
@login_required
def timeline():
    """Older drop-ins: the next page as a fragment for htmx ("Show earlier drop-ins"), or
    as a page of its own without JavaScript."""
    page = coach_timeline(current_user, before=request.args.get("before"))
    return page_or_fragment(
        "visits/_timeline_page.html",
        lambda timeline, continued: render_template("visits/timeline.html", timeline=timeline),
        timeline=page,
        continued=True,
    )


@bp.route("/visits/<uuid:visit_id>")
@login_required
def show(visit_id: uuid.UUID):
    """One drop-in: notes, photos and the action step, for anyone who may see it."""
    visit = get_visit_or_404(current_user, visit_id)
    photos = [(photo, fit((photo.width, photo.height), THUMBNAIL_EDGE)) for photo in visit.photos]
    return render_template("visits/show.html", visit=visit, photos=photos, back=_way_back(visit))


def _way_back(visit: Visit) -> tuple[str, str]:
    """Where "Back" goes: the coach's drop-ins, the teacher's step, or the person's home."""
    if "coach" in roles_of(current_user):
        return "Drop-ins", url_for("visits.index")
    if visit.teacher_id == current_user.id:
        return "My step", url_for("teacher.index")
    return "your home page", url_for("auth.home")
