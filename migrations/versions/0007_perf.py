"""expected photo ids: a table whose key refuses a second visit's claim to a photo id

Revision ID: 0007_perf
Revises: 0007_practice
Create Date: 2026-11-30 17:50:00

"""

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007_perf"
down_revision = "0007_practice"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    expected = op.create_table(
        "expected_photo",
        sa.Column("photo_id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
            name=op.f("fk_expected_photo_visit_id_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("photo_id", name=op.f("pk_expected_photo")),
    )
    op.create_index(op.f("ix_expected_photo_visit_id"), "expected_photo", ["visit_id"])
    _fill(expected)


def _fill(expected: sa.Table) -> None:
    """Every photo id the visits list, for the first visit that listed it (the rule the
    old check applied by scanning the lists)."""
    connection = op.get_bind()
    visits = connection.execute(
        sa.text(
            "SELECT id, expected_photo_ids FROM visit"
            " ORDER BY created_at, id"
        )
    )
    claimed: set[uuid.UUID] = set()
    rows: list[dict] = []
    for visit_id, listed in visits:
        for photo_id in _photo_ids(listed):
            if photo_id not in claimed:
                claimed.add(photo_id)
                rows.append({"photo_id": photo_id, "visit_id": _uuid(visit_id)})
    for start in range(0, len(rows), BATCH):
        connection.execute(expected.insert(), rows[start : start + BATCH])


def _photo_ids(listed) -> list[uuid.UUID]:
    if isinstance(listed, str):
        listed = json.loads(listed)
    ids = []
    for value in listed or []:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:  # never written by the API (it takes UUIDs only): skip
            continue
    return ids


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def downgrade():
    op.drop_index(op.f("ix_expected_photo_visit_id"), table_name="expected_photo")
    op.drop_table("expected_photo")
