"""A step spans visits: one live step per teacher, closed as embedded or replaced; comments

Before: each visit owned its own action step (action_step.visit_id), so "keep practising"
made a second step with the same words. After: a visit points at its step
(visit.action_step_id); a step belongs to a teacher and may be revisited by later visits.

Existing data moves like this, per teacher in the order the steps were set:
- a step with exactly the same words as the step before it was the old "keep practising":
  it becomes a revisit of that earlier step (the merged step keeps the first
  acknowledgement, the latest reflection and the furthest status reached);
- every step but the latest that is still new or practising is closed as "replaced" on the
  date the next step was set; the latest stays live (so at most one live step each).

Revision ID: 0003
Revises: 0002_triad_key
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002_triad_key"
branch_labels = None
depends_on = None

LIVE = "status IN ('new', 'practising')"
OLD_STATUSES = "status IN ('new', 'practising', 'embedded')"
NEW_STATUSES = "status IN ('new', 'practising', 'embedded', 'replaced')"
PROGRESS = {"new": 0, "practising": 1, "embedded": 2, "replaced": 0}

visit = sa.table(
    "visit",
    sa.column("id", sa.Uuid),
    sa.column("teacher_id", sa.Integer),
    sa.column("school_id", sa.Integer),
    sa.column("started_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("action_step_id", sa.Integer),
)
step = sa.table(
    "action_step",
    sa.column("id", sa.Integer),
    sa.column("visit_id", sa.Uuid),
    sa.column("teacher_id", sa.Integer),
    sa.column("school_id", sa.Integer),
    sa.column("text", sa.String),
    sa.column("library_step_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("status_changed_at", sa.DateTime(timezone=True)),
    sa.column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.column("reflection", sa.Text),
    sa.column("reflected_at", sa.DateTime(timezone=True)),
    sa.column("set_at", sa.DateTime(timezone=True)),
    sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade():
    op.create_table(
        "step_comment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_step_comment_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["action_step.id"], name=op.f("fk_step_comment_step_id_action_step")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_comment")),
    )
    with op.batch_alter_table("step_comment") as batch_op:
        batch_op.create_index(batch_op.f("ix_step_comment_step_id"), ["step_id"], unique=False)

    with op.batch_alter_table("visit") as batch_op:
        batch_op.add_column(sa.Column("action_step_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("action_step") as batch_op:
        batch_op.add_column(sa.Column("teacher_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("set_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f("ck_action_step_status"), type_="check")
        batch_op.create_check_constraint("status", NEW_STATUSES)

    move_steps_onto_visits(op.get_bind())

    with op.batch_alter_table("action_step") as batch_op:
        batch_op.drop_constraint(op.f("uq_action_step_visit_id"), type_="unique")
        batch_op.drop_constraint(op.f("fk_action_step_visit_id_visit"), type_="foreignkey")
        batch_op.drop_column("visit_id")
        for name in ("teacher_id", "school_id", "set_at", "created_at"):
            batch_op.alter_column(name, existing_type=_type_of(name), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_action_step_teacher_id_user"), "user", ["teacher_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_action_step_school_id_school"), "school", ["school_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_action_step_teacher_id"), ["teacher_id"])
        batch_op.create_index(batch_op.f("ix_action_step_school_id"), ["school_id"])
        batch_op.create_index(
            "uq_action_step_live_teacher",
            ["teacher_id"],
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )
    with op.batch_alter_table("visit") as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_visit_action_step_id_action_step"),
            "action_step",
            ["action_step_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_visit_action_step_id"), ["action_step_id"])


def _type_of(name):
    return sa.Integer() if name.endswith("_id") else sa.DateTime(timezone=True)


def move_steps_onto_visits(connection):
    rows = connection.execute(
        sa.select(
            step,
            visit.c.teacher_id.label("visit_teacher_id"),
            visit.c.school_id.label("visit_school_id"),
            visit.c.started_at.label("visit_started_at"),
            visit.c.created_at.label("visit_created_at"),
        )
        .select_from(step.join(visit, visit.c.id == step.c.visit_id))
        .order_by(visit.c.teacher_id, visit.c.started_at, visit.c.created_at)
    ).all()
    by_teacher: dict[int, list] = {}
    for row in rows:
        by_teacher.setdefault(row.visit_teacher_id, []).append(row)
    for steps in by_teacher.values():
        _move_one_teacher(connection, steps)


def _move_one_teacher(connection, rows):
    """Merge each run of same-worded steps into its first, then close all but the last."""
    runs: list[list] = []
    for row in rows:
        if runs and runs[-1][0].text.strip() == row.text.strip():
            runs[-1].append(row)
        else:
            runs.append([row])
    for position, run in enumerate(runs):
        first, latest = run[0], run[-1]
        values = _merged_values(run)
        next_run = runs[position + 1] if position + 1 < len(runs) else None
        if next_run is not None:
            values["closed_at"] = next_run[0].visit_started_at
            if values["status"] != "embedded":
                values["status"] = "replaced"
        elif values["status"] == "embedded":
            values["closed_at"] = latest.status_changed_at or latest.visit_started_at
        connection.execute(sa.update(step).where(step.c.id == first.id).values(**values))
        for row in run:
            connection.execute(
                sa.update(visit).where(visit.c.id == row.visit_id).values(action_step_id=first.id)
            )
        later_ids = [row.id for row in run[1:]]
        if later_ids:
            connection.execute(sa.delete(step).where(step.c.id.in_(later_ids)))


def _merged_values(run) -> dict:
    first = run[0]
    acknowledged = [row.acknowledged_at for row in run if row.acknowledged_at]
    reflected = [row for row in run if row.reflection]
    furthest = max(run, key=lambda row: (PROGRESS[row.status], row.visit_started_at))
    return {
        "teacher_id": first.visit_teacher_id,
        "school_id": first.visit_school_id,
        "set_at": first.visit_started_at,
        "created_at": first.visit_created_at,
        "library_step_id": next((row.library_step_id for row in run if row.library_step_id), None),
        "status": furthest.status,
        "status_changed_at": furthest.status_changed_at,
        "acknowledged_at": min(acknowledged) if acknowledged else None,
        "reflection": reflected[-1].reflection if reflected else "",
        "reflected_at": reflected[-1].reflected_at if reflected else None,
    }


def downgrade():
    """Back to one step per visit: a revisit gets its own copy of the step again."""
    with op.batch_alter_table("action_step") as batch_op:
        batch_op.drop_index("uq_action_step_live_teacher")
        batch_op.add_column(sa.Column("visit_id", sa.Uuid(), nullable=True))
    connection = op.get_bind()
    _copy_steps_back_onto_visits(connection)
    with op.batch_alter_table("visit") as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_action_step_id"))
        batch_op.drop_constraint(op.f("fk_visit_action_step_id_action_step"), type_="foreignkey")
        batch_op.drop_column("action_step_id")
    op.drop_table("step_comment")
    connection.execute(sa.update(step).where(step.c.status == "replaced").values(status="new"))
    with op.batch_alter_table("action_step") as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_step_school_id"))
        batch_op.drop_index(batch_op.f("ix_action_step_teacher_id"))
        batch_op.drop_constraint(op.f("fk_action_step_school_id_school"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_action_step_teacher_id_user"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_action_step_status"), type_="check")
        batch_op.create_check_constraint("status", OLD_STATUSES)
        for name in ("teacher_id", "school_id", "set_at", "closed_at", "created_at"):
            batch_op.drop_column(name)
        batch_op.alter_column("visit_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_action_step_visit_id_visit"), "visit", ["visit_id"], ["id"]
        )
        batch_op.create_unique_constraint(batch_op.f("uq_action_step_visit_id"), ["visit_id"])


def _copy_steps_back_onto_visits(connection):
    columns = [c for c in step.c if c.name not in ("id", "visit_id")]
    visits = connection.execute(
        sa.select(visit.c.id, visit.c.action_step_id)
        .where(visit.c.action_step_id.is_not(None))
        .order_by(visit.c.started_at, visit.c.created_at)
    ).all()
    owner: set[int] = set()
    for row in visits:
        if row.action_step_id not in owner:
            owner.add(row.action_step_id)
            connection.execute(
                sa.update(step).where(step.c.id == row.action_step_id).values(visit_id=row.id)
            )
            continue
        original = connection.execute(
            sa.select(*columns).where(step.c.id == row.action_step_id)
        ).one()
        values = dict(original._mapping)
        connection.execute(sa.insert(step).values(**values, visit_id=row.id))
