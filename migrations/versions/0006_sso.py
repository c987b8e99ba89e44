"""single sign-on: identity providers per trust, provider accounts, password sign-in switch

Revision ID: 0005_sso
Revises: 0004_notify
Create Date: 2026-11-30 15:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sso"
down_revision = "0004_notify"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sso_connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret_env", sa.String(length=100), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("issuer_url", sa.String(length=300), nullable=False),
        sa.Column("tenant_ids", sa.JSON(), nullable=False),
        sa.Column("hosted_domains", sa.JSON(), nullable=False),
        sa.Column("email_domains", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "provider IN ('microsoft', 'google', 'oidc')", name=op.f("ck_sso_connection_provider")
        ),
        sa.ForeignKeyConstraint(
            ["trust_id"], ["trust.id"], name=op.f("fk_sso_connection_trust_id_trust")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_connection")),
        sa.UniqueConstraint("trust_id", "provider", name="uq_sso_connection_trust_id"),
    )
    with op.batch_alter_table("sso_connection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_connection_trust_id"), ["trust_id"])
    op.create_table(
        "sso_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_sso_identity_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identity")),
        sa.UniqueConstraint("issuer", "subject", name="uq_sso_identity_issuer"),
    )
    with op.batch_alter_table("sso_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_identity_user_id"), ["user_id"])
    # A plain ADD COLUMN (SQLite allows it with a default): batch mode would copy and drop
    # the trust table, which its schools' foreign keys refuse.
    op.add_column(
        "trust",
        sa.Column("password_sign_in", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade():
    op.drop_column("trust", "password_sign_in")
    with op.batch_alter_table("sso_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_identity_user_id"))
    op.drop_table("sso_identity")
    with op.batch_alter_table("sso_connection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_connection_trust_id"))
    op.drop_table("sso_connection")
