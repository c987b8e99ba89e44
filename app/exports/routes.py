"""The export page and the visits CSV download."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.authz import led_schools, may_export_visits
from app.cycles.services import cycles_of
from app.errors import UnknownSchool, error_response
from app.exports import bp
from app.exports.periods import ExportInputError, parse_date_range, parse_week
from app.exports.services import (
    UnknownCycle,
    user_cycle_scope,
    user_scope,
    visits_counted,
    visits_csv,
)
from app.localtime import (
    Period,
    iso_week_label,
    last_complete_week,
    local_today,
    monday_of,
    week_dates,
)


def _period_from(args: MultiDict) -> Period:
    has_range = "from" in args or "to" in args
    if "week" in args:
        if has_range:
            raise ExportInputError("Give a week or a date range, not both.", "week")
        return parse_week(args.get("week"))
    if has_range:
        return parse_date_range(args.get("from"), args.get("to"))
    raise ExportInputError(
        "Give a week (week=2026-W47) or a date range (from=2026-11-01&to=2026-11-30).", "week"
    )


def _cycle_download(args: MultiDict, school_slug: str | None):
    """`?cycle=<id>`: the cycle's days instead of a week or a date range."""
    if "week" in args or "from" in args or "to" in args:
        raise ExportInputError("Give a cycle, a week or a date range: only one.", "cycle")
    return user_cycle_scope(current_user, args.get("cycle"), school_slug)


@bp.get("/exports/visits.csv")
@login_required
def visits_csv_download():
    """The visits CSV of a week (or a date range), only what the user may see; streamed."""
    if not may_export_visits(current_user):
        abort(404)
    school_slug = request.args.get("school") or None
    try:
        if "cycle" in request.args:
            scope, period = _cycle_download(request.args, school_slug)
            school_slug = scope.school.slug
        else:
            period = _period_from(request.args)
            scope = user_scope(current_user, school_slug)
    except ExportInputError as error:
        return error_response(400, str(error))
    except (UnknownSchool, UnknownCycle):
        abort(404)
    name = f"dropin-visits-{period.label}" + (f"-{school_slug}" if school_slug else "")
    response = Response(stream_with_context(visits_csv(scope, period)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/exports")
@login_required
def index():
    """Pick a week (or a date range) and a school, then download."""
    schools = led_schools(current_user) or abort(404)
    args = request.args
    today = local_today(schools[0].timezone)
    last_sunday = monday_of(today) - timedelta(days=1)
    values = {
        "week": args.get("week", last_complete_week(today)),
        # By default the last four complete weeks.
        "from": args.get("from", (last_sunday - timedelta(days=27)).isoformat()),
        "to": args.get("to", last_sunday.isoformat()),
        "school": args.get("school", ""),
    }
    errors: dict[str, str] = {}
    kind = args.get("download")
    if kind in ("this_week", "week", "range"):
        try:
            if values["school"] and values["school"] not in {s.slug for s in schools}:
                raise ExportInputError("Choose one of your schools.", "school")
            if kind == "this_week":
                period_args = {"week": iso_week_label(today)}
            elif kind == "week":
                period_args = {"week": parse_week(values["week"]).label}
            else:
                period = parse_date_range(values["from"], values["to"])
                period_args = {
                    "from": period.first_day.isoformat(),
                    "to": period.last_day.isoformat(),
                }
            school_arg = {"school": values["school"]} if values["school"] else {}
            return redirect(url_for("exports.visits_csv_download", **period_args, **school_arg))
        except ExportInputError as error:
            errors[error.field or "week"] = str(error)
    status = 400 if errors else 200
    return render_template(
        "exports/index.html",
        schools=schools,
        values=values,
        errors=errors,
        kind=kind,
        weeks=_recent_weeks(today),
        cycles=cycles_of(school.id for school in schools),
        this_monday=monday_of(today),
        today=today,
        this_week_count=visits_counted(
            user_scope(current_user, None), parse_week(iso_week_label(today))
        ),
    ), status


#: How many past weeks the week list offers (a school year); older ones: a date range.
WEEKS_OFFERED = 52


def _recent_weeks(today) -> list[tuple[str, str]]:
    """(ISO week, "Week of 16–22 Nov 2026") for the last complete week and those before."""
    last_monday = monday_of(today) - timedelta(weeks=1)
    labels = [iso_week_label(last_monday - timedelta(weeks=back)) for back in range(WEEKS_OFFERED)]
    return [(label, week_dates(label)) for label in labels]
