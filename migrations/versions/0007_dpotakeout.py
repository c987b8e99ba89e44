"""take-out: downloads of a person's own data and of a whole trust

Revision ID: 0007_dpotakeout
Revises: 0007_selfaudit
Create Date: 2026-11-30 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_dpotakeout"
down_revision = "0007_selfaudit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trust_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_name", sa.String(length=80), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('person', 'trust')", name=op.f("ck_data_export_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'building', 'ready', 'failed', 'expired')",
            name=op.f("ck_data_export_status"),
        ),
        sa.ForeignKeyConstraint(
            ["trust_id"], ["trust.id"], name=op.f("fk_data_export_trust_id_trust")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_data_export_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_export")),
    )
    with op.batch_alter_table("data_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_export_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_data_export_expires_at"), ["expires_at"])
        batch_op.create_index(batch_op.f("ix_data_export_trust_id"), ["trust_id"])
        batch_op.create_index(batch_op.f("ix_data_export_user_id"), ["user_id"])


def downgrade():
    op.drop_table("data_export")
