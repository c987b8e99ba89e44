"""`flask seed-demo`: the contract's accounts, realistic data, and idempotent."""

import sqlalchemy as sa

from app import authz
from app.extensions import db
from app.models import ActionStep, School, Trust, User, Visit


def snapshot():
    """Every row of every table, as plain values."""
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def test_seed_demo_creates_the_contract_accounts(app, runner):
    result = runner.invoke(args=["seed-demo", "--password", "pw-demo"])
    assert result.exit_code == 0, result.output
    trust = db.session.scalar(sa.select(Trust).where(Trust.name == "Demo Trust"))
    schools = db.session.scalars(sa.select(School).where(School.trust_id == trust.id)).all()
    assert len(schools) >= 2

    def user(email):
        found = db.session.scalar(sa.select(User).where(User.email == email))
        assert found is not None and found.check_password("pw-demo"), email
        return found

    assert "admin" in authz.roles_of(user("admin@example.org"))
    assert "trust_lead" in authz.roles_of(user("lead@example.org"))
    coach = user("coach@example.org")
    teacher, teacher2 = user("teacher@example.org"), user("teacher2@example.org")
    coachees = authz.writable_coachees(coach)
    first_school = coachees[0].school
    assert len([c for c in coachees if c.school == first_school]) >= 3
    assert teacher.id in {c.teacher.id for c in coachees}
    assert teacher2.id not in {c.teacher.id for c in coachees}
    teacher2_schools = {m.school_id for m in teacher2.memberships}
    assert first_school.id not in teacher2_schools
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) >= 12


def test_seed_demo_twice_changes_nothing(app, runner):
    assert runner.invoke(args=["seed-demo", "--password", "pw-demo"]).exit_code == 0
    first = snapshot()
    assert runner.invoke(args=["seed-demo", "--password", "pw-demo"]).exit_code == 0
    assert snapshot() == first
    assert len(first["visit"]) >= 20
    assert len(first["library_step"]) >= 8


def test_the_demo_drop_ins_are_on_school_days_and_practice_follows_acknowledgement(app, runner):
    assert runner.invoke(args=["seed-demo", "--password", "pw-demo"]).exit_code == 0
    visits = db.session.scalars(sa.select(Visit)).all()
    assert {visit.started_at.weekday() for visit in visits} <= {0, 1, 2, 3, 4}
    practising = db.session.scalars(
        sa.select(ActionStep).where(ActionStep.status == "practising")
    ).all()
    assert practising
    for step in practising:
        assert step.acknowledged_at < step.status_changed_at, step.text
