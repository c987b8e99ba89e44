"""peer triads: the three pairs of a triad share a key

Existing triads are found as they were made: three pairs of one school forming a ring
(A→B, B→C, C→A) with the same start and end.

Revision ID: 0002_triad_key
Revises: 0001
"""

import uuid
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0002_triad_key"
down_revision = "0001"
branch_labels = None
depends_on = None

pairs = sa.table(
    "coaching_pair",
    sa.column("id", sa.Integer),
    sa.column("school_id", sa.Integer),
    sa.column("coach_id", sa.Integer),
    sa.column("teacher_id", sa.Integer),
    sa.column("since", sa.Date),
    sa.column("until", sa.Date),
    sa.column("triad_key", sa.Uuid),
)


def upgrade():
    with op.batch_alter_table("coaching_pair", schema=None) as batch_op:
        batch_op.add_column(sa.Column("triad_key", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_coaching_pair_triad_key"), ["triad_key"], unique=False)
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            pairs.c.id,
            pairs.c.school_id,
            pairs.c.coach_id,
            pairs.c.teacher_id,
            pairs.c.since,
            pairs.c.until,
        ).order_by(pairs.c.id)
    ).all()
    for ring in _rings(rows):
        connection.execute(
            pairs.update().where(pairs.c.id.in_(ring)).values(triad_key=uuid.uuid4())
        )


def _rings(rows):
    """Ids of pairs forming rings of three, each pair in at most one ring."""
    groups = defaultdict(dict)
    for pair_id, school_id, coach_id, teacher_id, since, until in rows:
        groups[(school_id, since, until)].setdefault((coach_id, teacher_id), pair_id)
    for edges in groups.values():
        used = set()
        for (a, b), first in sorted(edges.items(), key=lambda item: item[1]):
            if first in used:
                continue
            for (coach, c), second in edges.items():
                third = edges.get((c, a))
                if coach == b and c not in (a, b) and third is not None:
                    ring = {first, second, third}
                    if len(ring) == 3 and not ring & used:
                        used |= ring
                        yield sorted(ring)
                        break


def downgrade():
    with op.batch_alter_table("coaching_pair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_pair_triad_key"))
        batch_op.drop_column("triad_key")
