"""The "Your data" page shows its times on the person's school's clock (it showed UTC),
with the offset where the time could be misread: the hour the clocks go back, a person
whose schools keep different clocks, or a person with no school (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.localtime import Clock
from app.takeout.jobs import file_of
from app.takeout.models import DataExport
from tests.factories import make_school, make_trust, make_user


def _export(user, created_at: datetime, status: str = "expired") -> None:
    db.session.add(
        DataExport(
            user_id=user.id,
            kind="person",
            status=status,
            created_at=created_at,
            ready_at=created_at,
            expires_at=created_at + timedelta(days=7),
            file_name="not-there.zip",
            bytes=2048,
        )
    )
    db.session.commit()


def _downloads(client, auth, email: str) -> str:
    auth.login(email)
    body = client.get("/account/data").get_data(as_text=True)
    return body[body.index('id="exports"') : body.index("</section>", body.index('id="exports"'))]


def test_times_are_on_the_persons_schools_clock(app, client, auth):
    dubai = make_school(make_trust(), "dubai", name="Dubai School", timezone="Asia/Dubai")
    teacher = make_user("t@dubai.test", roles=[(dubai, "teacher")])
    # 20:30 UTC is half past midnight the next day in Dubai (UTC+4).
    _export(teacher, datetime(2026, 6, 10, 20, 30, tzinfo=UTC), status="ready")
    listed = _downloads(client, auth, "t@dubai.test")
    assert "Asked for 11 Jun 2026, 00:30</strong>" in listed
    assert "until 18 Jun 2026, 00:30." in listed
    assert "UTC" not in listed


def test_the_hour_the_clocks_go_back_shows_its_offset(app, client, auth):
    london = make_school(make_trust(), "london", name="London School")
    teacher = make_user("t@london.test", roles=[(london, "teacher")])
    # 25 October 2026: 01:30 in London happens twice, at 00:30 and 01:30 UTC.
    _export(teacher, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    _export(teacher, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    _export(teacher, datetime(2026, 10, 26, 9, 0, tzinfo=UTC))  # 09:00 GMT: plain
    listed = _downloads(client, auth, "t@london.test")
    assert "Asked for 25 Oct 2026, 01:30 (UTC+01:00)</strong>" in listed
    assert "Asked for 25 Oct 2026, 01:30 (UTC)</strong>" in listed
    assert "Asked for 26 Oct 2026, 09:00</strong>" in listed


def test_a_person_whose_schools_keep_different_clocks_sees_the_offset(app, client, auth):
    trust = make_trust()
    dubai = make_school(trust, "dubai", name="Dubai School", timezone="Asia/Dubai")
    london = make_school(trust, "london", name="London School")
    coach = make_user("c@both.test", roles=[(dubai, "coach"), (london, "coach")])
    _export(coach, datetime(2026, 6, 10, 20, 30, tzinfo=UTC))
    listed = _downloads(client, auth, "c@both.test")
    # The first school's clock (as the emails choose), named.
    assert "Asked for 11 Jun 2026, 00:30 (UTC+04:00)</strong>" in listed


def test_a_trust_lead_reads_the_trusts_schools_clock(app, client, auth):
    trust = make_trust()
    make_school(trust, "dubai", name="Dubai School", timezone="Asia/Dubai")
    lead = make_user("lead@dubai.test", roles=[(trust, "trust_lead")])
    _export(lead, datetime(2026, 6, 10, 20, 30, tzinfo=UTC))
    assert "Asked for 11 Jun 2026, 00:30</strong>" in _downloads(client, auth, "lead@dubai.test")


def test_a_person_with_no_school_reads_utc_named():
    clock = Clock.of_schools([])
    assert clock.show(datetime(2026, 6, 10, 20, 30, tzinfo=UTC)) == "10 Jun 2026, 20:30 (UTC)"


def test_the_downloaded_zip_is_named_by_the_day_on_the_schools_clock(app, client, auth):
    dubai = make_school(make_trust(), "dubai", name="Dubai School", timezone="Asia/Dubai")
    teacher = make_user("t@dubai.test", roles=[(dubai, "teacher")])
    now = datetime.now(UTC)
    # Made at 23:30 UTC yesterday: already today in Dubai (UTC+4).
    made = now.replace(hour=23, minute=30, second=0, microsecond=0) - timedelta(days=1)
    _export(teacher, made, status="ready")
    export = db.session.scalar(db.select(DataExport))
    export.expires_at = now + timedelta(days=1)
    db.session.commit()
    file_of(export).write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    auth.login("t@dubai.test")
    answer = client.get(f"/account/data/{export.id}/download")
    answer.close()  # the file it streams
    assert answer.status_code == 200
    named = answer.headers["Content-Disposition"]
    assert f"dropin-my-data-{(made + timedelta(hours=4)).date().isoformat()}.zip" in named
    assert made.date().isoformat() not in named
