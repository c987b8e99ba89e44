"""`import-trust`: a trust archive (trust_archive.py) back into an empty database.

Rows keep their ids, so every reference inside the archive still holds; tables go in the
order their foreign keys need (a visit after the action step it names); PostgreSQL's id
sequences are moved past the restored ids afterwards, so new rows do not collide.
Everything is one transaction: a bad archive leaves the database as it was.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import sqlalchemy as sa

from app.extensions import db
from app.photos.storage import check_key, photo_storage
from app.takeout.cells import from_cell
from app.takeout.trust_archive import FORMAT, FORMAT_VERSION, photo_path, table_path
from app.takeout.trust_tables import archived_tables

BATCH = 500


class ArchiveRefused(Exception):
    """The archive cannot be restored here; the message says why."""


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise ArchiveRefused("this is not a Dropin trust archive (no manifest.json)") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveRefused(
            f"this archive's format ({manifest.get('format')} "
            f"{manifest.get('format_version')}) is not one this Dropin reads"
        )
    return manifest


def _refuse_unless_empty(tables: list[sa.Table]) -> None:
    for table in tables:
        if db.session.scalar(sa.select(sa.exists().select_from(table))):
            raise ArchiveRefused(
                f"the database already holds data (table {table.name}): "
                "restore into an empty database, after `flask db upgrade`"
            )


def _rows(archive: zipfile.ZipFile, table: sa.Table):
    with archive.open(table_path(table.name)) as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        header = next(reader)
        unknown = set(header) - set(table.columns.keys())
        if unknown:
            raise ArchiveRefused(f"{table.name}: unknown columns {sorted(unknown)}")
        columns = [table.columns[name] for name in header]
        for line, cells in enumerate(reader, start=2):
            try:
                yield {
                    column.name: from_cell(column, cell)
                    for column, cell in zip(columns, cells, strict=True)
                }
            except ValueError as error:
                raise ArchiveRefused(f"{table_path(table.name)} line {line}: {error}") from None


def _insert_table(archive: zipfile.ZipFile, table: sa.Table) -> int:
    if table_path(table.name) not in archive.namelist():
        return 0
    batch, count = [], 0
    for row in _rows(archive, table):
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(table.insert(), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(table.insert(), batch)
        count += len(batch)
    return count


def _restore_photos(archive: zipfile.ZipFile) -> int:
    storage, count = photo_storage(), 0
    for name in archive.namelist():
        if not name.startswith(photo_path("")):
            continue
        key = name[len(photo_path("")) :]
        try:
            check_key(key)
        except ValueError:
            raise ArchiveRefused(f"{name} is not a photo file name") from None
        storage.write(key, archive.read(name))
        count += 1
    return count


def reset_sequences(tables: list[sa.Table]) -> None:
    """PostgreSQL: each integer id sequence continues after the highest restored id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer) or not column.autoincrement:
                continue
            quoted = db.session.get_bind().dialect.identifier_preparer.quote(table.name)
            highest = sa.func.max(column)
            sequence = sa.func.pg_get_serial_sequence(quoted, column.name)
            db.session.execute(
                sa.select(
                    sa.func.setval(sequence, sa.func.coalesce(highest, 1), highest.is_not(None))
                )
            )


def import_trust_archive(path) -> dict:
    """Restore the archive at `path`; return what was restored. Commits."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRefused(f"{path} is not a readable zip archive: {error}") from None
    with archive:
        manifest = _manifest(archive)
        tables = archived_tables(db.metadata)
        _refuse_unless_empty(tables)
        try:
            rows = {table.name: _insert_table(archive, table) for table in tables}
            reset_sequences(tables)
            photos = _restore_photos(archive)
            db.session.commit()
        except sa.exc.IntegrityError as error:
            db.session.rollback()
            raise ArchiveRefused(f"the archive's rows do not fit together: {error.orig}") from None
        except Exception:
            db.session.rollback()
            raise
    return {"trust": manifest["trust_name"], "rows": rows, "photo_files": photos}
