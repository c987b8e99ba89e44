"""Who may change a person's account itself (part of the one rule; app/authz/__init__.py
holds the rest and was at its length limit)."""

from __future__ import annotations

import sqlalchemy as sa

from app.authz import administered_trust_ids
from app.extensions import db
from app.models import Membership, School, TrustRole, User


def may_change_account(admin: User, person: User) -> bool:
    """A sign-in link, a rename, a deactivation or any change to the account itself: only
    when every role the person holds (school or trust) is inside a trust the admin
    administers. Someone who also belongs to another trust keeps their account as it is;
    an admin may only give or take away roles in their own trust."""
    mine = administered_trust_ids(admin)
    school_role = sa.select(Membership.id).join(School).where(School.trust_id.not_in(mine))
    trust_role = sa.select(TrustRole.id).where(TrustRole.trust_id.not_in(mine))
    elsewhere = sa.union(
        school_role.where(Membership.user_id == person.id),
        trust_role.where(TrustRole.user_id == person.id),
    )
    return not db.session.scalar(sa.select(sa.exists(elsewhere)))
