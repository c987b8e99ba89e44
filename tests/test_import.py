"""Staff import from CSV: the service and `flask import-staff`, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.admin import importer
from app.admin.cli import EXIT_NOTHING_IMPORTED, EXIT_SOME_ROWS_BAD
from app.extensions import db
from app.models import AuditEvent, Membership, User
from tests.factories import make_school, make_trust, make_user
from tests.test_seed import snapshot

HEADER = "email,name,role"

#: Ten kinds of bad row: (kind, make the line from a number, the reason reported).
BAD_KINDS = [
    ("empty email", lambda n: f",Person {n},teacher", "The email is empty"),
    ("bad email", lambda n: f"person{n}.example.org,Person {n},teacher", "not a valid email"),
    (
        "long email",
        lambda n: f"{'x' * 250}{n}@example.org,Person {n},teacher",
        "The email is longer than 254",
    ),
    ("empty name", lambda n: f"noname{n}@example.org,,teacher", "The name is empty"),
    (
        "long name",
        lambda n: f"longname{n}@example.org,{'N' * 201},coach",
        "The name is longer than 200",
    ),
    ("empty role", lambda n: f"norole{n}@example.org,Person {n},", "The role is empty"),
    (
        "unknown role",
        lambda n: f"role{n}@example.org,Person {n},headteacher",
        "“headteacher” is not a role here: write teacher, coach or lead",
    ),
    (
        "duplicate",
        lambda n: f"good{n}@example.org,Good Person {n},teacher",
        "The same person and role as line",
    ),
    ("other name", lambda n: f"good{n}@example.org,Someone Else,lead", "but a different name"),
    (
        "short line",
        lambda n: f"short{n}@example.org,Person {n}",
        "The line has 1 value fewer than the header line",
    ),
]


def five_hundred_row_file() -> tuple[str, set[tuple[str, str]], dict[int, str]]:
    """450 good rows (some people with two roles) and five bad rows of each kind,
    scattered. Returns (csv text, expected (email, role) pairs, {bad line: reason})."""
    lines = [HEADER]
    good: set[tuple[str, str]] = set()
    bad: dict[int, str] = {}
    bad_rows = [(kind, n) for n in range(5) for kind in BAD_KINDS]
    good_number = 0
    while len(lines) < 501:
        line_number = len(lines) + 1
        if line_number % 10 == 0 and bad_rows:
            (_, make, reason), n = bad_rows.pop(0)
            # duplicates and other-name rows refer to good people written earlier
            lines.append(make(n * 7))
            bad[line_number] = reason
            continue
        role = "coach" if good_number % 9 == 8 else "teacher"
        number = good_number - 1 if role == "coach" else good_number
        lines.append(f"good{number}@example.org,Good Person {number},{role}")
        good.add((f"good{number}@example.org", role))
        good_number += 1
    return "\r\n".join(lines) + "\r\n", good, bad


@pytest.fixture
def school(app):
    school = make_school(make_trust(), "riverside", name="Riverside")
    db.session.commit()
    return school


def imported_roles(school) -> set[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(User.email, Membership.role)
        .join(Membership)
        .where(Membership.school_id == school.id)
    )
    return {(email, role) for email, role in rows}


def test_the_file_builder_makes_what_the_test_claims():
    text, good, bad = five_hundred_row_file()
    assert len(text.strip().split("\r\n")) == 501  # header + 500 rows
    assert len(bad) == 50 and len(good) == 450


def test_service_imports_exactly_the_good_rows_and_reports_every_bad_one(school):
    text, good, bad = five_hundred_row_file()

    import_plan, created = importer.import_staff(school, text, None, source="test")
    db.session.commit()

    assert imported_roles(school) == good
    assert {problem.line for problem in import_plan.problems} == set(bad)
    for problem in import_plan.problems:
        assert bad[problem.line] in problem.reason, (problem.line, problem.reason)
    assert len(created) == len({email for email, _ in good})
    assert all(person.password_hash is None for person in created)


def test_service_second_import_changes_nothing(school):
    text, _, bad = five_hundred_row_file()
    importer.import_staff(school, text, None, source="test")
    db.session.commit()
    before = snapshot()

    import_plan, created = importer.import_staff(school, text, None, source="test")
    db.session.commit()

    assert snapshot() == before
    assert created == [] and import_plan.changes == 0
    assert {problem.line for problem in import_plan.problems} == set(bad)


def write(tmp_path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "staff.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_cli_imports_the_good_rows_reports_bad_lines_and_is_idempotent(school, runner, tmp_path):
    text, good, bad = five_hundred_row_file()
    path = write(tmp_path, text)

    first = runner.invoke(args=["import-staff", path, "--school", "riverside"])

    assert first.exit_code == EXIT_SOME_ROWS_BAD, first.output
    assert imported_roles(school) == good
    reported = {
        int(line.split(":")[0].removeprefix("line "))
        for line in first.stderr.splitlines()
        if line.startswith("line ")
    }
    assert reported == set(bad)
    assert "line 10: The email is empty" in first.stderr
    before = snapshot()

    second = runner.invoke(args=["import-staff", path, "--school", "riverside"])

    assert second.exit_code == EXIT_SOME_ROWS_BAD
    assert snapshot() == before
    assert "0 new people, 0 roles added" in second.stdout


def test_cli_exits_zero_for_a_clean_file(school, runner, tmp_path):
    path = write(tmp_path, "email,name,role\na@example.org,Ann Ash,teacher\n")
    result = runner.invoke(args=["import-staff", path, "--school", "riverside"])
    assert result.exit_code == 0, result.output
    assert imported_roles(school) == {("a@example.org", "teacher")}


def test_cli_refuses_an_unknown_school_and_writes_nothing(school, runner, tmp_path):
    path = write(tmp_path, "email,name,role\na@example.org,Ann Ash,teacher\n")
    result = runner.invoke(args=["import-staff", path, "--school", "nowhere"])
    assert result.exit_code == EXIT_NOTHING_IMPORTED
    assert "no school has the short name 'nowhere'" in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_cli_refuses_a_file_without_the_columns(school, runner, tmp_path):
    path = write(tmp_path, "mail,full name,job\na@example.org,Ann,teacher\n")
    result = runner.invoke(args=["import-staff", path, "--school", "riverside"])
    assert result.exit_code == EXIT_NOTHING_IMPORTED
    assert "missing email, name, role" in result.stderr


def test_cli_with_invite_prints_a_link_for_each_person_without_a_password(school, runner, tmp_path):
    make_user("has.password@example.org", roles=[(school, "teacher")])
    db.session.commit()
    path = write(
        tmp_path,
        "email,name,role\na@example.org,Ann Ash,teacher\n"
        "b@example.org,Bo Bell,coach\nhas.password@example.org,H P,teacher\n",
    )
    first = runner.invoke(args=["import-staff", path, "--school", "riverside"])
    assert "2 new people need a sign-in link" in first.stdout
    before = snapshot()

    result = runner.invoke(args=["import-staff", path, "--school", "riverside", "--invite"])

    assert result.exit_code == 0, result.output
    links = [line for line in result.stdout.splitlines() if line.startswith("invitation ")]
    assert [line.split(":")[0] for line in links] == [
        "invitation a@example.org",
        "invitation b@example.org",
    ]
    assert all("http://127.0.0.1:5000/invite/" in line for line in links)
    assert snapshot() == before


def test_a_database_failure_midway_leaves_nothing_written(school, runner, tmp_path):
    """Fault injection: the database refuses the first role insert, after the people
    have been inserted; the whole import must roll back."""
    path = write(tmp_path, "email,name,role\na@example.org,Ann Ash,teacher\n")

    def refuse_roles(connection, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO MEMBERSHIP"):
            raise sa.exc.OperationalError(statement, {}, Exception("disk full"))

    sa.event.listen(db.engine, "before_cursor_execute", refuse_roles)
    try:
        result = runner.invoke(args=["import-staff", path, "--school", "riverside"])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", refuse_roles)

    assert result.exit_code == EXIT_NOTHING_IMPORTED, result.output
    assert "database refused" in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("utf-8-sig", "email,name,role\r\na@example.org,Siân Evans,teacher\r\n"),
        ("utf-8", "email;name;role\na@example.org;Siân Evans;teacher\n"),
        ("cp1252", "Email;Name;Role\r\na@example.org;Siân Evans;teacher\r\n"),
        ("utf-8", "Staff ID,Role,Email,Name,Year\n17,Teacher,A@Example.org,Siân Evans,Y3\n"),
        ("utf-8", 'email,name,role\n"a@example.org","Evans, Siân",teacher\n'),
    ],
)
def test_bom_windows_lines_semicolons_and_any_column_order(school, encoding, text):
    parsed = importer.parse(importer.decode(text.encode(encoding)))
    assert parsed.problems == []
    assert [(row.email, row.role) for row in parsed.rows] == [("a@example.org", "teacher")]
    assert parsed.rows[0].name in ("Siân Evans", "Evans, Siân")
    assert parsed.rows[0].line == 2


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(school):
    text = 'email,name,role\n\n"a@example.org","Ann\nAsh",teacher\nbad-email,Bo,teacher\n'
    parsed = importer.parse(text)
    assert [(problem.line, problem.reason) for problem in parsed.problems] == [
        (5, "“bad-email” is not a valid email address")
    ]


def test_an_existing_person_keeps_their_name_and_gets_the_role(school):
    person = make_user("ann@example.org", name="Ann Ash", roles=[(school, "teacher")])
    db.session.commit()
    import_plan, created = importer.import_staff(
        school, "email,name,role\nANN@example.org,Annie Ash,coach\n", None, source="test"
    )
    db.session.commit()
    assert created == []
    assert person.name == "Ann Ash"
    assert [(row.line, kept) for row, kept in import_plan.kept_names] == [(2, "Ann Ash")]
    assert imported_roles(school) == {("ann@example.org", "teacher"), ("ann@example.org", "coach")}


def test_a_deactivated_account_is_reported_not_given_roles(school):
    make_user("gone@example.org", active=False)
    db.session.commit()
    import_plan, _ = importer.import_staff(
        school, "email,name,role\ngone@example.org,Gone,teacher\n", None, source="test"
    )
    assert [problem.reason for problem in import_plan.problems] == [
        "This email belongs to a deactivated account: reactivate the person first"
    ]
    assert imported_roles(school) == set()


def test_an_empty_file_is_refused_clearly(school):
    with pytest.raises(importer.ImportFileError, match="empty"):
        importer.parse("")
