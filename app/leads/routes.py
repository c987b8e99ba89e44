"""The lead's home: who has and has not been coached lately, and the trends."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, render_template, request
from flask_login import current_user, login_required

from app.authz import led_schools
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
from app.leads.trends import coach_summaries, trends_for
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
    rows = coverage_rows(schools, now)
    table = filter_and_sort(rows, filters)

    def page(**context) -> str:
        return render_template(
            "leads/coverage.html",
            **context,
            trends=trends_for(schools, rows, now),
            coaches=coach_summaries(schools, rows, now),
            coaches_for_filter=coaches_of(rows),
            coached=coached_shares(schools, rows),
            focus=focus_counts(current_user, schools),
            fewest_for_counts=FEWEST_FOR_COUNTS,
        )

    return page_or_fragment(
        "leads/_coverage_table.html", page, schools=schools, filters=filters, table=table
    )
