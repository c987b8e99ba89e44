"""A trust's whole data as one zip: every table's rows of the trust as CSV, a README of
the columns, a manifest, and every photo file under its storage key.

Written straight into an open file, table by table and photo by photo, so a big trust
costs a file on disk, never its size in memory. `import-trust` (trust_restore.py) reads it
back into an empty database.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Photo, Trust
from app.photos.storage import photo_storage
from app.takeout.cells import to_cell, type_label
from app.takeout.column_notes import column_notes, table_note
from app.takeout.trust_tables import (
    LEFT_OUT,
    LEFT_OUT_COLUMNS,
    TRUST_ROWS,
    archived_columns,
    archived_tables,
    rows_of,
)

FORMAT = "dropin-trust-archive"
FORMAT_VERSION = 1
#: Rows read from the database at a time.
BATCH = 1000


def table_path(table_name: str) -> str:
    return f"tables/{table_name}.csv"


def photo_path(key: str) -> str:
    return f"photos/{key}"


def _write_table(archive: zipfile.ZipFile, table: sa.Table, trust_id: int) -> int:
    columns = archived_columns(table)
    entry = zipfile.ZipInfo(table_path(table.name), date_time=time.localtime()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(entry, "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([column.name for column in columns])
        count = 0
        result = db.session.execute(
            rows_of(table, trust_id), execution_options={"yield_per": BATCH}
        )
        for row in result:
            writer.writerow(
                [to_cell(column, value) for column, value in zip(columns, row, strict=True)]
            )
            count += 1
        out.flush()
        out.detach()
    return count


def _photo_keys(trust_id: int):
    query = (
        sa.select(Photo.storage_key, Photo.thumbnail_key)
        .where(TRUST_ROWS["photo"](trust_id))
        .order_by(Photo.id)
    )
    for display_key, thumbnail_key in db.session.execute(query):
        yield display_key
        yield thumbnail_key


def _write_photos(archive: zipfile.ZipFile, trust_id: int) -> tuple[int, list[str]]:
    """Every photo file of the trust (display and thumbnail), stored uncompressed: JPEG
    does not shrink. A file missing from the store is listed, not fatal."""
    storage, written, missing = photo_storage(), 0, []
    for key in list(_photo_keys(trust_id)):
        try:
            data = storage.read(key)
        except FileNotFoundError:
            missing.append(key)
            continue
        archive.writestr(photo_path(key), data, compress_type=zipfile.ZIP_STORED)
        written += 1
    return written, missing


def readme(trust: Trust) -> str:
    lines = [
        f"# Dropin archive of {trust.name}",
        "",
        "Everything Dropin holds for this trust: one CSV file per table in tables/ (UTF-8,",
        "comma-separated, one header line) and every photo in photos/, named by its storage",
        "key (photo.storage_key and photo.thumbnail_key). It restores into a fresh Dropin:",
        "",
        "    flask --app app db upgrade",
        "    flask --app app import-trust THIS_FILE.zip",
        "",
        "Cells: timestamps are ISO 8601 in UTC; an empty cell is empty (NULL) where the",
        "column allows it; a text cell beginning with = + - @ ' a tab or a carriage return",
        "has an apostrophe put in front, so a spreadsheet shows it instead of running it",
        "(import takes it off again). The files hold personal data about staff: keep them",
        "as safe as Dropin itself.",
        "",
        "Not in the archive: " + "; ".join(f"{name} ({why})" for name, why in LEFT_OUT.items()),
        "Columns left empty: "
        + "; ".join(f"{t}.{', '.join(sorted(c))}" for t, c in LEFT_OUT_COLUMNS.items())
        + " (server secrets: people set a password again from a reset link).",
        "",
    ]
    for table in archived_tables(db.metadata):
        notes = column_notes().get(table.name, {})
        lines += [f"## {table_path(table.name)}", ""]
        if description := table_note(table.name):
            lines += [description, ""]
        lines += [
            "| column | cells | empty allowed | refers to | meaning |",
            "|---|---|---|---|---|",
        ]
        for column in archived_columns(table):
            refers = ", ".join(sorted(fk.target_fullname for fk in column.foreign_keys))
            empty = "yes" if column.nullable else "no"
            note = notes.get(column.name, "").replace("|", "/")
            lines.append(f"| {column.name} | {type_label(column)} | {empty} | {refers} | {note} |")
        lines.append("")
    return "\n".join(lines)


def current_revision() -> str | None:
    if not sa.inspect(db.session.connection()).has_table("alembic_version"):
        return None
    return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))


def write_trust_archive(trust: Trust, file) -> dict:
    """Write the archive into an open binary file; return its manifest."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        counts = {
            table.name: _write_table(archive, table, trust.id)
            for table in archived_tables(db.metadata)
        }
        photo_files, missing = _write_photos(archive, trust.id)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "trust_id": trust.id,
            "trust_name": trust.name,
            "exported_at": datetime.now(UTC).isoformat(),
            "schema_revision": current_revision(),
            "tables": [{"name": name, "rows": rows} for name, rows in counts.items()],
            "photo_files": photo_files,
            "missing_photo_files": missing,
        }
        archive.writestr("README.md", readme(trust))
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest
