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
from app.exports.services import UnknownCycle, operator_cycle_scope, operator_scope, visits_csv


@bp.cli.command("export-visits")
@click.option("--week", default=None, help="ISO week, e.g. 2026-W47.")
@click.option(
    "--cycle",
    "cycle_id",
    default=None,
    help="Instead of a week: a coaching cycle's number (it names its school).",
)
@click.option("--school", "school_slug", default=None, help="Only this school (its slug).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file instead of standard output.",
)
def export_visits_command(
    week: str | None, cycle_id: str | None, school_slug: str | None, output: str | None
) -> None:
    """Write the weekly visits CSV of every school (or one) to stdout or a file; or, with
    --cycle, the visits of one coaching cycle."""
    if week is None and cycle_id is None:
        raise click.UsageError("Missing option '--week' (or --cycle, a cycle's number).")
    if week is not None and cycle_id is not None:
        raise click.UsageError("Give --week or --cycle, not both.")
    try:
        if cycle_id is not None:
            scope, period = operator_cycle_scope(cycle_id, school_slug)
        else:
            period = parse_week(week)
            scope = operator_scope(school_slug)
    except ExportInputError as error:
        hint = {"cycle": "--cycle", "school": "--school"}.get(error.field or "", "--week")
        raise click.BadParameter(str(error), param_hint=hint) from None
    except UnknownCycle:
        raise click.BadParameter(f"no cycle numbered {cycle_id}.", param_hint="--cycle") from None
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
