"""deliberate practice: a practice plan on library steps and action steps; the practice log

Revision ID: 0007_practice
Revises: 0007_cycles
Create Date: 2026-11-30 17:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_practice"
down_revision = "0007_cycles"
branch_labels = None
depends_on = None

PLAN_COLUMNS = ("practice_rehearse", "practice_success")


def upgrade():
    # Plain ADD COLUMNs with a default (SQLite allows them): batch mode would copy and drop
    # tables that other tables' foreign keys point at.
    for table in ("library_step", "action_step"):
        for column in PLAN_COLUMNS:
            op.add_column(table, sa.Column(column, sa.Text(), server_default="", nullable=False))
    op.create_table(
        "practice_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("practised_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('rehearsal', 'lesson')", name=op.f("ck_practice_entry_kind")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_practice_entry_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["action_step.id"], name=op.f("fk_practice_entry_step_id_action_step")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_entry")),
    )
    with op.batch_alter_table("practice_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_entry_step_id"), ["step_id"])


def downgrade():
    with op.batch_alter_table("practice_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_entry_step_id"))
    op.drop_table("practice_entry")
    for table in ("action_step", "library_step"):
        for column in reversed(PLAN_COLUMNS):
            op.drop_column(table, column)
