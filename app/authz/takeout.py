"""Who may ask for and download prepared exports (part of the one rule; see
app/authz/__init__.py). A download is its owner's alone: anyone else, and the owner after
the link has run out, gets 404."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from app.authz import administered_trust_ids
from app.extensions import db
from app.models import TrustRole, User


def may_export_trust(user: User, trust_id: int) -> bool:
    """The whole trust's archive: its admins only."""
    mine = administered_trust_ids(user).where(TrustRole.trust_id == trust_id)
    return db.session.scalar(sa.select(sa.exists(mine)))


def may_download(user: User, export) -> bool:
    if export is None or export.user_id != user.id or export.status != "ready":
        return False
    if export.expires_at is None or export.expires_at <= datetime.now(UTC):
        return False
    # A trust's archive only while its owner still administers that trust.
    return export.kind == "person" or may_export_trust(user, export.trust_id)
