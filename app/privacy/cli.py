"""`flask --app app apply-retention [--dry-run]`: run daily by cron."""

from __future__ import annotations

import click

from app.models import utcnow
from app.photos.storage import StorageUnavailable
from app.privacy import bp
from app.privacy.retention import KINDS, WORDS, apply_retention, forget_failed_sign_ins


@bp.cli.command("apply-retention")
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
def apply_retention_command(dry_run: bool) -> None:
    """Delete (or anonymise) what each trust's retention periods say is due, in batches.

    Safe to run again and on two servers at once; each trust's audit trail records the
    counts removed."""
    now = utcnow()
    try:
        outcomes = apply_retention(now, dry_run=dry_run)
        failed_sign_ins = forget_failed_sign_ins(now, dry_run=dry_run)
    except StorageUnavailable as error:
        raise click.ClickException(
            f"The photo store does not answer: {error}. Nothing more was removed; run it again."
        ) from None
    verb = "Would remove" if dry_run else "Removed"
    for outcome in outcomes:
        counts = outcome.counts
        anonymised = outcome.visit_action == "anonymise"
        click.echo(
            f"{outcome.trust.name}: {verb.lower()} "
            + ", ".join(f"{counts[kind]} {WORDS[kind]}" for kind in KINDS)
            + (" (old visits and steps lose their names)" if anonymised else "")
        )
    click.echo(f"{verb} {failed_sign_ins} failed sign-in attempts.")
