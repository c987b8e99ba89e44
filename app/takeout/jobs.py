"""Preparing downloads: asking for one, building it, and throwing expired ones away.

Why a table plus a thread: asking commits a `data_export` row, then a thread started after
the request builds it at once (a person's data is small; so is most trusts'). The row is
the job: a builder claims it with one UPDATE … WHERE status = 'pending' (or a claim that
ran out), so the thread and `flask build-exports` (cron or a worker) never build one twice,
and a build lost with its process (a worker restarted) is picked up by the next
`build-exports` once its claim runs out. Big trusts are exported with `export-trust`
outside any web process.
"""

from __future__ import annotations

import os
import secrets
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db
from app.localtime import local_time
from app.models import Trust, User
from app.takeout.models import DataExport
from app.takeout.personal_zip import write_personal_zip
from app.takeout.trust_archive import write_trust_archive

#: How long a builder holds an export before another may take it over.
CLAIM = timedelta(minutes=30)
#: Exports that are still being prepared, shown as such.
WAITING = ("pending", "building")


def now() -> datetime:
    return datetime.now(UTC)


def takeout_dir() -> Path:
    folder = Path(current_app.config["TAKEOUT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def link_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["TAKEOUT_LINK_HOURS"])


def request_export(user: User, trust: Trust | None = None) -> DataExport:
    """A new export for `user` (of their own data, or of `trust`), or the one already on
    its way. Flushes."""
    kind = "trust" if trust is not None else "person"
    same_trust = DataExport.trust_id == trust.id if trust else DataExport.trust_id.is_(None)
    waiting = db.session.scalar(
        sa.select(DataExport).where(
            DataExport.user_id == user.id,
            DataExport.kind == kind,
            same_trust,
            DataExport.status.in_(WAITING),
        )
    )
    if waiting is not None:
        return waiting
    export = DataExport(user_id=user.id, kind=kind, trust_id=trust.id if trust else None)
    db.session.add(export)
    db.session.flush()
    return export


def claim(export_id: int) -> bool:
    """Take the export for building; False when another builder has it (commits)."""
    moment = now()
    claimed = db.session.execute(
        sa.update(DataExport)
        .where(
            DataExport.id == export_id,
            sa.or_(
                DataExport.status == "pending",
                sa.and_(DataExport.status == "building", DataExport.claimed_until < moment),
            ),
        )
        .values(status="building", claimed_until=moment + CLAIM)
    )
    db.session.commit()
    return claimed.rowcount == 1


def _write(export: DataExport, file) -> None:
    if export.kind == "trust":
        write_trust_archive(export.trust, file)
    else:
        prepared = local_time(now(), "Europe/London").strftime("%d %B %Y at %H:%M")
        write_personal_zip(export.user, file, prepared)


def build(export_id: int) -> DataExport:
    """Build a claimed export into TAKEOUT_DIR; it is ready or failed afterwards (commits)."""
    export = db.session.get(DataExport, export_id)
    name = f"{secrets.token_urlsafe(24)}.zip"
    target = takeout_dir() / name
    partial = target.with_name(name + ".part")
    try:
        with open(partial, "wb") as file:
            _write(export, file)
        os.replace(partial, target)
    except Exception as error:  # noqa: BLE001  (any failure is the export's, reported)
        db.session.rollback()
        partial.unlink(missing_ok=True)
        export = db.session.get(DataExport, export_id)
        export.status, export.error = "failed", str(error)[:500] or type(error).__name__
        current_app.logger.exception("export %s failed", export_id)
        db.session.commit()
        return export
    export.status, export.file_name, export.bytes = "ready", name, target.stat().st_size
    export.ready_at = now()
    export.expires_at = export.ready_at + link_lifetime()
    db.session.commit()
    return export


def build_waiting() -> list[DataExport]:
    """Build every export nobody is building (`flask build-exports`)."""
    ids = db.session.scalars(
        sa.select(DataExport.id)
        .where(DataExport.status.in_(WAITING))
        .order_by(DataExport.created_at, DataExport.id)
    ).all()
    return [build(export_id) for export_id in ids if claim(export_id)]


def remove_expired() -> int:
    """Delete the files of exports whose link has run out, and builds left half-written."""
    moment = now()
    expired = db.session.scalars(
        sa.select(DataExport).where(DataExport.status == "ready", DataExport.expires_at <= moment)
    ).all()
    folder = takeout_dir()
    for export in expired:
        (folder / export.file_name).unlink(missing_ok=True)
        export.status, export.file_name = "expired", ""
    db.session.commit()
    _remove_strays(folder, moment)
    return len(expired)


def _remove_strays(folder: Path, moment: datetime) -> None:
    """Files no ready export names (a build that died half-way, an export row deleted
    with its person) go once they are older than a claim: never a build in progress."""
    ready = set(
        db.session.scalars(sa.select(DataExport.file_name).where(DataExport.status == "ready"))
    )
    for path in folder.iterdir():
        if not path.is_file() or path.name in ready:
            continue
        age = moment - datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if age > CLAIM:
            path.unlink(missing_ok=True)


def forget_exports_of(user_id: int) -> int:
    """Delete every export a person asked for, files and rows (erasing a person). Flushes."""
    exports = db.session.scalars(sa.select(DataExport).where(DataExport.user_id == user_id)).all()
    folder = Path(current_app.config["TAKEOUT_DIR"])
    for export in exports:
        if export.file_name:
            (folder / export.file_name).unlink(missing_ok=True)
        db.session.delete(export)
    db.session.flush()
    return len(exports)


def file_of(export: DataExport) -> Path:
    return takeout_dir() / export.file_name


def start_building(app: Flask, export_id: int) -> threading.Thread | None:
    """Build the export in a thread of this process (after the request's commit)."""
    if not app.config["TAKEOUT_BUILD_IN_THREAD"]:
        return None

    def run() -> None:
        with app.app_context():
            try:
                if claim(export_id):
                    build(export_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"export-{export_id}", daemon=True)
    thread.start()
    app.extensions.setdefault("takeout_threads", []).append(thread)
    return thread
