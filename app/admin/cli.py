"""`flask --app app import-staff FILE --school SLUG [--invite]`.

Exit codes: 0 every row imported (or already there); 3 some rows were bad and are
listed on stderr by line, the good rows were imported; 2 nothing was imported (unknown
school, unreadable file, missing columns, or the database refused: all rolled back).
With --invite, a sign-in link for each person in the file who has no password yet (new
now or earlier) is emailed (SMTP_HOST set) or printed; links use PUBLIC_URL (default
http://127.0.0.1:5000). So `--invite` on a second run sends the links, changing nothing else.
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.admin import bp
from app.admin.importer import ImportFileError, decode, existing_people, import_staff
from app.auth.links import deliver
from app.extensions import db
from app.models import School, User

EXIT_SOME_ROWS_BAD = 3
EXIT_NOTHING_IMPORTED = 2


def _fail(message: str) -> None:
    click.echo(f"Error: {message} Nothing was imported.", err=True)
    sys.exit(EXIT_NOTHING_IMPORTED)


@bp.cli.command("import-staff")
@click.argument("file", type=click.File("rb"))
@click.option("--school", "slug", required=True, help="The school's short name (slug).")
@click.option(
    "--invite",
    is_flag=True,
    help="Email (or print) a sign-in link to everyone in the file without a password.",
)
def import_staff_command(file, slug: str, invite: bool) -> None:
    """Import staff from a CSV with the columns email,name,role."""
    school = db.session.scalar(sa.select(School).where(School.slug == slug.strip().lower()))
    if school is None:
        _fail(f"no school has the short name '{slug}'.")
    try:
        import_plan, created = import_staff(school, decode(file.read()), None, source="cli")
        db.session.commit()
    except ImportFileError as error:
        db.session.rollback()
        _fail(str(error))
    except SQLAlchemyError as error:
        db.session.rollback()
        _fail(f"the database refused the import ({error.__class__.__name__}).")
    for problem in import_plan.problems:
        click.echo(f"line {problem.line}: {problem.reason}", err=True)
    for row, kept in import_plan.kept_names:
        click.echo(f"line {row.line}: {row.email} already exists as '{kept}'; name kept")
    # Sent after the commit, so no link points at someone the import did not save.
    for line in _links(_waiting_for_a_password(import_plan)) if invite else []:
        click.echo(line)
    if created and not invite:
        click.echo(
            f"{len(created)} new people need a sign-in link: run again with --invite "
            "(the import itself changes nothing the second time) or make links on "
            "their pages in Set-up."
        )
    click.echo(
        f"{school.name}: {len(created)} new people, {import_plan.changes} roles added, "
        f"{len(import_plan.unchanged)} already there, {len(import_plan.problems)} bad rows."
    )
    if import_plan.problems:
        sys.exit(EXIT_SOME_ROWS_BAD)


def _waiting_for_a_password(import_plan) -> list[User]:
    """Everyone in the file (new or not) who has not set a password yet."""
    rows = import_plan.new_people + import_plan.new_roles + import_plan.unchanged
    emails = sorted({row.email for row in rows})
    return [
        person
        for email, person in existing_people(emails).items()
        if person.password_hash is None and person.active
    ]


def _links(people) -> list[str]:
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        deliveries = [deliver(person, "invite") for person in people]
    return [
        f"invitation {d.user.email}: " + ("emailed" if d.emailed else d.link) for d in deliveries
    ]
