"""coaching cycles per school; GROW write-ups of triad meetings with each member's step

Revision ID: 0007_cycles
Revises: 0007_dporetain
Create Date: 2026-11-30 17:30:22.964295

"""

from alembic import op
import sqlalchemy as sa


revision = "0007_cycles"
down_revision = "0007_dporetain"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coaching_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_coaching_cycle_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_coaching_cycle_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_cycle")),
        sa.UniqueConstraint("school_id", "name", name="uq_coaching_cycle_school_name"),
    )
    with op.batch_alter_table("coaching_cycle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coaching_cycle_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "grow_write_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("triad_key", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("reality", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("way_forward", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_grow_write_up_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_grow_write_up_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grow_write_up")),
    )
    with op.batch_alter_table("grow_write_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grow_write_up_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grow_write_up_triad_key"), ["triad_key"], unique=False)

    op.create_table(
        "grow_member_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("write_up_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("action_step_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_step_id"],
            ["action_step.id"],
            name=op.f("fk_grow_member_step_action_step_id_action_step"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["user.id"], name=op.f("fk_grow_member_step_member_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["write_up_id"],
            ["grow_write_up.id"],
            name=op.f("fk_grow_member_step_write_up_id_grow_write_up"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grow_member_step")),
        sa.UniqueConstraint("write_up_id", "member_id", name="uq_grow_member_step_member"),
    )
    with op.batch_alter_table("grow_member_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grow_member_step_write_up_id"), ["write_up_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("grow_member_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grow_member_step_write_up_id"))

    op.drop_table("grow_member_step")
    with op.batch_alter_table("grow_write_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grow_write_up_triad_key"))
        batch_op.drop_index(batch_op.f("ix_grow_write_up_school_id"))

    op.drop_table("grow_write_up")
    with op.batch_alter_table("coaching_cycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_cycle_school_id"))

    op.drop_table("coaching_cycle")
