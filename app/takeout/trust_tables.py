"""Which rows of each table belong to a trust, for its archive.

Every table of the database is either listed in TRUST_ROWS (with the rows of one trust) or
in LEFT_OUT (with the reason); a test fails when a new table is in neither, so a feature
that adds a table decides whether a trust takes its rows along.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from app.cycles.models import CoachingCycle, GrowMemberStep, GrowWriteUp
from app.expected_photos import ExpectedPhoto
from app.extensions import db
from app.models import (
    ActionStep,
    AuditEvent,
    CoachingPair,
    LibraryStep,
    Membership,
    Photo,
    School,
    StepComment,
    StepView,
    Trust,
    TrustRole,
    User,
    Visit,
)
from app.notify.models import EmailOptOut, SentEmail
from app.selfaudit_models import SchoolTerm, SelfAudit
from app.sso.models import SsoConnection, SsoIdentity
from app.steps.models import PracticeEntry

#: Tables a trust's archive does not hold, and why.
LEFT_OUT = {
    "user_session": "sign-ins belong to this server; people sign in again after a move",
    "login_failure": "a short-lived guard against password guessing",
    "data_export": "downloads prepared on this server",
    "alembic_version": "the schema version, made by `flask db upgrade`",
}
#: Columns an archive leaves empty: secrets of this server, not the trust's data. A
#: restored trust's people set a password from a reset link (or sign in with the trust's
#: identity provider, whose client secret its admin enters again).
LEFT_OUT_COLUMNS = {
    "user": {"password_hash", "password_changed_at"},
    "sso_connection": {"client_secret_encrypted"},
}


def _school_ids(trust_id: int) -> sa.Select:
    return sa.select(School.id).where(School.trust_id == trust_id)


def _visit_ids(trust_id: int) -> sa.Select:
    return sa.select(Visit.id).where(Visit.school_id.in_(_school_ids(trust_id)))


def _step_ids(trust_id: int) -> sa.Select:
    return sa.select(ActionStep.id).where(ActionStep.school_id.in_(_school_ids(trust_id)))


def people_ids(trust_id: int) -> sa.CompoundSelect:
    """Everyone the trust's rows name: staff with a role there, and anyone who wrote,
    received, commented on or administered something of it (a person who left keeps
    their name on the visits they wrote)."""
    schools = _school_ids(trust_id)
    in_trust_visits = Visit.school_id.in_(schools)
    in_trust_pairs = CoachingPair.school_id.in_(schools)
    return sa.union(
        sa.select(Membership.user_id).where(Membership.school_id.in_(schools)),
        sa.select(TrustRole.user_id).where(TrustRole.trust_id == trust_id),
        sa.select(Visit.coach_id).where(in_trust_visits),
        sa.select(Visit.teacher_id).where(in_trust_visits),
        sa.select(ActionStep.teacher_id).where(ActionStep.school_id.in_(schools)),
        sa.select(CoachingPair.coach_id).where(in_trust_pairs),
        sa.select(CoachingPair.teacher_id).where(in_trust_pairs),
        sa.select(StepComment.author_id).where(StepComment.step_id.in_(_step_ids(trust_id))),
        sa.select(PracticeEntry.author_id).where(PracticeEntry.step_id.in_(_step_ids(trust_id))),
        sa.select(SelfAudit.teacher_id).where(SelfAudit.school_id.in_(schools)),
        sa.select(AuditEvent.actor_id).where(
            AuditEvent.trust_id == trust_id, AuditEvent.actor_id.is_not(None)
        ),
    )


def _people(trust_id: int) -> sa.Select:
    return sa.select(people_ids(trust_id).subquery().c[0])


def _of_trust(table_name: str) -> Callable[[int], sa.ColumnElement[bool]]:
    """Rows of a table keyed by trust_id, looked up when used: a feature's table may be
    registered here before its model is merged (it is archived once it exists)."""
    return lambda trust_id: db.metadata.tables[table_name].c.trust_id == trust_id


#: table name -> WHERE clause selecting one trust's rows of it.
TRUST_ROWS: dict[str, Callable[[int], sa.ColumnElement[bool]]] = {
    "trust": lambda trust_id: Trust.id == trust_id,
    "school": lambda trust_id: School.trust_id == trust_id,
    "user": lambda trust_id: User.id.in_(_people(trust_id)),
    "membership": lambda trust_id: Membership.school_id.in_(_school_ids(trust_id)),
    "trust_role": lambda trust_id: TrustRole.trust_id == trust_id,
    "coaching_pair": lambda trust_id: CoachingPair.school_id.in_(_school_ids(trust_id)),
    "library_step": lambda trust_id: LibraryStep.trust_id == trust_id,
    "action_step": lambda trust_id: ActionStep.school_id.in_(_school_ids(trust_id)),
    "visit": lambda trust_id: Visit.school_id.in_(_school_ids(trust_id)),
    "photo": lambda trust_id: Photo.visit_id.in_(_visit_ids(trust_id)),
    "expected_photo": lambda trust_id: ExpectedPhoto.visit_id.in_(_visit_ids(trust_id)),
    "step_comment": lambda trust_id: StepComment.step_id.in_(_step_ids(trust_id)),
    "practice_entry": lambda trust_id: PracticeEntry.step_id.in_(_step_ids(trust_id)),
    "step_view": lambda trust_id: sa.and_(
        StepView.step_id.in_(_step_ids(trust_id)), StepView.user_id.in_(_people(trust_id))
    ),
    "audit_event": lambda trust_id: AuditEvent.trust_id == trust_id,
    "sso_connection": lambda trust_id: SsoConnection.trust_id == trust_id,
    "sso_identity": lambda trust_id: SsoIdentity.user_id.in_(_people(trust_id)),
    "email_opt_out": lambda trust_id: EmailOptOut.user_id.in_(_people(trust_id)),
    "sent_email": lambda trust_id: SentEmail.user_id.in_(_people(trust_id)),
    "self_audit": lambda trust_id: SelfAudit.school_id.in_(_school_ids(trust_id)),
    "school_term": lambda trust_id: SchoolTerm.school_id.in_(_school_ids(trust_id)),
    "coaching_cycle": lambda trust_id: CoachingCycle.school_id.in_(_school_ids(trust_id)),
    "grow_write_up": lambda trust_id: GrowWriteUp.school_id.in_(_school_ids(trust_id)),
    "grow_member_step": lambda trust_id: GrowMemberStep.write_up_id.in_(
        sa.select(GrowWriteUp.id).where(GrowWriteUp.school_id.in_(_school_ids(trust_id)))
    ),
    # The trust's retention periods (app/privacy, issue 19's other half).
    "trust_retention": _of_trust("trust_retention"),
}


def archived_tables(metadata: sa.MetaData) -> list[sa.Table]:
    """The archive's tables in an order that restores (every table after those it names)."""
    return [table for table in metadata.sorted_tables if table.name in TRUST_ROWS]


def archived_columns(table: sa.Table) -> list[sa.Column]:
    left_out = LEFT_OUT_COLUMNS.get(table.name, set())
    return [column for column in table.columns if column.name not in left_out]


def rows_of(table: sa.Table, trust_id: int) -> sa.Select:
    """One trust's rows of a table, in primary-key order (the same bytes each time)."""
    columns = archived_columns(table)
    return (
        sa.select(*columns)
        .where(TRUST_ROWS[table.name](trust_id))
        .order_by(*table.primary_key.columns)
    )
