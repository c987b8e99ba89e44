"""Where Dropin keeps personal data, in one place: for every column that refers to a
person (user.id), what erasing that person does with the row.

tests/test_privacy_registry.py walks db.metadata and fails for any foreign key to user.id
that is not listed here, so a new table cannot be forgotten by erasure. Register a new
column as DELETE (the row is the person's: it goes), SET_NULL (the row is someone else's
record and only loses its link) or VISIT_RECORD (visits and steps: deleted or kept without
the person's name, as the admin chooses; app/privacy/erasure.py handles these three by
hand, so a new VISIT_RECORD column needs code there too: a test says so).

Erasure deletes DELETE rows in the order listed, with one `DELETE … WHERE column = :id`
each: a table whose rows other rows point at (a cycle and its entries) needs those
children listed before it, or deleted with it (ON DELETE CASCADE).
"""

from __future__ import annotations

from dataclasses import dataclass

DELETE = "delete"
SET_NULL = "set_null"
VISIT_RECORD = "visit_record"


@dataclass(frozen=True)
class PersonalColumn:
    table: str
    column: str
    erasure: str
    #: In words, for the DPO (README) and the privacy page.
    what: str


#: Every column that refers to user.id, in the order erasure handles them (children first).
COLUMNS: tuple[PersonalColumn, ...] = (
    PersonalColumn("visit", "coach_id", VISIT_RECORD, "visits the person wrote as a coach"),
    PersonalColumn("visit", "teacher_id", VISIT_RECORD, "visits the person received"),
    PersonalColumn("action_step", "teacher_id", VISIT_RECORD, "the person's action steps"),
    PersonalColumn("step_comment", "author_id", DELETE, "comments the person wrote on steps"),
    PersonalColumn("practice_entry", "author_id", DELETE, "practice the person logged on steps"),
    PersonalColumn("step_view", "user_id", DELETE, "when the person last read a step"),
    PersonalColumn("self_audit", "teacher_id", DELETE, "the person's termly self-audits"),
    PersonalColumn(
        "grow_member_step", "member_id", DELETE, "the person's place in triad write-ups"
    ),
    # With their entries (ON DELETE CASCADE): the other members lose that write-up.
    PersonalColumn(
        "grow_write_up", "author_id", DELETE, "triad meeting write-ups the person wrote"
    ),
    PersonalColumn("coaching_pair", "coach_id", DELETE, "pairs where the person coaches"),
    PersonalColumn("coaching_pair", "teacher_id", DELETE, "pairs where the person is coached"),
    PersonalColumn("membership", "user_id", DELETE, "the person's roles in schools"),
    PersonalColumn("trust_role", "user_id", DELETE, "the person's roles in the trust"),
    PersonalColumn("user_session", "user_id", DELETE, "devices the person is signed in on"),
    PersonalColumn("sent_email", "user_id", DELETE, "emails sent to the person"),
    PersonalColumn("email_opt_out", "user_id", DELETE, "emails the person stopped"),
    PersonalColumn("sso_identity", "user_id", DELETE, "the person's provider account"),
    # Erasure first deletes their files (app.takeout.jobs.forget_exports_of), then rows.
    PersonalColumn("data_export", "user_id", DELETE, "downloads the person asked for"),
    PersonalColumn(
        "audit_event", "actor_id", SET_NULL, "changes the person made in administration"
    ),
)

#: Personal data held without a foreign key: erasure finds it by the person's email or
#: name (failed sign-in attempts by email; audit summaries and details that name them).
MENTIONS = (
    ("login_failure", "email", "failed sign-in attempts with the person's email"),
    ("audit_event", "summary, details", "audit entries naming the person (the name is removed)"),
)


def registered() -> set[tuple[str, str]]:
    return {(column.table, column.column) for column in COLUMNS}


def columns_with(erasure: str) -> list[PersonalColumn]:
    return [column for column in COLUMNS if column.erasure == erasure]
