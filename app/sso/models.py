"""Single sign-on set-up per trust, and the provider accounts people have signed in with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Trust, User, UTCDateTime, utcnow

PROVIDERS = ("microsoft", "google", "oidc")
#: How people see each provider in sentences.
LABELS = {"microsoft": "Microsoft", "google": "Google", "oidc": "your organisation"}


class SsoConnection(db.Model):
    """One identity provider a trust's staff may sign in with (at most one of each kind)."""

    __tablename__ = "sso_connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(sa.ForeignKey("trust.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(16))
    #: Offered on the sign-in page only while true.
    enabled: Mapped[bool] = mapped_column(default=True)
    client_id: Mapped[str] = mapped_column(sa.String(255))
    #: The environment variable holding the client secret (DROPIN_SSO_SECRET_…), or "".
    client_secret_env: Mapped[str] = mapped_column(sa.String(100), default="")
    #: The client secret encrypted with SSO_ENCRYPTION_KEY (Fernet), never in plain text.
    client_secret_encrypted: Mapped[str] = mapped_column(sa.Text, default="")
    #: Generic OpenID Connect only: the issuer whose discovery document we read.
    issuer_url: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Microsoft: Entra ID tenants (directory ids) allowed to sign in.
    tenant_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Google: Workspace domains (the ID token's "hd") allowed to sign in.
    hosted_domains: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Any provider: when set, only addresses in these domains may sign in.
    email_domains: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    trust: Mapped[Trust] = relationship()

    @property
    def button_label(self) -> str:
        return "your organisation's account" if self.provider == "oidc" else LABELS[self.provider]

    __table_args__ = (
        sa.UniqueConstraint("trust_id", "provider", name="uq_sso_connection_trust_id"),
        sa.CheckConstraint("provider IN ('microsoft', 'google', 'oidc')", name="provider"),
    )


class SsoIdentity(db.Model):
    """A provider account (issuer + subject) tied to a Dropin account at its first sign-in.
    Later sign-ins find the person by this, never again by email, so an address moved to
    someone else at the provider cannot open the account."""

    __tablename__ = "sso_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(300))
    subject: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="uq_sso_identity_issuer"),)
