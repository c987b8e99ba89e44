"""self-audits: a teacher's termly self-audit, a school's term dates, experience and phase

Revision ID: 0007_selfaudit
Revises: 0005_sso
Create Date: 2026-11-30 17:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_selfaudit"
down_revision = "0005_sso"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "self_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("term_starts_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("focus_area", sa.String(length=16), nullable=False),
        sa.Column("shared_with_coach", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_self_audit_school_id_school")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["user.id"], name=op.f("fk_self_audit_teacher_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_audit")),
        sa.UniqueConstraint("teacher_id", "school_id", "term", name="uq_self_audit_term"),
    )
    with op.batch_alter_table("self_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_audit_school_id"), ["school_id"])
        batch_op.create_index(batch_op.f("ix_self_audit_teacher_id"), ["teacher_id"])
    op.create_table(
        "school_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_school_term_in_order")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_school_term_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_term")),
    )
    with op.batch_alter_table("school_term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_term_school_id"), ["school_id"])
    # Plain ADD COLUMNs with a default: batch mode would copy and drop the user table,
    # which every other table's foreign keys refuse.
    op.add_column(
        "user", sa.Column("experience", sa.String(length=16), server_default="", nullable=False)
    )
    op.add_column("user", sa.Column("phase", sa.String(length=8), server_default="", nullable=False))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of "user" would fail the
    # foreign keys of every row that refers to a person.
    op.drop_column("user", "phase")
    op.drop_column("user", "experience")
    with op.batch_alter_table("school_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_term_school_id"))
    op.drop_table("school_term")
    with op.batch_alter_table("self_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_audit_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_self_audit_school_id"))
    op.drop_table("self_audit")
