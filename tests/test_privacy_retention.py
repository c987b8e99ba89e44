"""apply-retention removes exactly what each trust's periods say is due (a day either side
of each cutoff), from the database and the photo store, once, however often and however
many run at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.extensions import db
from app.models import ActionStep, AuditEvent, Photo, StepComment, UserSession, Visit
from app.privacy import records
from app.privacy.models import TrustRetention
from app.privacy.retention import apply_retention
from app.selfaudit_models import SelfAudit
from tests.factories import make_pair, make_school, make_trust, make_user, make_visit
from tests.privacy_support import add_photo, comment, files_exist, keys_of
from tests.route_world import snapshot

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
VISIT_CUTOFF = datetime(2020, 11, 30, 12, 0, tzinfo=UTC)  # 6 years before NOW


class World:
    """One trust on the defaults, and a second that keeps everything ten years: each has a
    visit (with a photo) a day either side of the photo and the visit cutoffs."""

    def __init__(self, visit_action: str = "delete", now: datetime = NOW):
        photo_cutoff = now - relativedelta(months=24)
        visit_cutoff = now - relativedelta(years=6)
        self.trust = make_trust()
        db.session.add(TrustRetention(trust_id=self.trust.id, visit_action=visit_action))
        school = make_school(self.trust)
        self.coach = make_user(roles=[(school, "coach")])
        self.teacher = make_user(roles=[(school, "teacher")])
        make_pair(self.coach, self.teacher, school, since=(now - 3000 * DAY).date())
        self.visits = {
            "old": self._visit(school, visit_cutoff - DAY, "embedded"),
            "not_old": self._visit(school, visit_cutoff + DAY, "embedded"),
            "photo_due": self._visit(school, photo_cutoff - DAY, "embedded"),
            "photo_kept": self._visit(school, photo_cutoff + DAY, "new"),
        }
        self.photos = {name: add_photo(visit) for name, visit in self.visits.items()}
        self.keys = {name: keys_of(photo) for name, photo in self.photos.items()}
        comment(self.visits["old"], self.teacher, "Tried it with Year 9")
        self.self_audits = [
            SelfAudit(
                teacher_id=self.teacher.id,
                school_id=school.id,
                term=f"Term starting {day}",
                term_starts_on=day,
                answers={},
                focus_area="questioning",
            )
            for day in ((visit_cutoff - DAY).date(), (visit_cutoff + DAY).date())
        ]
        db.session.add_all(self.self_audits)
        self.reflect(self.visits["old"])
        self.events = [
            AuditEvent(trust_id=self.trust.id, action="x", summary=f"{when}", created_at=when)
            for when in (visit_cutoff - DAY, visit_cutoff + DAY)
        ]
        self.sessions = [
            UserSession(user_id=self.teacher.id, token_hash=f"{n:064d}", created_at=when)
            for n, when in enumerate((now - 91 * DAY, now - 89 * DAY))
        ]
        db.session.add_all(self.events + self.sessions)
        other = make_trust()
        db.session.add(
            TrustRetention(
                trust_id=other.id,
                photo_months=120,
                visit_years=10,
                audit_years=10,
                sign_in_days=730,
            )
        )
        elsewhere = make_school(other)
        coach2 = make_user(roles=[(elsewhere, "coach")])
        teacher2 = make_user(roles=[(elsewhere, "teacher")])
        self.other_visit = make_visit(
            coach2, teacher2, elsewhere, visit_cutoff - DAY, status="embedded"
        )
        self.other_photo = keys_of(add_photo(self.other_visit))
        db.session.commit()
        self.photo_ids = {name: photo.id for name, photo in self.photos.items()}
        self.visit_ids = {name: visit.id for name, visit in self.visits.items()}
        self.old_step = self.visits["old"].action_step_id
        self.event_ids = [event.id for event in self.events]
        self.self_audit_ids = [audit.id for audit in self.self_audits]
        self.session_ids = [session.id for session in self.sessions]
        self.other_visit_id = self.other_visit.id

    def _visit(self, school, started_at, status):
        return make_visit(
            self.coach, self.teacher, school, started_at, status=status, notes="Notes"
        )

    def reflect(self, visit):
        visit.action_step.reflection = "It helped my quiet ones"


def ids(model) -> set:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(model.id)))


def retention_events() -> list[dict]:
    return [
        event.details
        for event in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "retention.apply")
        )
    ]


def test_retention_removes_exactly_what_is_due(app):
    world = World()
    photos, visits = world.photo_ids, world.visit_ids

    apply_retention(NOW)

    # Every visit but the newest is older than the photos' 24 months.
    assert set(photos.values()) & ids(Photo) == {photos["photo_kept"]}
    gone = world.keys["photo_due"] + world.keys["old"] + world.keys["not_old"]
    assert files_exist(gone) == [False] * 6
    assert files_exist(world.keys["photo_kept"]) == [True] * 2
    # A visit whose photos went is complete, not "photos still arriving".
    assert db.session.get(Visit, visits["photo_due"]).is_complete
    assert db.session.get(Visit, visits["photo_kept"]).expected_photo_ids == [
        str(photos["photo_kept"])
    ]
    assert set(visits.values()) & ids(Visit) == {
        visits["not_old"],
        visits["photo_due"],
        visits["photo_kept"],
    }
    assert world.old_step not in ids(ActionStep)
    assert not ids(StepComment)
    assert set(world.event_ids) & ids(AuditEvent) == {world.event_ids[1]}
    assert ids(SelfAudit) == {world.self_audit_ids[1]}
    assert ids(UserSession) == {world.session_ids[1]}
    # The other trust keeps everything for ten years.
    assert world.other_visit_id in ids(Visit)
    assert files_exist(world.other_photo) == [True, True]
    assert retention_events() == [
        {
            "photos": 3,
            "visits": 1,
            "steps": 1,
            "self_audits": 1,
            "audit_events": 1,
            "sign_in_sessions": 1,
            "visits_were": "deleted",
        }
    ]


def test_a_second_run_changes_nothing(app):
    World()
    apply_retention(NOW)
    before = snapshot()
    outcomes = apply_retention(NOW)
    assert not any(outcome.changed for outcome in outcomes)
    assert snapshot() == before


def test_a_dry_run_counts_and_changes_nothing(app):
    world = World()
    before = snapshot()
    outcomes = apply_retention(NOW, dry_run=True)
    assert snapshot() == before
    assert files_exist(world.keys["photo_due"]) == [True, True]
    ours = next(outcome for outcome in outcomes if outcome.trust.id == world.trust.id)
    assert ours.counts == {
        "photos": 3,
        "visits": 1,
        "steps": 1,
        "self_audits": 1,
        "audit_events": 1,
        "sign_in_sessions": 1,
    }


def test_anonymising_keeps_the_counts_without_the_names(app):
    world = World(visit_action="anonymise")
    old_id, step_id = world.visit_ids["old"], world.old_step

    apply_retention(NOW)

    db.session.expire_all()
    placeholder = records.existing_former_staff()
    visit = db.session.get(Visit, old_id)
    assert (visit.coach_id, visit.teacher_id, visit.notes) == (placeholder.id, placeholder.id, "")
    assert visit.started_at == VISIT_CUTOFF - DAY
    step = db.session.get(ActionStep, step_id)
    assert (step.teacher_id, step.reflection, step.status) == (placeholder.id, "", "embedded")
    assert not ids(StepComment)
    assert files_exist(world.keys["old"]) == [False, False]
    recent = db.session.get(Visit, world.visit_ids["not_old"])
    assert recent.coach_id != placeholder.id and recent.notes == "Notes"
    before = snapshot()
    apply_retention(NOW)
    assert snapshot() == before
    assert retention_events()[0]["visits"] == 1


@pytest.mark.parametrize("visit_action", ["delete", "anonymise"])
def test_two_runs_at_once_remove_it_once(app, visit_action):
    world = World(visit_action=visit_action)
    db.session.remove()
    errors = []

    def run():
        try:
            with app.app_context():
                apply_retention(NOW)
                db.session.remove()
        except Exception as error:  # pragma: no cover - shown by the assertion
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = retention_events()
    assert sum(event["photos"] for event in events) == 3
    assert sum(event["visits"] for event in events) == 1
    assert sum(event["audit_events"] for event in events) == 1
    assert files_exist(world.keys["photo_due"]) == [False, False]
    assert world.visit_ids["photo_kept"] in ids(Visit)
    before = snapshot()
    apply_retention(NOW)
    assert snapshot() == before


def test_the_photos_go_from_the_s3_store(app, s3_photos):
    world = World()
    assert files_exist(world.keys["photo_due"]) == [True, True]
    apply_retention(NOW)
    assert files_exist(world.keys["photo_due"]) == [False, False]
    assert files_exist(world.keys["photo_kept"]) == [True, True]


def test_the_command_says_what_would_go_and_then_removes_it(app, runner):
    world = World()
    result = runner.invoke(args=["apply-retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would remove" in result.output
    assert world.visit_ids["old"] in ids(Visit)


def test_two_servers_running_the_command_at_once_remove_it_once(app, tmp_path):
    """Two `flask apply-retention` processes on the one database and photo store."""
    world = World(now=datetime.now(UTC))
    db.session.remove()
    environment = {
        **os.environ,
        "DROPIN_ENV": "production",
        "SECRET_KEY": "retention-test-" + "k" * 40,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PHOTO_DIR": app.config["PHOTO_DIR"],
        "PHOTO_STORAGE": "",
        "LOG_JSON": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "apply-retention"]
    runs = [
        subprocess.Popen(
            command,
            env=environment,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    events = retention_events()
    assert sum(event["photos"] for event in events) == 3
    assert sum(event["visits"] for event in events) == 1
    assert sum(event["sign_in_sessions"] for event in events) == 1
    assert files_exist(world.keys["photo_due"]) == [False, False]
    assert files_exist(world.keys["photo_kept"]) == [True, True]


def test_with_the_photo_store_down_the_command_fails_and_the_next_run_finishes(
    app, runner, s3_server, s3_photos, monkeypatch
):
    from tests.test_photos_s3 import StoreSwitch

    store = StoreSwitch(app, s3_server, monkeypatch)
    world = World(now=datetime.now(UTC))
    store.down()
    failed = runner.invoke(args=["apply-retention"])
    assert failed.exit_code == 1 and "The photo store does not answer" in failed.output
    assert world.photo_ids["photo_due"] in ids(Photo)
    store.up()
    done = runner.invoke(args=["apply-retention"])
    assert done.exit_code == 0, done.output
    assert world.photo_ids["photo_due"] not in ids(Photo)
    assert files_exist(world.keys["photo_due"]) == [False, False]


def test_failed_sign_ins_go_after_the_shortest_sign_in_period(app):
    from app.models import LoginFailure
    from app.privacy.retention import forget_failed_sign_ins

    def attempt(days_ago: int) -> int:
        row = LoginFailure(email="x@y.test", address="192.0.2.1", created_at=NOW - days_ago * DAY)
        db.session.add(row)
        db.session.flush()
        return row.id

    kept, gone = attempt(29), attempt(31)
    db.session.add(TrustRetention(trust_id=make_trust().id, sign_in_days=30))
    db.session.commit()
    assert forget_failed_sign_ins(NOW, dry_run=True) == 1
    assert forget_failed_sign_ins(NOW) == 1
    assert ids(LoginFailure) == {kept}
    assert forget_failed_sign_ins(NOW) == 0
    assert gone not in ids(LoginFailure)
