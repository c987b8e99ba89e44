"""`flask --app app export-visits --week 2026-W47 [--school SLUG] [--output FILE]`.

Runs as the operator: every visit of the week, of every school or of one. The file is
the same generator's bytes as the web download.
"""

from __future__ import annotations

import os
import sys

import click

from app.errors import UnknownSchool
from app.exports import bp
from app.exports.periods import ExportInputError, parse_week
from app.exports.services import operator_scope, visits_csv


@bp.cli.command("export-visits")
@click.option("--week", required=True, help="ISO week, e.g. 2026-W47.")
@click.option("--school", "school_slug", default=None, help="Only this school (its slug).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file instead of standard output.",
)
def export_visits_command(week: str, school_slug: str | None, output: str | None) -> None:
    """Write the weekly visits CSV of every school (or one) to stdout or a file."""
    try:
        period = parse_week(week)
        scope = operator_scope(school_slug)
    except ExportInputError as error:
        raise click.BadParameter(str(error), param_hint="--week") from None
    except UnknownSchool:
        raise click.BadParameter(
            f"no school with the slug {school_slug!r}.", param_hint="--school"
        ) from None
    chunks = visits_csv(scope, period)
    if output is None:
        stdout = sys.stdout.buffer
        for chunk in chunks:
            stdout.write(chunk)
        stdout.flush()
        return
    # Written aside and moved into place, so a failed export never leaves half a file.
    partial = f"{output}.part"
    with open(partial, "wb") as file:
        for chunk in chunks:
            file.write(chunk)
    os.replace(partial, output)
    click.echo(f"Wrote {output}", err=True)
