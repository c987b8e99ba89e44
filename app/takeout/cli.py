"""`flask build-exports`, `flask export-trust --trust NAME_OR_ID --output FILE` and
`flask import-trust ARCHIVE`: the operator's side of take-out."""

from __future__ import annotations

import os

import click
import sqlalchemy as sa

from app.extensions import db
from app.models import Trust
from app.takeout import bp
from app.takeout.jobs import build_waiting, remove_expired
from app.takeout.trust_archive import write_trust_archive
from app.takeout.trust_restore import ArchiveRefused, import_trust_archive


@bp.cli.command("build-exports")
def build_exports_command() -> None:
    """Build every download people asked for that is not built yet, and delete the files
    of those whose link has run out (run it from cron every few minutes)."""
    built = build_waiting()
    ready = sum(1 for export in built if export.status == "ready")
    removed = remove_expired()
    click.echo(f"Built {ready} exports ({len(built) - ready} failed); removed {removed} expired.")


def _trust(name_or_id: str) -> Trust:
    query = sa.select(Trust).where(Trust.name == name_or_id)
    if name_or_id.isdigit():
        query = sa.select(Trust).where(
            sa.or_(Trust.id == int(name_or_id), Trust.name == name_or_id)
        )
    trust = db.session.scalars(query).first()
    if trust is None:
        raise click.BadParameter(
            f"no trust named or numbered {name_or_id!r}.", param_hint="--trust"
        )
    return trust


@bp.cli.command("export-trust")
@click.option("--trust", "name_or_id", required=True, help="The trust's name or id.")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The zip to write.")
def export_trust_command(name_or_id: str, output: str) -> None:
    """Write a trust's whole data (every table as CSV, every photo) as a zip archive."""
    trust = _trust(name_or_id)
    partial = f"{output}.part"
    try:
        with open(partial, "wb") as file:
            manifest = write_trust_archive(trust, file)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    os.replace(partial, output)
    rows = sum(table["rows"] for table in manifest["tables"])
    click.echo(
        f"Wrote {output}: {rows} rows, {manifest['photo_files']} photo files"
        + (
            f", {len(manifest['missing_photo_files'])} missing"
            if manifest["missing_photo_files"]
            else ""
        )
        + "."
    )


@bp.cli.command("import-trust")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def import_trust_command(archive: str) -> None:
    """Restore a trust archive into an empty database (after `flask db upgrade`)."""
    try:
        restored = import_trust_archive(archive)
    except ArchiveRefused as error:
        raise click.ClickException(str(error)) from None
    rows = sum(restored["rows"].values())
    click.echo(f"Restored {restored['trust']}: {rows} rows, {restored['photo_files']} photo files.")
