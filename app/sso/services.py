"""Who may sign in through a trust's identity provider, and the trust's sign-in options.

Only a person who already has an active account with a role in that trust gets in, found
by the provider account they used before, else by a verified email address; never
self-registration."""

from __future__ import annotations

import sqlalchemy as sa

from app import authz
from app.extensions import db
from app.models import Membership, School, Trust, TrustRole, User, utcnow
from app.sso.models import LABELS, SsoConnection, SsoIdentity


class SignInRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def offered_connections() -> list[SsoConnection]:
    """The buttons on the sign-in page: every enabled connection, by trust then kind."""
    query = (
        sa.select(SsoConnection)
        .join(Trust, Trust.id == SsoConnection.trust_id)
        .where(SsoConnection.enabled.is_(True))
        .order_by(Trust.name, SsoConnection.provider)
    )
    return list(db.session.scalars(query))


def offered_connection(connection_id: int | None) -> SsoConnection | None:
    if connection_id is None:
        return None
    connection = db.session.get(SsoConnection, connection_id)
    return connection if connection is not None and connection.enabled else None


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _is_true(value) -> bool:
    return value is True or value == "true"


def _lower(values) -> set[str]:
    return {str(value).strip().lower() for value in values or ()}


def verified_address(connection: SsoConnection, claims: dict) -> str:
    """The email address the provider vouches for, once the trust's rules allow it.

    Microsoft: the token's tenant must be one the trust allowed; the address is `email`
    when the token says it is verified, else the sign-in name (UPN), which Entra ID only
    issues in the tenant's own verified domains. Google: the Workspace domain (hd) must be
    allowed and `email_verified` true. Others: `email_verified` true."""
    label, trust = LABELS[connection.provider], connection.trust.name
    if connection.provider == "microsoft":
        if str(claims.get("tid", "")).lower() not in _lower(connection.tenant_ids):
            raise SignInRefused(
                f"That Microsoft account belongs to an organisation {trust} has not "
                "allowed to sign in to Dropin. Sign in with your school account."
            )
        verified = _is_true(claims.get("email_verified")) or _is_true(claims.get("xms_edov"))
        address = claims.get("email") if verified else claims.get("preferred_username")
    else:
        if connection.provider == "google" and (
            str(claims.get("hd", "")).lower() not in _lower(connection.hosted_domains)
        ):
            raise SignInRefused(
                f"That Google account is not one of {trust}'s Google Workspace accounts. "
                "Sign in with your school account."
            )
        if not _is_true(claims.get("email_verified")):
            raise SignInRefused(
                f"{label.capitalize()} has not verified that account's email address, "
                "so it cannot be used to sign in to Dropin."
            )
        address = claims.get("email")
    address = str(address or "").strip().lower()
    if "@" not in address:
        raise SignInRefused(f"{label.capitalize()} did not tell us your email address.")
    if connection.email_domains and _domain(address) not in _lower(connection.email_domains):
        allowed = ", ".join(sorted(_lower(connection.email_domains)))
        raise SignInRefused(
            f"{address} is not an address {trust} allows ({allowed}). "
            "Sign in with your school account."
        )
    return address


def account_for(connection: SsoConnection, claims: dict) -> User:
    """The Dropin account this provider account opens, remembering the provider account
    at its first sign-in; SignInRefused with a message for the person otherwise."""
    address = verified_address(connection, claims)
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    identity = db.session.scalar(
        sa.select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)
    )
    user = identity.user if identity else _account_with_email(address)
    trust = connection.trust
    if user is None or authz.administered_person(trust, user.id) is None:
        raise SignInRefused(
            f"There is no Dropin account for {address} in {trust.name}. "
            "Ask your Dropin administrator to add you."
        )
    if not user.active:
        raise SignInRefused(
            f"The Dropin account for {user.email} is switched off. "
            "Ask your Dropin administrator if you need it again."
        )
    if identity is None:
        _remember_identity(connection, user, issuer, subject)
    else:
        identity.last_sign_in_at = utcnow()
    db.session.flush()
    return user


def _remember_identity(connection: SsoConnection, user: User, issuer: str, subject: str) -> None:
    linked_elsewhere = db.session.scalar(
        sa.select(SsoIdentity.id).where(
            SsoIdentity.user_id == user.id,
            SsoIdentity.issuer == issuer,
            SsoIdentity.subject != subject,
        )
    )
    if linked_elsewhere is not None:
        # The address moved to another provider account: never hand the account over.
        raise SignInRefused(
            f"The Dropin account for {user.email} is linked to a different "
            f"{LABELS[connection.provider]} account. Ask your Dropin administrator."
        )
    db.session.add(SsoIdentity(user_id=user.id, issuer=issuer, subject=subject))


def password_sign_in_allowed(user: User) -> bool:
    """Password sign-in is off for a person only when every trust they belong to has
    switched it off, and never for an admin, so no trust can lock itself out."""
    is_admin = sa.select(TrustRole.id).where(
        TrustRole.user_id == user.id, TrustRole.role == "admin"
    )
    if db.session.scalar(is_admin.limit(1)) is not None:
        return True
    trust_ids = list(db.session.scalars(_trust_ids_of(user)))
    if not trust_ids:
        return True
    allowing = sa.select(Trust.id).where(Trust.id.in_(trust_ids), Trust.password_sign_in)
    return db.session.scalar(allowing.limit(1)) is not None


def _account_with_email(address: str) -> User | None:
    """Emails are stored lower-cased, and the address arrives lower-cased."""
    return db.session.scalar(sa.select(User).where(User.email == address))


def _trust_ids_of(user: User) -> sa.Select:
    in_school = sa.select(School.trust_id).join(Membership).where(Membership.user_id == user.id)
    in_trust = sa.select(TrustRole.trust_id).where(TrustRole.user_id == user.id)
    return sa.union(in_school, in_trust)
