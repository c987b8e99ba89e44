"""How long a trust keeps what Dropin holds about its people (set by the trust's admin)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models import UTCDateTime, utcnow

#: What happens to visits and steps past their period.
VISIT_ACTIONS = ("delete", "anonymise")
#: (default, lowest, highest) of each period, checked by the admin's form.
PHOTO_MONTHS = (24, 1, 120)
VISIT_YEARS = (6, 1, 20)
AUDIT_YEARS = (6, 1, 20)
SIGN_IN_DAYS = (90, 1, 730)


class TrustRetention(db.Model):
    """A trust's retention periods. A trust without a row uses the defaults."""

    __tablename__ = "trust_retention"

    trust_id: Mapped[int] = mapped_column(sa.ForeignKey("trust.id"), primary_key=True)
    #: Photos go this many months after the visit they were taken in.
    photo_months: Mapped[int] = mapped_column(default=PHOTO_MONTHS[0])
    #: Visits, their steps, reflections and comments go (or lose their names) after this.
    visit_years: Mapped[int] = mapped_column(default=VISIT_YEARS[0])
    visit_action: Mapped[str] = mapped_column(sa.String(16), default="delete")
    #: The trust's audit trail keeps events this long.
    audit_years: Mapped[int] = mapped_column(default=AUDIT_YEARS[0])
    #: Signed-in devices (and failed sign-in attempts) are forgotten after this many days.
    sign_in_days: Mapped[int] = mapped_column(default=SIGN_IN_DAYS[0])
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("visit_action IN ('delete', 'anonymise')", name="visit_action"),
    )


def defaults(trust_id: int) -> TrustRetention:
    """The settings a trust has before its admin changes them (not added to the session)."""
    return TrustRetention(
        trust_id=trust_id,
        photo_months=PHOTO_MONTHS[0],
        visit_years=VISIT_YEARS[0],
        visit_action="delete",
        audit_years=AUDIT_YEARS[0],
        sign_in_days=SIGN_IN_DAYS[0],
    )


def retention_of(trust_id: int) -> TrustRetention:
    return db.session.get(TrustRetention, trust_id) or defaults(trust_id)
