"""What the coach's pages hold (issue 11): "last drop-in" dates come only from visits the
coach may see, as dates on the school's clock."""

from __future__ import annotations

from datetime import UTC, datetime

from app.extensions import db
from tests.factories import make_pair, make_school, make_trust, make_user, make_visit


def test_last_drop_in_dates_come_only_from_visits_the_coach_may_see(app, client, auth):
    ours = make_school(make_trust("Ours"), "ours", timezone="Pacific/Auckland")
    theirs = make_school(make_trust("Theirs"), "theirs")
    coach = make_user("coach@ours.test", roles=[(ours, "coach")])
    stranger = make_user("coach@theirs.test", roles=[(theirs, "coach")])
    teacher = make_user("teacher@both.test", roles=[(ours, "teacher"), (theirs, "teacher")])
    make_pair(coach, teacher, ours)
    make_pair(stranger, teacher, theirs)
    # 20 Nov 23:30 UTC is already 21 Nov in Auckland.
    make_visit(coach, teacher, ours, started_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    make_visit(stranger, teacher, theirs, started_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    db.session.commit()
    assert auth.login("coach@ours.test").status_code == 302
    html = client.get("/visits").get_data(as_text=True)
    assert "Last drop-in 21 Nov" in html
    assert "27 Nov" not in html
