"""Staff import from a school management system's CSV export.

The file has a header naming at least `email`, `name` and `role` (any order, any case;
other columns are ignored). Each bad row is reported by its line number in the file
(the header is line 1) with a reason; every good row is imported; importing the same file
again changes nothing. The caller commits once, so an import is all or nothing.

Decisions:
- An existing person keeps the name they have: a different name in the file is reported
  as a note ("kept the existing name") and never overwrites it. Names are edited on the
  staff page, where the admin sees what changes.
- The same email may appear on several lines with different roles (a teacher who also
  coaches); the same email and role twice is a duplicate, and the same email with two
  different names is refused.
- An email that belongs to a deactivated account is refused: reactivate the person first.
- Text is read as UTF-8 (a byte-order mark is fine); a file that is not UTF-8 is read as
  Windows-1252, which is what Excel's plain "CSV" saves on Windows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app import limits
from app.admin.services import audit
from app.extensions import db
from app.models import SCHOOL_ROLES, Membership, School, User

REQUIRED_COLUMNS = ("email", "name", "role")
DELIMITERS = (",", ";", "\t")
#: Emails looked up per query, well under both databases' parameter limits.
LOOKUP_CHUNK = 500


DEACTIVATED = "This email belongs to a deactivated account: reactivate the person first"


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (no header, missing columns, empty)."""


@dataclass(frozen=True)
class StaffRow:
    line: int
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str
    email: str = ""


@dataclass
class ParsedFile:
    rows: list[StaffRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until apply_plan()."""

    school: School
    new_people: list[StaffRow] = field(default_factory=list)
    new_roles: list[StaffRow] = field(default_factory=list)
    unchanged: list[StaffRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: Rows whose person exists under another name: the existing name is kept.
    kept_names: list[tuple[StaffRow, str]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.new_people) + len(self.new_roles)

    @property
    def people_to_import(self) -> int:
        """People who get at least one role (a person on two lines counts once)."""
        return len({row.email for row in self.new_people + self.new_roles})

    @property
    def new_people_count(self) -> int:
        return len({row.email for row in self.new_people})


def is_binary(data: bytes) -> bool:
    """A picture, a spreadsheet (.xlsx is a zip) or UTF-16 text: NUL bytes never occur in
    a CSV saved as UTF-8 or Windows text."""
    return b"\x00" in data


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    """Excel saves 'CSV' with semicolons where the comma is the decimal mark."""
    return max(DELIMITERS, key=header_line.count)


def _column_positions(header: list[str]) -> dict[str, int]:
    names = [column.strip().lstrip("\ufeff").lower() for column in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        found = ", ".join(name for name in names if name) or "nothing"
        raise ImportFileError(
            f"The first line must name the columns email, name and role; "
            f"missing {', '.join(missing)} (found {found})."
        )
    return {column: names.index(column) for column in REQUIRED_COLUMNS}


def _email_problem(email: str) -> str | None:
    if not email:
        return "The email is empty"
    if len(email) > limits.EMAIL:
        return f"The email is longer than {limits.EMAIL} characters"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"“{email}” is not a valid email address"
    return None


def _row_problem(values: dict[str, str], short_by: int) -> str | None:
    if short_by:
        return (
            f"The line has {short_by} {'value' if short_by == 1 else 'values'} fewer "
            "than the header line"
        )
    email_problem = _email_problem(values["email"])
    if email_problem:
        return email_problem
    if not values["name"]:
        return "The name is empty"
    if len(values["name"]) > limits.PERSON_NAME:
        return f"The name is longer than {limits.PERSON_NAME} characters"
    if not values["role"]:
        return "The role is empty: write teacher, coach or lead"
    if values["role"] not in SCHOOL_ROLES:
        return f"“{values['role']}” is not a role here: write teacher, coach or lead"
    return None


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(line number where the record starts, values); quoted line breaks are allowed."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=_delimiter(first_line)
    )
    next_line = 1
    for values in reader:
        yield next_line, values
        next_line = reader.line_num + 1


def parse(text: str) -> ParsedFile:
    """Check every row on its own and against the rows before it. No database access."""
    records = _records(text)
    try:
        _, header = next(records)
    except (StopIteration, csv.Error) as error:
        raise ImportFileError("The file is empty: it needs a header line.") from error
    positions = _column_positions(header)
    parsed = ParsedFile()
    first_seen: dict[str, StaffRow] = {}
    seen_roles: dict[tuple[str, str], int] = {}
    try:
        for line, values in records:
            if not any(value.strip() for value in values):
                continue  # blank lines, and Excel's rows of empty cells
            _check_row(parsed, line, values, positions, first_seen, seen_roles)
    except csv.Error as error:
        raise ImportFileError(f"The file is not a readable CSV: {error}.") from error
    return parsed


def _check_row(parsed, line, values, positions, first_seen, seen_roles) -> None:
    short_by = max(0, max(positions.values()) + 1 - len(values))
    cell = {
        column: values[index].strip() if index < len(values) else ""
        for column, index in positions.items()
    }
    cell["email"] = cell["email"].lower()
    cell["role"] = cell["role"].lower()
    problem = _row_problem(cell, short_by)
    if problem is None and (cell["email"], cell["role"]) in seen_roles:
        problem = f"The same person and role as line {seen_roles[cell['email'], cell['role']]}"
    earlier = first_seen.get(cell["email"])
    if problem is None and earlier is not None and earlier.name != cell["name"]:
        problem = (
            f"The same email as line {earlier.line}, but a different name (“{earlier.name}” there)"
        )
    if problem:
        parsed.problems.append(RowProblem(line, problem, cell["email"]))
        return
    row = StaffRow(line, cell["email"], cell["name"], cell["role"])
    first_seen.setdefault(row.email, row)
    seen_roles[row.email, row.role] = line
    parsed.rows.append(row)


def existing_people(emails: list[str]) -> dict[str, User]:
    people: dict[str, User] = {}
    for start in range(0, len(emails), LOOKUP_CHUNK):
        chunk = emails[start : start + LOOKUP_CHUNK]
        for user in db.session.scalars(sa.select(User).where(User.email.in_(chunk))):
            people[user.email] = user
    return people


def _existing_roles(school: School) -> set[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Membership.user_id, Membership.role).where(Membership.school_id == school.id)
    )
    return {(user_id, role) for user_id, role in rows}


def plan(school: School, parsed: ParsedFile) -> ImportPlan:
    """Sort good rows into new people, new roles and unchanged. Reads, never writes."""
    result = ImportPlan(school=school, problems=list(parsed.problems))
    people = existing_people(sorted({row.email for row in parsed.rows}))
    roles = _existing_roles(school)
    named: set[str] = set()
    for row in parsed.rows:
        person = people.get(row.email)
        if person is None:
            result.new_people.append(row)
        elif not person.active:
            result.problems.append(RowProblem(row.line, DEACTIVATED, row.email))
        else:
            if person.name != row.name and row.email not in named:
                named.add(row.email)
                result.kept_names.append((row, person.name))
            target = result.unchanged if (person.id, row.role) in roles else result.new_roles
            target.append(row)
    result.problems.sort(key=lambda problem: problem.line)
    return result


def apply_plan(import_plan: ImportPlan, actor: User | None, source: str) -> list[User]:
    """Write the plan's people and roles and one audit event; flush, never commit.
    Returns the people created (they have no password yet: they need an invitation).
    A plan without changes writes nothing at all, not even an audit event."""
    school = import_plan.school
    if not import_plan.changes:
        return []
    created: dict[str, User] = {}
    for row in import_plan.new_people:
        if row.email not in created:
            created[row.email] = User(email=row.email, name=row.name, password_hash=None)
    db.session.add_all(created.values())
    db.session.flush()
    people = {**existing_people(sorted({r.email for r in import_plan.new_roles})), **created}
    db.session.add_all(
        Membership(user_id=people[row.email].id, school_id=school.id, role=row.role)
        for row in import_plan.new_people + import_plan.new_roles
    )
    audit(
        school.trust_id,
        actor,
        "staff.import",
        f"Imported staff into {school.name}: {len(created)} new people, "
        f"{import_plan.changes} roles added, {len(import_plan.problems)} bad rows",
        source=source,
        school=school.slug,
        new_people=len(created),
        roles_added=import_plan.changes,
        unchanged=len(import_plan.unchanged),
        bad_lines=[problem.line for problem in import_plan.problems][:200],
    )
    db.session.flush()
    return list(created.values())


def import_staff(school: School, text: str, actor: User | None, source: str):
    """Parse, plan and apply in one go (the CLI and the web's confirm step)."""
    import_plan = plan(school, parse(text))
    created = apply_plan(import_plan, actor, source)
    return import_plan, created
