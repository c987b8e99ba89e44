"""The weekly visits CSV, byte for byte: week windows in each school's own timezone across
both clock changes, quoting, non-ASCII, formula payloads; the CLI and the web alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.models import Photo
from tests.factories import (
    add_role,
    make_library_step,
    make_school,
    make_trust,
    make_user,
    make_visit,
)

BOM = "\ufeff"
HEADER = (
    "visit_id,date,week,school,coach,coach_email,teacher,teacher_email,class,subject,"
    "started_at,duration_minutes,notes,action_step,action_step_category,"
    "action_step_status,acknowledged_at,photos\r\n"
)


def visit_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-{number:012d}")


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def add_photos(visit, count: int) -> None:
    for _ in range(count):
        key = uuid.uuid4().hex
        db.session.add(
            Photo(
                id=uuid.uuid4(),
                visit_id=visit.id,
                storage_key=key,
                thumbnail_key=f"t{key}",
                width=800,
                height=600,
                bytes=1000,
                sha256="0" * 64,
            )
        )
    db.session.flush()


@pytest.fixture
def boundaries(app):
    """A London school (GMT/BST) and a Tokyo school (no DST) with visits either side of
    the week boundaries of 2026-W13 (UK clocks go forward on Sunday 29 March) and
    2026-W43 (they go back on Sunday 25 October)."""
    trust = make_trust("Boundary Trust")
    london = make_school(
        trust,
        "riverbank",
        name='Riverbank, "Upper" School',
        timezone="Europe/London",
        cadence="weekly",
    )
    tokyo = make_school(trust, "sakura", name="Sakura Gakuen 桜", timezone="Asia/Tokyo")
    coach = make_user(
        "zoe@example.test", name="Zoë Ørsted", roles=[(london, "coach"), (tokyo, "coach")]
    )
    sian = make_user("sian@example.test", name="Siân Évans", roles=[(london, "teacher")])
    kenji = make_user("kenji@example.test", name="Kenji Satō", roles=[(tokyo, "teacher")])
    lead = make_user("lead@example.test", name="Trust Lead")
    add_role(lead, trust, "trust_lead")
    school_lead = make_user("head@example.test", roles=[(london, "lead")])
    questioning = make_library_step(trust, category="Questioning", title="Pause three seconds")

    def london_visit(number, started_at, **fields):
        return make_visit(coach, sian, london, started_at, id=visit_id(number), **fields)

    # 2026-W13 in London: Monday 23 March 00:00 GMT to Monday 30 March 00:00 BST.
    # Each visit sets a new step, so the step before it is closed as replaced.
    london_visit(1, utc(2026, 3, 22, 23, 30), notes="Sunday night of W12: not in W13")
    first = london_visit(
        2,
        utc(2026, 3, 23, 0, 0),
        duration_minutes=12,
        class_name="7X, set 2",
        subject="Maths",
        notes='Line one\nLine two with "quotes", and a comma',
        step_text="Pause three seconds",
        library_step=questioning,
        status="practising",
    )
    first.action_step.acknowledged_at = utc(2026, 3, 24, 8, 5, 30)
    add_photos(first, 2)
    london_visit(
        3,
        utc(2026, 3, 29, 0, 30),
        class_name="+7Y",
        subject="-Science",
        notes='=HYPERLINK("http://evil.example","click")',
        step_text="@SUM(A1:A9)",
    )
    last = london_visit(
        4,
        utc(2026, 3, 29, 22, 30),
        class_name="\tTabbed",
        subject="\rCarriage",
        notes="Multi\r\nline Windows notes",
        step_text="Café crème: wait time ☕",
        status="embedded",
    )
    last.action_step.acknowledged_at = utc(2026, 3, 30, 7, 0)
    add_photos(last, 1)
    london_visit(5, utc(2026, 3, 29, 23, 30), notes="Monday 00:30 BST: W14")

    # 2026-W43: London from 18 Oct 23:00 UTC (BST) to 26 Oct 00:00 UTC (GMT);
    # Tokyo from 18 Oct 15:00 UTC to 25 Oct 15:00 UTC.
    london_visit(10, utc(2026, 10, 18, 22, 30), notes="Sunday 23:30 BST: W42")
    london_visit(11, utc(2026, 10, 18, 23, 30), notes="summer Sunday 23:30 UTC is Monday")
    london_visit(12, utc(2026, 10, 25, 23, 30), notes="Sunday 23:30 GMT, after the change")
    london_visit(13, utc(2026, 10, 26, 0, 0), notes="Monday of W44")
    make_visit(
        coach,
        kenji,
        tokyo,
        utc(2026, 10, 18, 15, 30),
        id=visit_id(20),
        notes="Monday 00:30 in Tokyo",
    )
    make_visit(
        coach,
        kenji,
        tokyo,
        utc(2026, 10, 25, 15, 30),
        id=visit_id(21),
        notes="Monday of W44 in Tokyo",
    )
    db.session.commit()
    return {"lead": lead, "school_lead": school_lead, "coach": coach, "teacher": sian}


SCHOOL = '"Riverbank, ""Upper"" School"'
PEOPLE = "Zoë Ørsted,zoe@example.test,Siân Évans,sian@example.test"
EXPECTED_W13 = (
    BOM
    + HEADER
    + (
        f"00000000-0000-4000-8000-000000000002,2026-03-23,2026-W13,{SCHOOL},{PEOPLE},"
        '"7X, set 2",Maths,2026-03-23T00:00:00+00:00,12,'
        '"Line one\nLine two with ""quotes"", and a comma",Pause three seconds,Questioning,'
        "replaced,2026-03-24T08:05:30+00:00,2\r\n"
        f"00000000-0000-4000-8000-000000000003,2026-03-29,2026-W13,{SCHOOL},{PEOPLE},"
        "'+7Y,'-Science,2026-03-29T00:30:00+00:00,10,"
        '"\'=HYPERLINK(""http://evil.example"",""click"")",\'@SUM(A1:A9),,replaced,,0\r\n'
        f"00000000-0000-4000-8000-000000000004,2026-03-29,2026-W13,{SCHOOL},{PEOPLE},"
        "'\tTabbed,\"'\rCarriage\",2026-03-29T23:30:00+01:00,10,"
        '"Multi\r\nline Windows notes",Café crème: wait time ☕,,embedded,'
        "2026-03-30T08:00:00+01:00,1\r\n"
    )
).encode()

TOKYO_PEOPLE = "Zoë Ørsted,zoe@example.test,Kenji Satō,kenji@example.test"
STEP = "Pause three seconds after each question"
EXPECTED_W43 = (
    BOM
    + HEADER
    + (
        f"00000000-0000-4000-8000-000000000020,2026-10-19,2026-W43,Sakura Gakuen 桜,{TOKYO_PEOPLE},"
        f",,2026-10-19T00:30:00+09:00,10,Monday 00:30 in Tokyo,{STEP},,replaced,,0\r\n"
        f"00000000-0000-4000-8000-000000000011,2026-10-19,2026-W43,{SCHOOL},{PEOPLE},"
        f",,2026-10-19T00:30:00+01:00,10,summer Sunday 23:30 UTC is Monday,{STEP},,replaced,,0\r\n"
        f"00000000-0000-4000-8000-000000000012,2026-10-25,2026-W43,{SCHOOL},{PEOPLE},"
        f',,2026-10-25T23:30:00+00:00,10,"Sunday 23:30 GMT, after the change",{STEP},'
        ",replaced,,0\r\n"
    )
).encode()


def test_week_with_the_spring_clock_change_byte_for_byte(boundaries, runner):
    result = runner.invoke(args=["export-visits", "--week", "2026-W13"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == EXPECTED_W13


def test_week_with_the_autumn_clock_change_in_two_timezones_byte_for_byte(boundaries, runner):
    result = runner.invoke(args=["export-visits", "--week", "2026-W43"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == EXPECTED_W43


def test_visit_just_after_the_spring_change_opens_the_next_week(boundaries, runner):
    result = runner.invoke(args=["export-visits", "--week", "2026-W14"])
    rows = result.stdout_bytes.decode("utf-8-sig").split("\r\n")
    assert rows[1].startswith(f"{visit_id(5)},2026-03-30,2026-W14,")
    assert "2026-03-30T00:30:00+01:00" in rows[1]
    assert rows[2:] == [""]


def web_export(client, auth, email, **params):
    auth.login(email)
    return client.get("/exports/visits.csv", query_string=params)


@pytest.mark.parametrize("week, expected", [("2026-W13", EXPECTED_W13), ("2026-W43", EXPECTED_W43)])
def test_web_download_is_the_same_file_streamed(boundaries, client, auth, week, expected):
    response = web_export(client, auth, "lead@example.test", week=week)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="dropin-visits-{week}.csv"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data == expected


@pytest.mark.parametrize("week", ["2026-W13", "2026-W43", "2026-W44", "2026-W01"])
def test_cli_and_web_give_identical_bytes_for_the_same_scope(
    boundaries, client, auth, runner, week
):
    # The trust lead sees every school of the only trust, as the operator does.
    cli = runner.invoke(args=["export-visits", "--week", week])
    web = web_export(client, auth, "lead@example.test", week=week)
    assert cli.exit_code == 0
    assert web.data == cli.stdout_bytes
    # One school: its lead on the web, --school on the command line.
    auth.logout()
    cli = runner.invoke(args=["export-visits", "--week", week, "--school", "riverbank"])
    web = web_export(client, auth, "head@example.test", week=week, school="riverbank")
    assert web.data == cli.stdout_bytes
    assert web.headers["Content-Disposition"].endswith(f'-{week}-riverbank.csv"')


def test_cli_writes_the_same_bytes_to_a_file(boundaries, runner, tmp_path):
    target = tmp_path / "w13.csv"
    result = runner.invoke(args=["export-visits", "--week", "2026-W13", "--output", str(target)])
    assert result.exit_code == 0
    assert target.read_bytes() == EXPECTED_W13
    assert not (tmp_path / "w13.csv.part").exists()


def test_cli_one_school_only(boundaries, runner):
    result = runner.invoke(args=["export-visits", "--week", "2026-W43", "--school", "sakura"])
    lines = result.stdout_bytes.decode("utf-8-sig").split("\r\n")
    assert [line.split(",")[0] for line in lines[1:-1]] == [str(visit_id(20))]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--week", "2026-W60"], "2026 has no week 60"),
        (["--week", "47"], "Enter a week like 2026-W47"),
        (["--week", "2026-W13", "--school", "nowhere"], "no school with the slug 'nowhere'"),
        ([], "Missing option '--week'"),
    ],
)
def test_cli_bad_input_exits_non_zero_with_a_clear_message(
    boundaries, runner, tmp_path, args, message
):
    target = tmp_path / "out.csv"
    result = runner.invoke(args=["export-visits", *args, "--output", str(target)])
    assert result.exit_code != 0
    assert message in result.output
    assert not target.exists()


def test_a_date_range_covering_the_week_gives_the_week_file(boundaries, client, auth):
    response = web_export(
        client, auth, "lead@example.test", **{"from": "2026-03-23", "to": "2026-03-29"}
    )
    assert response.status_code == 200
    assert response.data == EXPECTED_W13
    assert (
        'filename="dropin-visits-2026-03-23_2026-03-29.csv"'
        in (response.headers["Content-Disposition"])
    )


def test_a_longer_range_takes_weeks_in_each_schools_calendar(boundaries, client, auth):
    response = web_export(
        client, auth, "lead@example.test", **{"from": "2026-10-19", "to": "2026-10-26"}
    )
    rows = response.data.decode("utf-8-sig").split("\r\n")[1:-1]
    ids_and_weeks = [(row.split(",")[0][-2:], row.split(",")[2]) for row in rows]
    assert ids_and_weeks == [
        ("20", "2026-W43"),
        ("11", "2026-W43"),
        ("21", "2026-W44"),
        ("12", "2026-W43"),
        ("13", "2026-W44"),
    ]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"week": "2026-W60"}, "2026 has no week 60"),
        ({"week": "next week"}, "Enter a week like 2026-W47"),
        ({"week": ""}, "Enter a week like 2026-W47"),
        ({}, "Give a week (week=2026-W47) or a date range"),
        ({"week": "2026-W13", "from": "2026-03-01"}, "not both"),
        ({"from": "2026-03-30", "to": "2026-03-01"}, "on or after the first day"),
        ({"from": "2025-01-01", "to": "2026-03-01"}, "at most 366 days"),
        ({"from": "yesterday", "to": "2026-03-01"}, "first day as a date like 2026-11-01"),
        ({"from": "2026-03-01"}, "last day as a date like 2026-11-01"),
    ],
)
def test_web_bad_input_answers_400_with_a_clear_message(boundaries, client, auth, params, message):
    response = web_export(client, auth, "lead@example.test", **params)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "email, school",
    [
        ("lead@example.test", "nowhere"),  # no such school
        ("head@example.test", "sakura"),  # a school this lead may not see
        ("sian@example.test", None),  # a teacher downloads nothing
    ],
)
def test_web_answers_404_for_what_the_user_may_not_have(boundaries, client, auth, email, school):
    params = {"week": "2026-W13", **({"school": school} if school else {})}
    assert web_export(client, auth, email, **params).status_code == 404


def test_web_download_needs_sign_in(boundaries, client):
    response = client.get("/exports/visits.csv?week=2026-W13")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
