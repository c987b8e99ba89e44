"""Database values to CSV cells and back, the same way for every table of an archive.

A cell is text: timestamps in ISO 8601 UTC with their offset, dates ISO, booleans
"true"/"false", JSON compact with sorted keys, UUIDs in their usual form. An empty cell is
NULL where the column allows NULL. A text cell that a spreadsheet would run as a formula
(by csv_writer.neutralise_formula's rule, as in the visits CSV: also after leading spaces
and in full width) gets a leading apostrophe, and so does one that already begins with an
apostrophe: reading takes exactly one back off, so nothing is lost on the way through.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from app.exports.csv_writer import neutralise_formula


def escape_text(text: str) -> str:
    return "'" + text if text.startswith("'") or neutralise_formula(text) != text else text


def unescape_text(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _kind(column: sa.Column) -> str:
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl
    for kind, types in (
        ("bool", sa.Boolean),
        ("datetime", sa.DateTime),
        ("date", sa.Date),
        ("int", sa.Integer),
        ("uuid", sa.Uuid),
        ("json", sa.JSON),
    ):
        if isinstance(column_type, types):
            return kind
    return "text"


def to_cell(column: sa.Column, value) -> str:
    if value is None:
        return ""
    kind = _kind(column)
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("datetime", "date"):
        return value.isoformat()
    if kind == "json":
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if kind == "text":
        return escape_text(str(value))
    return str(value)


def from_cell(column: sa.Column, cell: str):
    if cell == "" and column.nullable:
        return None
    kind = _kind(column)
    if kind == "bool":
        if cell not in ("true", "false"):
            raise ValueError(f"{column.name}: {cell!r} is not true or false")
        return cell == "true"
    if kind == "datetime":
        moment = datetime.fromisoformat(cell)
        if moment.tzinfo is None:
            raise ValueError(f"{column.name}: {cell!r} has no UTC offset")
        return moment
    if kind == "date":
        return date.fromisoformat(cell)
    if kind == "int":
        return int(cell)
    if kind == "uuid":
        return uuid.UUID(cell)
    if kind == "json":
        return json.loads(cell)
    return unescape_text(cell)


def json_value(value):
    """A value as JSON can hold it (the personal zip's JSON files)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def type_label(column: sa.Column) -> str:
    """How the README describes a column's cells."""
    return {
        "bool": "true or false",
        "datetime": "timestamp, ISO 8601 in UTC",
        "date": "date, ISO 8601",
        "int": "whole number",
        "uuid": "UUID",
        "json": "JSON",
        "text": "text",
    }[_kind(column)]
