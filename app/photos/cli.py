"""`flask photos-check [--repair]` and `flask photos-migrate --to TARGET [--from SOURCE]`."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from app.photos import bp
from app.photos.storage import StorageUnavailable, photo_storage, storage_for
from app.photos.upkeep import check_photos, copy_photos, remove_strays


@bp.cli.command("photos-check")
@click.option("--repair", is_flag=True, help="Remove photo files that no photo row refers to.")
@click.option(
    "--min-age",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="With --repair, leave files younger than this many seconds (uploads in progress).",
)
def photos_check(repair: bool, min_age: int) -> None:
    """Report photo files without rows and photo rows without files.

    Exits 1 while a problem remains: a row without its file, or (without --repair) a file
    without a row."""
    storage = photo_storage()
    try:
        check = check_photos(storage)
        for stored in check.files_without_rows:
            click.echo(
                f"File without a row: {stored.key} (stored {stored.modified_at:%Y-%m-%d %H:%M})"
            )
        for missing in check.rows_without_files:
            click.echo(
                f"Row without a file: photo {missing.photo_id} of visit {missing.visit_id}: "
                f"{missing.kind} file {missing.key} is missing"
            )
        removed = 0
        if repair and check.files_without_rows:
            removed = remove_strays(storage, check.files_without_rows, timedelta(seconds=min_age))
    except StorageUnavailable as error:
        raise click.ClickException(f"The photo store does not answer: {error}") from None
    click.echo(
        f"Checked {check.rows} photos and {check.files} files in {storage.location}: "
        f"{len(check.files_without_rows)} files without rows, "
        f"{len(check.rows_without_files)} rows without files."
    )
    if repair:
        click.echo(f"Removed {removed} files without rows.")
    left = len(check.files_without_rows) - removed
    if check.rows_without_files or left:
        sys.exit(1)


@bp.cli.command("photos-migrate")
@click.option("--to", "target", required=True, help="s3://bucket/prefix or a folder.")
@click.option(
    "--from", "source", default=None, help="s3://bucket/prefix or a folder [the app's store]."
)
def photos_migrate(target: str, source: str | None) -> None:
    """Copy every photo to another store under the same keys, verifying each by SHA-256.

    Resumable: run it again and files already copied are skipped. The database is not
    changed; point PHOTO_STORAGE at the target afterwards."""
    from_store = storage_for(source) if source else photo_storage()
    to_store = storage_for(target)
    if to_store.location == from_store.location:
        raise click.BadParameter(
            "the target is the store the photos are already in", param_hint="--to"
        )
    click.echo(f"Copying photos from {from_store.location} to {to_store.location}")
    try:
        result = copy_photos(from_store, to_store, progress=lambda n: click.echo(f"  {n} files"))
    except StorageUnavailable as error:
        raise click.ClickException(
            f"A photo store does not answer: {error}. Run it again."
        ) from None
    click.echo(
        f"Copied {result.copied} files, {result.already_there} already there, "
        f"{len(result.missing)} missing from the source, {len(result.failed)} failed verification."
    )
    for key in result.missing:
        click.echo(f"Missing from the source: {key}")
    for key in result.failed:
        click.echo(f"Failed verification: {key}")
    if result.missing or result.failed:
        sys.exit(1)
