"""retention periods per trust (data protection)

Revision ID: 0007_dporetain
Revises: 0007_dpotakeout
Create Date: 2026-11-30 17:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_dporetain"
down_revision = "0007_dpotakeout"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trust_retention",
        sa.Column("trust_id", sa.Integer(), nullable=False),
        sa.Column("photo_months", sa.Integer(), nullable=False),
        sa.Column("visit_years", sa.Integer(), nullable=False),
        sa.Column("visit_action", sa.String(length=16), nullable=False),
        sa.Column("audit_years", sa.Integer(), nullable=False),
        sa.Column("sign_in_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "visit_action IN ('delete', 'anonymise')",
            name=op.f("ck_trust_retention_visit_action"),
        ),
        sa.ForeignKeyConstraint(
            ["trust_id"], ["trust.id"], name=op.f("fk_trust_retention_trust_id_trust")
        ),
        sa.PrimaryKeyConstraint("trust_id", name=op.f("pk_trust_retention")),
    )


def downgrade():
    op.drop_table("trust_retention")
