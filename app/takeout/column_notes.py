"""What each column means, for the archive's README: the `#:` comments written above each
column in the models (the same notes developers read), found by reading the models' source."""

from __future__ import annotations

import inspect
import re
from functools import cache

from app.extensions import db

COLUMN_LINE = re.compile(r"^\s+(\w+): Mapped\[")
NOTE_LINE = re.compile(r"^\s+#: ?(.*)$")


def _notes_in(source: str) -> dict[str, str]:
    notes, pending = {}, []
    for line in source.splitlines():
        if note := NOTE_LINE.match(line):
            pending.append(note.group(1).strip())
            continue
        if column := COLUMN_LINE.match(line):
            if pending:
                notes[column.group(1)] = " ".join(pending)
        pending = []
    return notes


@cache
def column_notes() -> dict[str, dict[str, str]]:
    """table name -> column name -> note."""
    found: dict[str, dict[str, str]] = {}
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        try:
            source = inspect.getsource(model)
        except (OSError, TypeError):
            continue
        found[model.__table__.name] = _notes_in(source)
    return found


def table_note(table_name: str) -> str:
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__table__.name == table_name:
            return " ".join((mapper.class_.__doc__ or "").split())
    return ""
