"""The lead's home: who has and has not been coached lately, and the trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, render_template, request
from flask_login import current_user, login_required

from app.authz import led_schools
from app.cycles.services import cycles_of
from app.errors import UnknownSchool
from app.htmx import page_or_fragment
from app.leads import bp
from app.leads.coverage import (
    CoverageFilters,
    coached_shares,
    coaches_of,
    coverage_rows,
    filter_and_sort,
)
from app.leads.trends import TERM_WEEKS, coach_summaries, trends_for
from app.localtime import local_today, monday_of, start_of_day
from app.selfaudit.services import FEWEST_FOR_COUNTS, focus_counts


@bp.route("/coverage")
@login_required
def coverage():
    """The lead's home: who has and has not been coached lately, and the trends."""
    schools = led_schools(current_user) or abort(404)
    now = datetime.now(UTC)
    try:
        filters = CoverageFilters.from_args(request.args, schools)
    except UnknownSchool:
        abort(404)
    shown, since, week_count, ongoing = schools, None, TERM_WEEKS, True
    if filters.cycle is not None:
        shown = [filters.cycle.school]
        since, as_of = cycle_window(filters.cycle, now)
        ongoing, now = as_of == now, as_of
        week_count = cycle_week_count(filters.cycle, now)
    rows = coverage_rows(shown, now, since)
    table = filter_and_sort(rows, filters)

    def page(**context) -> str:
        return render_template(
            "leads/coverage.html",
            **context,
            trends=trends_for(shown, rows, now, week_count, ongoing),
            coaches=coach_summaries(shown, rows, now),
            coaches_for_filter=coaches_of(rows),
            coached=coached_shares(shown, rows),
            cycles=cycles_of(school.id for school in schools),
            today=local_today(shown[0].timezone),
            focus=focus_counts(current_user, shown),
            fewest_for_counts=FEWEST_FOR_COUNTS,
        )

    return page_or_fragment(
        "leads/_coverage_table.html", page, schools=schools, filters=filters, table=table
    )


def cycle_window(cycle, now: datetime) -> tuple[datetime, datetime]:
    """A cycle's first instant, and the moment coverage is read at: now, or the end of
    the cycle when it is over."""
    zone = cycle.school.timezone
    end = start_of_day(cycle.ends_on + timedelta(days=1), zone) - timedelta(microseconds=1)
    return start_of_day(cycle.starts_on, zone), min(now, end)


def cycle_week_count(cycle, as_of: datetime) -> int:
    """The ISO weeks from the cycle's first to the one `as_of` falls in (at least one)."""
    today = local_today(cycle.school.timezone, as_of)
    return max(1, (monday_of(today) - monday_of(cycle.starts_on)).days // 7 + 1)
