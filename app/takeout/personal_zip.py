"""A person's own zip: each section (personal.py) as JSON and as CSV, and their photos."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from app.extensions import db
from app.models import User
from app.photos.storage import photo_storage
from app.takeout.cells import escape_text, json_value
from app.takeout.personal import SECTIONS, photos_of

README = """Your data in Dropin

Everything Dropin holds about you, prepared {prepared} for {email}.

- json/ and csv/ hold the same sections: your account, your roles, your coaching pairs,
  the visits you received as a teacher and wrote as a coach, your action steps (with
  your reflections), the steps you set as a coach (their teachers' reflections are
  theirs, not yours), comments on steps, your own self-audits, the accounts you sign in
  with, and the emails Dropin sent you.
- photos/ holds the photos of pupils' work from those visits, one folder per visit.
- CSV cells that a spreadsheet would run as a formula start with an apostrophe.
"""


def _csv_cell(value) -> str:
    value = json_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return escape_text(value) if isinstance(value, str) else str(value)


def _write_section(archive: zipfile.ZipFile, name: str, rows: list[dict]) -> None:
    plain = [{key: json_value(value) for key, value in row.items()} for row in rows]
    archive.writestr(f"json/{name}.json", json.dumps(plain, indent=2, ensure_ascii=False))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    columns = list(rows[0]) if rows else []
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in columns])
    archive.writestr(f"csv/{name}.csv", "\ufeff" + text.getvalue())


def write_personal_zip(person: User, file, prepared: str) -> dict:
    """Write the person's zip into an open binary file; return how much went in."""
    counts = {}
    storage = photo_storage()
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(prepared=prepared, email=person.email))
        for section in SECTIONS:
            rows = list(section.rows(person))
            _write_section(archive, section.name, rows)
            counts[section.name] = len(rows)
        photos = 0
        for photo in db.session.scalars(photos_of(person)):
            try:
                data = storage.read(photo.storage_key)
            except FileNotFoundError:
                continue
            name = f"photos/{photo.visit_id}/{photo.id}.jpg"
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
            photos += 1
        counts["photos"] = photos
    return counts
