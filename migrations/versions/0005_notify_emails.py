"""Emails recorded before they are sent, opt-outs, step views ("new" markers), and each
school's reminder delay (school days before an unacknowledged step is reminded).

Revision ID: 0004_notify
Revises: 0003_security
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004_notify"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_email_opt_out_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_opt_out")),
        sa.UniqueConstraint("user_id", "kind", name="uq_email_opt_out_user_kind"),
    )
    with op.batch_alter_table("email_opt_out", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_opt_out_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sent_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('new_step', 'step_reminder', 'coach_weekly', 'lead_weekly')",
            name=op.f("ck_sent_email_kind"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_sent_email_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_email")),
        sa.UniqueConstraint("key", name=op.f("uq_sent_email_key")),
    )
    with op.batch_alter_table("sent_email", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sent_email_finished_at"), ["finished_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sent_email_user_id"), ["user_id"], unique=False)

    op.create_table(
        "step_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["step_id"], ["action_step.id"], name=op.f("fk_step_view_step_id_action_step")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_step_view_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_view")),
        sa.UniqueConstraint("user_id", "step_id", name="uq_step_view_user_step"),
    )
    with op.batch_alter_table("step_view", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_view_step_id"), ["step_id"], unique=False)

    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_after_days", sa.Integer(), server_default="3", nullable=False)
        )


def downgrade():
    # Plain ALTER TABLE (SQLite 3.35+, PostgreSQL): a batch rebuild of "school" would fail
    # on SQLite while other tables' foreign keys point at it.
    op.execute("ALTER TABLE school DROP COLUMN reminder_after_days")

    with op.batch_alter_table("step_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_view_step_id"))

    op.drop_table("step_view")
    with op.batch_alter_table("sent_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_email_user_id"))
        batch_op.drop_index(batch_op.f("ix_sent_email_finished_at"))

    op.drop_table("sent_email")
    with op.batch_alter_table("email_opt_out", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_opt_out_user_id"))

    op.drop_table("email_opt_out")
